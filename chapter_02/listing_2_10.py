"""Listing 2.10 — Running code while other operations complete

Section 2.3.2. Needs: nothing.

What to watch: while the two 3-second delays sleep, main prints its message at 1 s and 2 s;
the delays finish at 3 s, and the whole program takes about 3 seconds.
"""
import asyncio

from util import delay


async def hello_every_second():
    for i in range(2):
        await asyncio.sleep(1)
        print("I'm running other code while I'm waiting!")


async def main():
    first_delay = asyncio.create_task(delay(3))
    second_delay = asyncio.create_task(delay(3))
    await hello_every_second()
    await first_delay
    await second_delay


if __name__ == "__main__":
    asyncio.run(main())

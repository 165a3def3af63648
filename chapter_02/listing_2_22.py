"""Listing 2.22 — Accessing the event loop

Section 2.8.2. Needs: nothing.

What to watch: the callback scheduled with call_soon prints between delay's two lines: delay's
first print runs before main yields, and the callback runs on the loop's next iteration while
delay sleeps.
"""
import asyncio

from util import delay


def call_later():
    print("I'm being called in the future!")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(call_later)
    await delay(1)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 2.9 — Running multiple tasks concurrently

Section 2.3.2. Needs: nothing.

What to watch: three 3-second delays run as tasks finish together in about 3 seconds, not 9:
all three "sleeping" lines come first, then all three "finished" lines.
"""
import asyncio

from util import delay


async def main():
    sleep_for_three = asyncio.create_task(delay(3))
    sleep_again = asyncio.create_task(delay(3))
    sleep_once_more = asyncio.create_task(delay(3))

    await sleep_for_three
    await sleep_again
    await sleep_once_more


if __name__ == "__main__":
    asyncio.run(main())

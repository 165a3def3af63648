"""Listing 4.5 — Using tasks concurrently with a list comprehension

Section 4.3. Needs: nothing.

What to watch: one comprehension creates all three tasks and a second one awaits them, so the
three "sleeping" lines come before any "finished" line and main takes about 3 s (a third of 4.4).
"""
import asyncio

from util import async_timed, delay


@async_timed()
async def main() -> None:
    delay_times = [3, 3, 3]
    tasks = [asyncio.create_task(delay(seconds)) for seconds in delay_times]
    [await task for task in tasks]


if __name__ == "__main__":
    asyncio.run(main())

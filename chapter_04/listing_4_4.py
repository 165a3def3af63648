"""Listing 4.4 — Incorrect usage of tasks with a list comprehension

Section 4.3. Needs: nothing.

What to watch: each task is awaited in the same comprehension that creates it, so the next one
is only created when the previous one is done: the sleeping/finished lines alternate and main
takes about 9 s, not 3 s.
"""
import asyncio

from util import async_timed, delay


@async_timed()
async def main() -> None:
    delay_times = [3, 3, 3]
    [await asyncio.create_task(delay(seconds)) for seconds in delay_times]


if __name__ == "__main__":
    asyncio.run(main())

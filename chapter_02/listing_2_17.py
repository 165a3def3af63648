"""Listing 2.17 — Timing two concurrent tasks with a decorator

Section 2.6. Needs: nothing.

What to watch: the decorator reports about 2 s and 3 s for the two delays and about 3 s for
main, the longest of them, not their 5-second sum.
"""
import asyncio

from util import async_timed


@async_timed()
async def delay(delay_seconds: int) -> int:
    print(f'sleeping for {delay_seconds} second(s)')
    await asyncio.sleep(delay_seconds)
    print(f'finished sleeping for {delay_seconds} second(s)')
    return delay_seconds


@async_timed()
async def main():
    task_one = asyncio.create_task(delay(2))
    task_two = asyncio.create_task(delay(3))

    await task_one
    await task_two


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 2.19 — CPU-bound code with a long-running task

Section 2.7.1. Needs: nothing.

What to watch: "sleeping for 4 second(s)" appears only after both CPU-bound tasks have
finished: they never yield, so the delay task cannot even start, and main takes the two CPU
times plus 4 seconds.
"""
import asyncio

from util import async_timed, delay


@async_timed()
async def cpu_bound_work() -> int:
    counter = 0
    for i in range(100000000):
        counter = counter + 1
    return counter


@async_timed()
async def main():
    task_one = asyncio.create_task(cpu_bound_work())
    task_two = asyncio.create_task(cpu_bound_work())
    delay_task = asyncio.create_task(delay(4))
    await task_one
    await task_two
    await delay_task


if __name__ == "__main__":
    asyncio.run(main())

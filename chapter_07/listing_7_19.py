"""Listing 7.19 — Threading with NumPy

Section 7.5.2. Needs: nothing.

What to watch: the same matrix as 7.18, one row mean per thread-pool task; NumPy releases the
GIL inside the reduction, so rows are averaged on several cores at once (the book: 9-10 s
instead of 25-30 s on 8 cores). Measure before you reach for threads: this project's machine
in benchmarks/results/report.md (the threads comparison).

Differs from the book: MATRIX_POINTS (default 400,000,000 instead of the book's 4,000,000,000,
which needs 30 GiB) sets the size, and the matrix is built under `if __name__ == "__main__":`.
The book never awaits asyncio.gather (so an exception in a row would be lost); here main awaits
it inside the with-block.
"""
import asyncio
import functools
import os
from concurrent.futures.thread import ThreadPoolExecutor

import numpy as np

from util import async_timed


def mean_for_row(arr, row):
    return np.mean(arr[row])


data_points = int(os.environ.get('MATRIX_POINTS', 400_000_000))
rows = 50
columns = int(data_points / rows)


@async_timed()
async def main():
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        tasks = []
        for i in range(rows):
            mean = functools.partial(mean_for_row, matrix, i)
            tasks.append(loop.run_in_executor(pool, mean))

        results = await asyncio.gather(*tasks)  # noqa: F841


if __name__ == "__main__":
    matrix = np.arange(data_points).reshape(rows, columns)
    asyncio.run(main())

"""Listing 7.18 — Means of a large matrix with NumPy

Section 7.5.2. Needs: nothing.

What to watch: a 50-row matrix of consecutive integers, and the time NumPy takes to average
each row (numpy.mean(matrix, axis=1), one thread of C code), printed as a bare float. The book
used 4,000,000,000 points (25-30 s on its machine). Measured on this project's machine:
benchmarks/results/report.md (the threads comparison).

Differs from the book: the book's 4,000,000,000 int64 points need 30 GiB of memory and fail with
numpy's _ArrayMemoryError on most machines; the number of points comes from the MATRIX_POINTS
environment variable, default 400,000,000 (3 GiB; lower it if memory is short). The matrix is
built under `if __name__ == "__main__":` so importing the module builds nothing.
"""
import os
import time

import numpy as np

data_points = int(os.environ.get('MATRIX_POINTS', 400_000_000))
rows = 50
columns = int(data_points / rows)


if __name__ == "__main__":
    matrix = np.arange(data_points).reshape(rows, columns)

    s = time.time()

    res = np.mean(matrix, axis=1)

    e = time.time()
    print(e - s)

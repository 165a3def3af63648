"""Threads and the GIL: pure-Python work does not speed up, hashlib and NumPy work does.

Each pair runs the same work one piece after another, then in a thread pool of one thread per
core: listing 1.5/1.6's recursive fib (pure Python: the GIL lets one thread run bytecode at a
time), listing 7.16/7.17's scrypt hash (hashlib releases the GIL while it hashes) and listing
7.18/7.19's row means of a matrix (NumPy releases it too).
"""
from __future__ import annotations

import asyncio
import functools
import os
import random
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from benchmarks.common import Comparison, Panel, Progress, Row, Side, Size, interleave, line
from chapter_01 import listing_1_5
from chapter_07 import listing_7_16, listing_7_19

NAME = "threads"
TITLE = "Threads: pure-Python work vs hashlib and NumPy, which release the GIL"
CHAPTERS = "1, 7"
CLAIM = ("Two fib computations in two threads take as long as one after the other (1.5, 1.6: "
         "the GIL); 10,000 scrypt hashes took 40+ s one by one and about 5 s in a thread pool "
         "on 8 cores (7.16, 7.17), and NumPy's row means gain too (7.18, 7.19): both release "
         "the GIL.")


def in_threads(calls: list, workers: int) -> list:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def one_by_one(calls: list) -> list:
    return [call() for call in calls]


async def _row_means(matrix, workers: int) -> list:
    """Listing 7.19's main: one row mean per task in a thread pool."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        tasks = [loop.run_in_executor(pool, functools.partial(listing_7_19.mean_for_row,
                                                              matrix, row))
                 for row in range(matrix.shape[0])]
        return await asyncio.gather(*tasks)


def gil_enabled() -> bool:
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else check()


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    cores = os.cpu_count() or 1
    rounds = size.n_rounds(tiny=1, quick=1, full=3)
    fib_n = size.pick(tiny=20, quick=24, full=30)
    hashes = size.count(tiny=8, quick=24, full=200)
    points = size.count(tiny=500_000, quick=4_000_000, full=50_000_000)
    random.seed(7)
    passwords = [listing_7_16.random_password(10) for _ in range(hashes)]
    matrix = np.arange(points - points % 50).reshape(50, -1)

    fibs = [functools.partial(listing_1_5.fib, fib_n + i % 2) for i in range(cores)]
    hash_calls = [functools.partial(listing_7_16.hash, p) for p in passwords]
    pairs = {
        f"pure Python: {cores} x fib({fib_n}…{fib_n + 1}) (1.5, 1.6)": (
            lambda: one_by_one(fibs), lambda: in_threads(fibs, cores),
            "the same time: the GIL (1.6)"),
        f"hashlib: {hashes:,} scrypt hashes (7.16, 7.17)": (
            lambda: one_by_one(hash_calls), lambda: in_threads(hash_calls, cores),
            "40+ s -> ~5 s on 8 cores: ~8x (7.16, 7.17)"),
        f"NumPy: 50 row means of {matrix.size:,} integers (7.18, 7.19)": (
            lambda: np.mean(matrix, axis=1), lambda: asyncio.run(_row_means(matrix, cores)),
            "25-30 s -> 9-10 s on 8 cores (7.18, 7.19)"),
    }
    rows, speedups = [], []
    for what, (alone, threaded, book) in pairs.items():
        samples = interleave({"one thread": alone, f"{cores} threads": threaded}, rounds,
                             progress, label=what.split(":")[0])
        sides = [Side(name, values) for name, values in samples.items()]
        rows.append(Row(what, sides, limit=float(cores), book=book,
                        limit_text=f"{cores} cores: at most {cores}x"
                                   + (" (the GIL: 1x for bytecode)" if "pure" in what else "")))
        speedups.append(rows[-1])
    labels = ["pure Python", "hashlib", "NumPy"]
    x = list(range(1, len(labels) + 1))
    panels = [Panel("Speed-up of threads over one thread ("
                    + ", ".join(f"{i}={label}" for i, label in zip(x, labels, strict=True))
                    + ")", "work", "one thread / threads",
                    [line("measured", x, [row.ratio for row in speedups])], logx=False,
                    reference=line(f"cores ({cores})", x, [float(cores)] * len(x)))]
    build = "free-threaded" if sysconfig.get_config_var("Py_GIL_DISABLED") else "with the GIL"
    notes = [f"Python {sys.version.split()[0]}, {build} (GIL enabled: {gil_enabled()}). The "
             f"NumPy side builds the matrix once ({matrix.nbytes / 2**20:.0f} MiB) outside the "
             "timing, as 7.18 and 7.19 do."]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes, headline=1)

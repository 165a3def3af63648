"""Listing 6.1 — Two parallel processes with multiprocessing

Section 6.1. Needs: nothing.

What to watch: two processes count to 100 million and 200 million at the same time, so the
whole run takes about as long as the longer count, not the sum of both (the GIL is per
process). join() waits for a process but does not hand back count()'s return value. Without
the __main__ guard, start methods that re-import this module (spawn, and forkserver, the
default on Linux from Python 3.14) would start processes from every child.

Measured on this project's machine: benchmarks/results/report.md (the cpu comparison).
"""
import time
from multiprocessing import Process


def count(count_to: int) -> int:
    start = time.time()
    counter = 0
    while counter < count_to:
        counter = counter + 1
    end = time.time()
    print(f'Finished counting to {count_to} in {end-start}')
    return counter


if __name__ == "__main__":
    start_time = time.time()

    to_one_hundred_million = Process(target=count, args=(100000000,))
    to_two_hundred_million = Process(target=count, args=(200000000,))

    to_one_hundred_million.start()
    to_two_hundred_million.start()

    to_one_hundred_million.join()
    to_two_hundred_million.join()

    end_time = time.time()
    print(f'Completed in {end_time-start_time}')

"""Listing 6.4 — Process pool executors

Section 6.3.1. Needs: nothing.

What to watch: ProcessPoolExecutor() starts one worker per CPU; the "Finished counting" lines
come from the workers (the four small ones in any order, sometimes glued onto one line), the
results from the parent. map() yields results in INPUT order: 1, 3, 5 and 22 print at once
because the slow 100,000,000 is last; put it first and it would hold back all the others.

Measured on this project's machine: benchmarks/results/report.md (the cpu comparison).
"""
import time
from concurrent.futures import ProcessPoolExecutor


def count(count_to: int) -> int:
    start = time.time()
    counter = 0
    while counter < count_to:
        counter = counter + 1
    end = time.time()
    print(f'Finished counting to {count_to} in {end - start}')
    return counter


if __name__ == "__main__":
    with ProcessPoolExecutor() as process_pool:
        numbers = [1, 3, 5, 22, 100000000]
        for result in process_pool.map(count, numbers):
            print(result)

"""Listing 1.5 — Generating and timing the Fibonacci sequence

Section 1.5. Needs: nothing.

What to watch: fib(40) and fib(41), computed one after the other with a deliberately slow
recursion, take 20-30 seconds of CPU; this is the single-threaded baseline for listing 1.6.

Differs from the book: the recursive fib is a module-level function instead of being nested in
print_fib, and the timed run is under the main guard, so tests can import print_fib and fib and
call them with small numbers.

Measured on this project's machine: benchmarks/results/report.md (the threads comparison).
"""
import time


def fib(n: int) -> int:
    if n == 1:
        return 0
    elif n == 2:
        return 1
    else:
        return fib(n - 1) + fib(n - 2)


def print_fib(number: int) -> None:
    print(f'fib({number}) is {fib(number)}')


def fibs_no_threading():
    print_fib(40)
    print_fib(41)


if __name__ == "__main__":
    start = time.time()

    fibs_no_threading()

    end = time.time()

    print(f'Completed in {end - start:.4f} seconds.')

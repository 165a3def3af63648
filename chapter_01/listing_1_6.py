"""Listing 1.6 — Multithreading Fibonacci

Section 1.5. Needs: nothing.

What to watch: the same two computations as listing 1.5, in two threads, take about as long
as running them one after the other (sometimes a little longer): the GIL lets only one thread
run Python bytecode at a time. On a free-threaded build with the GIL disabled (3.13t, 3.14t)
the threads really run in parallel and the total drops to about the time of fib(41) alone.

Differs from the book: the recursive fib is a module-level function instead of being nested in
print_fib, and the timed run is under the main guard, so tests can import print_fib and fib and
call them with small numbers.

Measured on this project's machine: benchmarks/results/report.md (the threads comparison).
"""
import threading
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


def fibs_with_threads():
    fortieth_thread = threading.Thread(target=print_fib, args=(40,))
    forty_first_thread = threading.Thread(target=print_fib, args=(41,))

    fortieth_thread.start()
    forty_first_thread.start()

    fortieth_thread.join()
    forty_first_thread.join()


if __name__ == "__main__":
    start_threads = time.time()

    fibs_with_threads()

    end_threads = time.time()

    print(f'Threads took {end_threads - start_threads:.4f} seconds.')

"""Listing 6.11 — Incrementing a shared counter in parallel

Section 6.5.1. Needs: nothing.

What to watch: a race condition. Two processes each read the shared value, add 1 and write it
back, without a lock. Usually the value ends at 2, but sooner or later both read 0 and both
write 1: the program prints 1 and stops with an AssertionError. How soon depends on the machine
and the start method: on 2 cores, within seconds under fork (Linux up to Python 3.13) and
forkserver (Linux from 3.14), after 50 to 650 rounds, and much later in time under spawn
(macOS), whose rounds start two fresh interpreters (one run of two lost an update after 281
rounds, the other not in 120 s); it may never happen in 10,000. Listing 6.12 fixes it with the
value's lock.

Differs from the book: this is the book's official source file, which prints the CPU count first
and loops 10,000 times (the printed listing loops 100 times). Also: the CPU count is
`multiprocessing.cpu_count()`.
"""
import multiprocessing
from multiprocessing import Process, Value


def increment_value(shared_int: Value):
    shared_int.value = shared_int.value + 1


if __name__ == '__main__':
    print(multiprocessing.cpu_count())
    for _ in range(10000):
        integer = Value('i', 0)
        procs = [Process(target=increment_value, args=(integer,)),
                 Process(target=increment_value, args=(integer,))]

        [p.start() for p in procs]
        [p.join() for p in procs]
        print(integer.value)
        assert(integer.value == 2)

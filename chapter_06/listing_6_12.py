"""Listing 6.12 — Acquiring and releasing a lock

Section 6.5.2. Needs: nothing.

What to watch: the fix for 6.11. The read-add-write happens while holding the lock that comes
with the shared Value, so the other process waits its turn and the value is always 2 (100 lines
of 2). `with shared_int.get_lock():` does the same and releases the lock even on an exception.
Locking serialises the critical section: keep it short. The 100 rounds start 200 processes, so
the start method sets the pace: 0.6 to 1.8 s on this project's 2 cores under fork (Linux up to
Python 3.13), 2.6 to 7.5 s under forkserver (Linux from 3.14), 19 to 26 s under spawn (macOS,
the book's), where every process is a fresh interpreter.
"""
from multiprocessing import Process, Value


def increment_value(shared_int: Value):
    shared_int.get_lock().acquire()
    shared_int.value = shared_int.value + 1
    shared_int.get_lock().release()


if __name__ == '__main__':
    for _ in range(100):
        integer = Value('i', 0)
        procs = [Process(target=increment_value, args=(integer,)),
                 Process(target=increment_value, args=(integer,))]

        [p.start() for p in procs]
        [p.join() for p in procs]
        print(integer.value)
        assert (integer.value == 2)

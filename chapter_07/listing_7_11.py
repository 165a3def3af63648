"""Listing 7.11 — A deadlock in code

Section 7.3.2. Needs: nothing.

What to watch: a() takes lock_a and sleeps a second, b() takes lock_b; then each waits for the
lock the other holds. Two lines ("Acquired lock a from method a!", "Acquired lock b from method
b!", printed at the same moment, so with `python -u` they may even interleave), then the program
hangs forever (deadlock by design). Ctrl-C twice: the first interrupts the main thread's join()
(a KeyboardInterrupt traceback), but Python then waits for the two deadlocked threads before
exiting, so it still hangs; the second interrupts that wait and it exits, with a
KeyboardInterrupt traceback from threading's _shutdown, headed "Exception ignored in: <module
'threading' ...>" on 3.11 and 3.12, by nothing on 3.13, "Exception ignored while joining a
thread in _thread._shutdown():" on 3.14 and "Exception ignored on threading shutdown:" on 3.15.
7.11 (fixed) takes the locks in the same order in both functions.
"""
import time
from threading import Lock, Thread

lock_a = Lock()
lock_b = Lock()


def a():
    with lock_a:
        print('Acquired lock a from method a!')
        time.sleep(1)
        with lock_b:
            print('Acquired both locks from method a!')


def b():
    with lock_b:
        print('Acquired lock b from method b!')
        with lock_a:
            print('Acquired both locks from method b!')


if __name__ == "__main__":
    thread_1 = Thread(target=a)
    thread_2 = Thread(target=b)
    thread_1.start()
    thread_2.start()
    thread_1.join()
    thread_2.join()

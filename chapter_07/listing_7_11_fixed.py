"""Listing 7.11 (fixed) — A deadlock in code

Section 7.3.2. Needs: nothing.

What to watch: both functions now take lock_a first, then lock_b, the consistent lock order the
book recommends: whichever starts first finishes first, then the other runs. Four lines,
normally in this order:
"Acquired lock a from method a!", (a second later) "Acquired both locks from method a!",
"Acquired lock a from method b!", "Acquired both locks from method b!"; the program exits.

Differs from the book: this is the lock-ordering fix the book describes for 7.11 in words; b()
acquires lock_a before lock_b, so its first message names lock a.
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
    with lock_a:
        print('Acquired lock a from method b!')
        with lock_b:
            print('Acquired both locks from method b!')


if __name__ == "__main__":
    thread_1 = Thread(target=a)
    thread_2 = Thread(target=b)
    thread_1.start()
    thread_2.start()
    thread_1.join()
    thread_2.join()

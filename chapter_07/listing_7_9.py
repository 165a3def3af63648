"""Listing 7.9 — Recursion with locks

Section 7.3.1. Needs: nothing.

What to watch: sum_list holds a plain threading.Lock while it calls itself; the recursive call
waits for the lock its own thread already holds. Four lines, then the program hangs forever
(deadlock by design). Stop it with Ctrl-C: on 3.11 and 3.12 one press ends it, because the
interrupted join() marks the stuck thread as finished (a side effect of the fix for bpo-45274)
and Python does not wait for it at exit; from 3.13 Python still waits for the thread, and a
second press ends it, reported as in 7.11 (in each Python's words). 7.9 (fixed) uses an RLock.
"""
from threading import Lock, Thread
from typing import List

list_lock = Lock()


def sum_list(int_list: List[int]) -> int:
    print('Waiting to acquire lock...')
    with list_lock:
        print('Acquired lock.')
        if len(int_list) == 0:
            print('Finished summing.')
            return 0
        else:
            head, *tail = int_list
            print('Summing rest of list.')
            return head + sum_list(tail)


if __name__ == "__main__":
    thread = Thread(target=sum_list, args=([1, 2, 3, 4],))
    thread.start()
    thread.join()

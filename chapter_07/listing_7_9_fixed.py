"""Listing 7.9 (fixed) — Recursion with locks

Section 7.3.1. Needs: nothing.

What to watch: the same recursive sum_list with a reentrant threading.RLock, which the thread
holding it may acquire again: 15 lines (four rounds of waiting, acquired, summing, then the
empty list's "Finished summing.") and a clean exit. The sum, 10, is returned but not printed.

Differs from the book: this is the book's RLock fix of 7.9, which the book shows in the text
(`from threading import RLock`) but does not number.
"""
from threading import RLock, Thread
from typing import List

list_lock = RLock()


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

"""Listing 7.10 (fixed) — A thread-safe list class

Section 7.3.1. Needs: nothing.

What to watch: with a reentrant threading.RLock, find_and_replace may call indices_of while
holding the lock: the call completes, the list becomes [2, 2, 2, 2, 2], and the program exits
silently, as the book says.

Differs from the book: this is the book's RLock fix of 7.10, described in the text but not
numbered.
"""
from threading import RLock
from typing import List


class IntListThreadsafe:

    def __init__(self, wrapped_list: List[int]):
        self._lock = RLock()
        self._inner_list = wrapped_list

    def indices_of(self, to_find: int) -> List[int]:
        with self._lock:
            enumerator = enumerate(self._inner_list)
            return [index for index, value in enumerator if value == to_find]

    def find_and_replace(self,
                         to_replace: int,
                         replace_with: int) -> None:
        with self._lock:
            indices = self.indices_of(to_replace)
            for index in indices:
                self._inner_list[index] = replace_with


if __name__ == "__main__":
    threadsafe_list = IntListThreadsafe([1, 2, 1, 2, 1])
    threadsafe_list.find_and_replace(1, 2)

"""Listing 7.10 — A thread-safe list class

Section 7.3.1. Needs: nothing.

What to watch: find_and_replace takes the list's Lock and then calls indices_of, which takes
the same Lock again: the main thread deadlocks on itself. Nothing is printed and the program
never exits (kill it). 7.10 (fixed) uses an RLock.
"""
from threading import Lock
from typing import List


class IntListThreadsafe:

    def __init__(self, wrapped_list: List[int]):
        self._lock = Lock()
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

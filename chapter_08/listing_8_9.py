"""Listing 8.9 — A message store

Section 8.4.1. Needs: nothing.

What to watch: nothing happens when you run this module; 8.10, 8.11 and 8.14 use MessageStore.
It keeps the last max_size messages in a deque (the oldest drops off when it is full) and,
after every append, awaits the callback with the deque so the screen can be redrawn.
"""
from collections import deque
from typing import Awaitable, Callable, Deque


class MessageStore:
    def __init__(self, callback: Callable[[Deque], Awaitable[None]], max_size: int):
        self._deque = deque(maxlen=max_size)
        self._callback = callback

    async def append(self, item):
        self._deque.append(item)
        await self._callback(self._deque)

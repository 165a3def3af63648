"""Wake-ups finer than asyncio's: epoll's waits round every timeout up to a whole millisecond,
so `asyncio.sleep(0.0005)` takes a millisecond or more; the latency proxy's sub-millisecond
latencies need `await Alarm(loop).until(when)` instead."""
from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time


class Alarm:
    """Wakes a loop's coroutines at a loop.time() to a fraction of a millisecond: one thread
    waits for the earliest (a condition's timeout is finer than epoll's milliseconds) and wakes
    the loop through call_soon_threadsafe. It ends when nothing has waited for IDLE seconds."""

    IDLE = 1.0

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.due: list[tuple[float, int, asyncio.Future]] = []  # a heap, earliest first
        self.changed = threading.Condition()
        self.order = itertools.count()  # ties in time keep their order
        self.thread: threading.Thread | None = None

    async def until(self, when: float) -> None:
        if when <= self.loop.time():
            return
        future = self.loop.create_future()
        with self.changed:
            heapq.heappush(self.due, (when, next(self.order), future))
            if self.thread is None:
                self.thread = threading.Thread(target=self._wait, name="alarm", daemon=True)
                self.thread.start()
            self.changed.notify()
        await future

    def _wait(self) -> None:
        with self.changed:
            while True:
                if not self.due:
                    if not self.changed.wait(self.IDLE) and not self.due:
                        self.thread = None
                        return
                    continue
                when, _, future = self.due[0]
                if (remaining := when - time.monotonic()) > 0:  # the clock of loop.time()
                    self.changed.wait(remaining)
                    continue
                heapq.heappop(self.due)
                try:
                    self.loop.call_soon_threadsafe(_wake, future)
                except RuntimeError:  # the loop is closed: nobody waits any more
                    self.due.clear()


def _wake(future: asyncio.Future) -> None:
    if not future.done():  # not cancelled meanwhile
        future.set_result(None)

"""Listing 7.13 — The stress test class

Section 7.4.2. Needs: example-site.

What to watch: StressTest runs in the GUI's thread but schedules its requests on an asyncio loop
running in another thread (asyncio.run_coroutine_threadsafe), and cancels them there
(loop.call_soon_threadsafe). It fires total_requests GETs at once through one aiohttp session
and calls callback(completed, total) every 1% (and at the end), from the loop's thread. Failed
requests print their exception. Used by 7.14; it has no program of its own.

Differs from the book: the refresh rate is at least 1 (max(1, total_requests // 100)); the
book's total_requests // 100 is 0 for fewer than 100 requests, and the modulo then raises
ZeroDivisionError after the first response, so the test never reports progress.
"""
import asyncio
from asyncio import AbstractEventLoop
from concurrent.futures import Future
from typing import Callable, Optional

from aiohttp import ClientSession


class StressTest:

    def __init__(self,
                 loop: AbstractEventLoop,
                 url: str,
                 total_requests: int,
                 callback: Callable[[int, int], None]):
        self._completed_requests: int = 0
        self._load_test_future: Optional[Future] = None
        self._loop = loop
        self._url = url
        self._total_requests = total_requests
        self._callback = callback
        self._refresh_rate = max(1, total_requests // 100)

    def start(self):
        future = asyncio.run_coroutine_threadsafe(self._make_requests(), self._loop)
        self._load_test_future = future

    def cancel(self):
        if self._load_test_future:
            self._loop.call_soon_threadsafe(self._load_test_future.cancel)

    async def _get_url(self, session: ClientSession, url: str):
        try:
            await session.get(url)
        except Exception as e:
            print(e)
        self._completed_requests = self._completed_requests + 1
        if self._completed_requests % self._refresh_rate == 0 \
                or self._completed_requests == self._total_requests:
            self._callback(self._completed_requests, self._total_requests)

    async def _make_requests(self):
        async with ClientSession() as session:
            reqs = [self._get_url(session, self._url) for _ in range(self._total_requests)]
            await asyncio.gather(*reqs)

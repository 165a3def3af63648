"""Listing 4.3 — Setting timeouts with aiohttp

Section 4.2.2. Needs: example-site.

What to watch: nothing on stdout. The session allows 1 s per request, but this request
overrides that with 10 ms, so it fails at once with a traceback ending in `TimeoutError`
(`asyncio.exceptions.TimeoutError` in the book, on Python 3.10) and exit code 1.

Differs from the book: the URL is the local stand-in (util.settings.EXAMPLE_URL) instead of
https://example.com, and it asks the stand-in to answer slowly (`/?delay=2`), so the 10 ms
timeout fires however fast the local server is, as it did over the internet.
"""
import asyncio

import aiohttp
from aiohttp import ClientSession

from util import settings


async def fetch_status(session: ClientSession, url: str) -> int:
    ten_millis = aiohttp.ClientTimeout(total=.01)
    async with session.get(url, timeout=ten_millis) as result:
        return result.status


async def main():
    session_timeout = aiohttp.ClientTimeout(total=1, connect=.1)
    async with aiohttp.ClientSession(timeout=session_timeout) as session:
        await fetch_status(session, settings.example_url('/?delay=2'))


if __name__ == "__main__":
    asyncio.run(main())

"""Chapter 4 package: the shared fetch_status coroutine (section 4.4).

`from chapter_04 import fetch_status` is used by listings 4.6 and 4.8-4.16, as in the book.
fetch_status first sleeps `delay` seconds (a simulated slow request), then GETs `url` and
returns the HTTP status without reading the body. aiohttp's errors (a non-HTTP URL, a refused
connection, a timeout) reach the caller. Importing the package prints nothing and touches no
network.
"""
import asyncio

from aiohttp import ClientSession

from util import async_timed


@async_timed()
async def fetch_status(session: ClientSession,
                       url: str,
                       delay: int = 0) -> int:
    await asyncio.sleep(delay)
    async with session.get(url) as result:
        return result.status

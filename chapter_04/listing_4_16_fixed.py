"""Listing 4.16 (fixed) — Canceling a slow request

Section 4.6.5. Needs: example-site.

What to watch: both requests are wrapped in tasks before asyncio.wait, as the book recommends,
so the pending set holds the very task `api_b`: after 1 s "API B too slow, cancelling" is printed
once and the slow request is cancelled while the server is still working on it (the stand-in
counts it as cancelled, never completed).

Differs from the book: this is the book's corrected form of 4.16 (tasks created first), which the
book describes but does not number. The URL is the local stand-in (util.settings.EXAMPLE_URL),
and API B is slow on the server (`?delay=2`) rather than in fetch_status's delay, so the
cancellation aborts a request that is really in flight.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import settings


async def main():
    async with aiohttp.ClientSession() as session:
        api_a = asyncio.create_task(fetch_status(session, settings.example_url()))
        api_b = asyncio.create_task(fetch_status(session, settings.example_url('/?delay=2')))

        done, pending = await asyncio.wait([api_a, api_b], timeout=1)  # noqa: RUF059

        for task in pending:
            if task is api_b:
                print('API B too slow, cancelling')
                task.cancel()


if __name__ == "__main__":
    asyncio.run(main())

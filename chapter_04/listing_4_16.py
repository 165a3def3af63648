"""Listing 4.16 — Canceling a slow request

Section 4.6.5. Needs: example-site.

What to watch: on Python 3.11 and later this fails at once, as kept here on purpose: asyncio.wait
no longer accepts bare coroutines and raises "TypeError: Passing coroutines is forbidden, use
tasks explicitly." (plus a RuntimeWarning that the coroutines were never awaited). On the book's
Python 3.10, wait wrapped the coroutines in new tasks, so no pending task was ever `api_b`:
"API B too slow, cancelling" never printed and nothing was cancelled. That is the book's point:
create the tasks yourself and keep references to them. See listing_4_16_fixed.py.

Differs from the book: the URL is the local stand-in (util.settings.EXAMPLE_URL) instead of
https://www.example.com.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import settings


async def main():
    async with aiohttp.ClientSession() as session:
        api_a = fetch_status(session, settings.example_url())
        api_b = fetch_status(session, settings.example_url(), delay=2)

        done, pending = await asyncio.wait([api_a, api_b], timeout=1)  # noqa: RUF059

        for task in pending:
            if task is api_b:
                print('API B too slow, cancelling')
                task.cancel()


if __name__ == "__main__":
    asyncio.run(main())

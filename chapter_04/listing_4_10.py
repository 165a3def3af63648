"""Listing 4.10 — Examining the default behavior of wait

Section 4.6.1. Needs: example-site.

What to watch: asyncio.wait returns when both requests are done (ALL_COMPLETED, the default):
"Done task count: 2", "Pending task count: 0", two 200s, and main takes about one round trip,
because the two requests overlap.

Differs from the book: the URL is the local stand-in (util.settings.EXAMPLE_URL) instead of
https://example.com.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        fetchers = \
            [asyncio.create_task(fetch_status(session, settings.example_url())),
             asyncio.create_task(fetch_status(session, settings.example_url()))]
        done, pending = await asyncio.wait(fetchers)

        print(f'Done task count: {len(done)}')
        print(f'Pending task count: {len(pending)}')

        for done_task in done:
            result = await done_task
            print(result)


if __name__ == "__main__":
    asyncio.run(main())

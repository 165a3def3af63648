"""Listing 4.15 — Using timeouts with wait

Section 4.6.4. Needs: example-site.

What to watch: asyncio.wait(..., timeout=1) returns after 1 s with 2 done and 1 pending; unlike
wait_for it raises nothing and cancels nothing. The slow request (3 s delay) is still pending
when main returns; asyncio.run cancels it then, so its "finished" line comes after main's and
it never reaches the server.

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
        url = settings.example_url()
        fetchers = [asyncio.create_task(fetch_status(session, url)),
                    asyncio.create_task(fetch_status(session, url)),
                    asyncio.create_task(fetch_status(session, url, delay=3))]

        done, pending = await asyncio.wait(fetchers, timeout=1)

        print(f'Done task count: {len(done)}')
        print(f'Pending task count: {len(pending)}')

        for done_task in done:
            result = await done_task
            print(result)


if __name__ == "__main__":
    asyncio.run(main())

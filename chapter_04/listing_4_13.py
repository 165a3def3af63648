"""Listing 4.13 — Processing requests as they complete

Section 4.6.3. Needs: example-site.

What to watch: with FIRST_COMPLETED, asyncio.wait returns as soon as the fastest request is
done: "Done task count: 1", "Pending task count: 2", one 200, and main finishes after about
0.1 s. The two slower requests are left pending; asyncio.run cancels them after main returns,
so their "finished" lines come after main's.

Differs from the book: the URL is the local stand-in (util.settings.EXAMPLE_URL) instead of
https://www.example.com, and each request asks it for its own answer time (`?delay=0.1`, `1`,
`1.5`), standing in for the internet's uneven latencies so that one request is clearly first.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        url = settings.example_url()
        fetchers = [asyncio.create_task(fetch_status(session, f'{url}/?delay=0.1')),
                    asyncio.create_task(fetch_status(session, f'{url}/?delay=1')),
                    asyncio.create_task(fetch_status(session, f'{url}/?delay=1.5'))]

        done, pending = await asyncio.wait(fetchers, return_when=asyncio.FIRST_COMPLETED)

        print(f'Done task count: {len(done)}')
        print(f'Pending task count: {len(pending)}')

        for done_task in done:
            print(await done_task)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 4.14 — Processing all results as they come in

Section 4.6.3. Needs: example-site.

What to watch: the loop calls asyncio.wait(pending, return_when=FIRST_COMPLETED) until nothing
is pending, so each result is printed as soon as it arrives: three rounds with pending counts
2, 1 and 0, three 200s, and main takes about as long as the slowest request (1.5 s).

Differs from the book: the URL is the local stand-in (util.settings.EXAMPLE_URL) instead of
https://www.example.com, and each request asks it for its own answer time (`?delay=0.1`, `1`,
`1.5`), standing in for the internet's uneven latencies so that the results arrive one by one.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        url = settings.example_url()
        pending = [asyncio.create_task(fetch_status(session, f'{url}/?delay=0.1')),
                   asyncio.create_task(fetch_status(session, f'{url}/?delay=1')),
                   asyncio.create_task(fetch_status(session, f'{url}/?delay=1.5'))]

        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)

            print(f'Done task count: {len(done)}')
            print(f'Pending task count: {len(pending)}')

            for done_task in done:
                print(await done_task)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 11.7 — Limiting API requests with semaphores

Section 11.3. Needs: example-site.

What to watch: 1,000 requests, but never more than 10 in flight, although aiohttp's default
connector would allow 100. Ten "Waiting"/"Acquired" pairs, then the other 990 "Waiting to
acquire semaphore..." lines in a block, then "Finished requesting"/"Acquired semaphore,
requesting..." pairs as permits are recycled: about 100 x the server's latency in total
(about 10 s against the stand-in's default 0.1 s). aiohttp.TCPConnector(limit=10) would be
another way to cap the connections.

Differs from the book: the URL is the local stand-in (util.settings.EXAMPLE_URL) instead of
https://www.example.com, which is offline-proof and spares a public site 1,000 requests. As in
the book, the response is neither read nor released; CPython frees its connection when the
response object is dropped (today's idiom is `async with session.get(url) as response:`).
"""
import asyncio
from asyncio import Semaphore

from aiohttp import ClientSession

from util import settings


async def get_url(url: str,
                  session: ClientSession,
                  semaphore: Semaphore):
    print('Waiting to acquire semaphore...')
    async with semaphore:
        print('Acquired semaphore, requesting...')
        response = await session.get(url)
        print('Finished requesting')
        return response.status


async def main():
    semaphore = Semaphore(10)
    async with ClientSession() as session:
        tasks = [get_url(settings.example_url(), session, semaphore) for _ in range(1000)]
        await asyncio.gather(*tasks)


if __name__ == "__main__":
    asyncio.run(main())

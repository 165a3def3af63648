"""Listing 4.6 — Running requests concurrently with gather

Section 4.4. Needs: example-site.

What to watch: 1,000 "starting" lines, 1,000 "finished" lines, then a list of 1,000 status codes
in the order of the requests. The ClientSession's connection pool opens at most 100 connections,
so the requests go out in about 10 waves: main takes about 10 x the server's latency, not
1,000 x (sequential) and not 1 x. Pipe the output into `tail -2` to see the end.

Measured on this project's machine: benchmarks/results/report.md (the requests comparison).

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
        urls = [settings.example_url() for _ in range(1000)]
        requests = [fetch_status(session, url) for url in urls]
        status_codes = await asyncio.gather(*requests)
        print(status_codes)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 4.2 — Making an aiohttp web request

Section 4.2.1. Needs: example-site.

What to watch: async_timed shows main starting, then fetch_status starting and finishing after
about one server round trip, then the status line `Status for <url> was 200`.

Differs from the book: the URL is the local www.example.com stand-in (util.settings.EXAMPLE_URL,
started with `python -m util.tools.example_site_server`) instead of https://www.example.com.
"""
import asyncio

import aiohttp
from aiohttp import ClientSession

from util import async_timed, settings


@async_timed()
async def fetch_status(session: ClientSession, url: str) -> int:
    async with session.get(url) as result:
        return result.status


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        url = settings.example_url()
        status = await fetch_status(session, url)
        print(f'Status for {url} was {status}')


if __name__ == "__main__":
    asyncio.run(main())

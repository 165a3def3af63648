"""Listing 4.8 — Using as_completed

Section 4.5. Needs: example-site.

What to watch: the three requests wait 1, 1 and 10 s before they are sent (fetch_status's
delay). as_completed hands back results as they finish: two 200s after about 1 s, the third
after about 10 s; main takes about 10 s. The "starting" lines come in any order (as_completed
keeps its inputs in a set).

Differs from the book: the URL is the local stand-in (util.settings.EXAMPLE_URL) instead of
https://www.example.com.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        fetchers = [fetch_status(session, settings.example_url(), 1),
                    fetch_status(session, settings.example_url(), 1),
                    fetch_status(session, settings.example_url(), 10)]

        for finished_task in asyncio.as_completed(fetchers):
            print(await finished_task)


if __name__ == "__main__":
    asyncio.run(main())

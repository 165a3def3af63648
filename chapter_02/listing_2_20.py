"""Listing 2.20 — Incorrectly using a blocking API as a coroutine

Section 2.7.2. Needs: example-site.

What to watch: the three requests run one after the other (each "starting" is followed by its
"finished"), so main takes three times one request: requests blocks the event-loop thread.
The fixes are `await asyncio.to_thread(requests.get, url)` or an async client such as aiohttp
(chapter 4).

Differs from the book: it fetches settings.EXAMPLE_URL (the local stand-in for
https://www.example.com; set EXAMPLE_URL to change it) instead of the hard-coded address.
"""
import asyncio

import requests

from util import async_timed, settings


@async_timed()
async def get_example_status() -> int:
    return requests.get(settings.EXAMPLE_URL).status_code


@async_timed()
async def main():
    task_1 = asyncio.create_task(get_example_status())
    task_2 = asyncio.create_task(get_example_status())
    task_3 = asyncio.create_task(get_example_status())
    await task_1
    await task_2
    await task_3


if __name__ == "__main__":
    asyncio.run(main())

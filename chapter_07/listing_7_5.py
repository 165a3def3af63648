"""Listing 7.5 — Using a thread pool executor with asyncio

Section 7.2.3. Needs: example-site.

What to watch: the same 1,000 blocking requests, each wrapped by loop.run_in_executor into an
awaitable and collected with asyncio.gather: one list of 1,000 200s between the async_timed
lines. It takes about as long as 7.4, but the event loop stays free while the threads work.

Differs from the book: the URL is the local www.example.com stand-in (util.settings.EXAMPLE_URL).
"""
import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

import requests

from util import async_timed, settings


def get_status_code(url: str) -> int:
    response = requests.get(url)
    return response.status_code


@async_timed()
async def main():
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        urls = [settings.example_url() for _ in range(1000)]
        tasks = [loop.run_in_executor(pool, functools.partial(get_status_code, url)) for url in urls]
        results = await asyncio.gather(*tasks)
        print(results)


if __name__ == "__main__":
    asyncio.run(main())

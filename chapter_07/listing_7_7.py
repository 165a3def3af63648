"""Listing 7.7 — Using the to_thread coroutine

Section 7.2.4. Needs: example-site.

What to watch: asyncio.to_thread(get_status_code, url) does what 7.6 does without the loop or
functools.partial: the same list of 1,000 200s, run in the default executor.

Differs from the book: the URL is the local www.example.com stand-in (util.settings.EXAMPLE_URL).
"""
import asyncio

import requests

from util import async_timed, settings


def get_status_code(url: str) -> int:
    response = requests.get(url)
    return response.status_code


@async_timed()
async def main():
    urls = [settings.example_url() for _ in range(1000)]
    tasks = [asyncio.to_thread(get_status_code, url) for url in urls]
    results = await asyncio.gather(*tasks)
    print(results)


if __name__ == "__main__":
    asyncio.run(main())

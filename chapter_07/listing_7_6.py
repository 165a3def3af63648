"""Listing 7.6 — Using the default executor

Section 7.2.4. Needs: example-site.

What to watch: passing None to run_in_executor uses the event loop's default
ThreadPoolExecutor (created on first use, same default size, shut down by asyncio.run at the
end): the same list of 1,000 200s in about the same time as 7.5.

Differs from the book: the URL is the local www.example.com stand-in (util.settings.EXAMPLE_URL).
"""
import asyncio
import functools

import requests

from util import async_timed, settings


def get_status_code(url: str) -> int:
    response = requests.get(url)
    return response.status_code


@async_timed()
async def main():
    loop = asyncio.get_running_loop()
    urls = [settings.example_url() for _ in range(1000)]
    tasks = [loop.run_in_executor(None, functools.partial(get_status_code, url)) for url in urls]
    results = await asyncio.gather(*tasks)
    print(results)


if __name__ == "__main__":
    asyncio.run(main())

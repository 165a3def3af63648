"""Listing 7.8 — Printing status of requests

Section 7.3. Needs: example-site.

What to watch: the worker threads count finished requests in a global guarded by a
threading.Lock, and a reporter coroutine prints "Finished n/200 requests" every 0.5 s while
fewer than 200 are done (the book's run: 0, 48, 97, 163), then the list of 200 statuses.

Differs from the book: the URL is the local www.example.com stand-in (util.settings.EXAMPLE_URL).
"""
import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from threading import Lock

import requests

from util import async_timed, settings

counter_lock = Lock()
counter: int = 0


def get_status_code(url: str) -> int:
    global counter
    response = requests.get(url)
    with counter_lock:
        counter = counter + 1
    return response.status_code


async def reporter(request_count: int):
    while counter < request_count:
        print(f'Finished {counter}/{request_count} requests')
        await asyncio.sleep(.5)


@async_timed()
async def main():
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        request_count = 200
        urls = [settings.example_url() for _ in range(request_count)]
        reporter_task = asyncio.create_task(reporter(request_count))
        tasks = [loop.run_in_executor(pool, functools.partial(get_status_code, url)) for url in urls]
        results = await asyncio.gather(*tasks)
        await reporter_task
        print(results)


if __name__ == "__main__":
    asyncio.run(main())

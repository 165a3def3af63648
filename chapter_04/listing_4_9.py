"""Listing 4.9 — Setting a timeout with as_completed

Section 4.5.1. Needs: example-site.

What to watch: after 2 s the fast request has printed 200 and each of the two slow ones raises
TimeoutError ("We got a timeout error!"). The timeout cancels nothing: the task list printed
next still shows both fetch_status tasks pending. asyncio.run cancels them when main returns,
which is why their "finished" lines come after main's.

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
        fetchers = [fetch_status(session, settings.example_url(), 1),
                    fetch_status(session, settings.example_url(), 10),
                    fetch_status(session, settings.example_url(), 10)]

        for done_task in asyncio.as_completed(fetchers, timeout=2):
            try:
                result = await done_task
                print(result)
            except asyncio.TimeoutError:
                print('We got a timeout error!')

        for task in asyncio.tasks.all_tasks():
            print(task)


if __name__ == "__main__":
    asyncio.run(main())

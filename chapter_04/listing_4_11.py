"""Listing 4.11 — Handling exceptions with wait

Section 4.6.1. Needs: example-site.

What to watch: the request to 'python://bad' fails at once, the good one still completes
(ALL_COMPLETED): 2 done, 0 pending, one 200 on stdout, and on stderr the logged
"ERROR:root:Request got an exception" with the traceback. Checking task.exception() instead of
awaiting the task keeps the exception from being raised again.

Differs from the book: the good URL is the local stand-in (util.settings.EXAMPLE_URL) instead
of https://www.example.com. The exception for the bad URL is aiohttp's
NonHttpUrlClientError (a ClientError) with today's aiohttp; the book's aiohttp 3.8 raised a
bare AssertionError there.
"""
import asyncio
import logging

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        good_request = fetch_status(session, settings.example_url())
        bad_request = fetch_status(session, 'python://bad')

        fetchers = [asyncio.create_task(good_request),
                    asyncio.create_task(bad_request)]

        done, pending = await asyncio.wait(fetchers)

        print(f'Done task count: {len(done)}')
        print(f'Pending task count: {len(pending)}')

        for done_task in done:
            # result = await done_task will throw an exception
            if done_task.exception() is None:
                print(done_task.result())
            else:
                logging.error("Request got an exception",
                              exc_info=done_task.exception())


if __name__ == "__main__":
    asyncio.run(main())

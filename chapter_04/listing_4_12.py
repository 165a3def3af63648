"""Listing 4.12 — Canceling running requests on an exception

Section 4.6.2. Needs: example-site.

What to watch: with FIRST_EXCEPTION, asyncio.wait returns as soon as the 'python://bad.com'
request fails: 1 done, 2 pending. The error is logged to stderr and the two slow requests are
cancelled while still in their 3 s delay, so they never reach the server and no 200 is printed;
their "finished" lines show a few milliseconds. The whole run takes well under a second.

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
        fetchers = \
            [asyncio.create_task(fetch_status(session, 'python://bad.com')),
             asyncio.create_task(fetch_status(session, settings.example_url(), delay=3)),
             asyncio.create_task(fetch_status(session, settings.example_url(), delay=3))]

        done, pending = await asyncio.wait(fetchers, return_when=asyncio.FIRST_EXCEPTION)

        print(f'Done task count: {len(done)}')
        print(f'Pending task count: {len(pending)}')

        for done_task in done:
            if done_task.exception() is None:
                print(done_task.result())
            else:
                logging.error("Request got an exception",
                              exc_info=done_task.exception())

        for pending_task in pending:
            pending_task.cancel()


if __name__ == "__main__":
    asyncio.run(main())

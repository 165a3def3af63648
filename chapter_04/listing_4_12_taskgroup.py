"""Listing 4.12 (today: TaskGroup) — Canceling running requests on an exception

Section 4.6.2. Needs: example-site.

What to watch: the same three requests as 4.12, the bad one failing at once. Without
return_when, without a pending set and without a cancel loop, the TaskGroup cancels the two slow
requests while they are still in their 3 s delay (their "finished" lines show a few
milliseconds, and they never reach the server), waits for them, and raises the error as an
ExceptionGroup that `except*` handles: "Request got an exception" with its traceback on stderr,
then "Cancelled 2 request(s).". The whole run takes well under a second.

What changed: asyncio.TaskGroup cancels the remaining tasks as soon as one fails and only then
leaves the `async with` block, raising the failures as an ExceptionGroup; `except* ErrorType`
catches the errors of that type.

Since: Python 3.11 (asyncio.TaskGroup, ExceptionGroup, except*).

Why it is better: "stop everything on the first error" is the default instead of three steps
(FIRST_EXCEPTION, inspect the done set, cancel the pending set) that are easy to get wrong:
forget the cancel loop and the slow requests run on, unobserved. What to watch out for: the
error is wrapped in an ExceptionGroup, so a plain `except ClientError` does not catch it; use
except*.
"""
import asyncio
import logging

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings
from util.tools.companions import refuse_older_python


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        tasks = []
        try:
            async with asyncio.TaskGroup() as tg:
                tasks.append(tg.create_task(fetch_status(session, 'python://bad.com')))
                tasks.append(tg.create_task(
                    fetch_status(session, settings.example_url(), delay=3)))
                tasks.append(tg.create_task(
                    fetch_status(session, settings.example_url(), delay=3)))
        except* aiohttp.ClientError as group:
            for error in group.exceptions:
                logging.error("Request got an exception", exc_info=error)
        print(f'Cancelled {sum(task.cancelled() for task in tasks)} request(s).')


if __name__ == "__main__":
    refuse_older_python("4.12_taskgroup")
    asyncio.run(main())

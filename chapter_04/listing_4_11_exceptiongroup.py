"""Listing 4.11 (today: ExceptionGroup) — Handling exceptions with wait

Section 4.6.1. Needs: example-site.

What to watch: one good request and two bad ones ('python://bad' and 'python://bad2') in a
TaskGroup. Both bad requests fail in the same step of the event loop, so both errors are
reported, together, in one ExceptionGroup, handled by one `except* aiohttp.ClientError` clause:
"2 request(s) failed:" and a line for each error. The good request is cancelled by the first
failure: "Good request cancelled: True" and no 200, unlike 4.11, where wait lets it finish.

What changed: errors from concurrent tasks are raised together as an ExceptionGroup; `except*
SomeError as group` handles the ones of that type (group.exceptions), leaves the others to be
raised, and several except* clauses can each take their share of the same group.

Since: Python 3.11 (ExceptionGroup, except*, asyncio.TaskGroup).

Why it is better: the book walks the done set and checks task.exception() by hand, and with
gather only the first error is raised and the others are lost silently (gather marks them
retrieved, so not even "Task exception was never retrieved" is logged). A TaskGroup loses none
of them, and except* dispatches them by type. What to watch out for: a
TaskGroup is all-or-nothing: if the good results must survive a failure, catch the error inside
the task (or use gather(return_exceptions=True) as in 4.11's spirit).
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings
from util.tools.companions import refuse_older_python


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        good_request = None
        try:
            async with asyncio.TaskGroup() as tg:
                good_request = tg.create_task(fetch_status(session, settings.example_url()))
                tg.create_task(fetch_status(session, 'python://bad'))
                tg.create_task(fetch_status(session, 'python://bad2'))
        except* aiohttp.ClientError as group:
            print(f'{len(group.exceptions)} request(s) failed:')
            for error in group.exceptions:
                print(f'  {type(error).__name__}: {error}')
        print(f'Good request cancelled: {good_request.cancelled()}')


if __name__ == "__main__":
    refuse_older_python("4.11_exceptiongroup")
    asyncio.run(main())

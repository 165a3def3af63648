"""Listing 4.6 (today: TaskGroup) — Running requests concurrently with gather

Section 4.4. Needs: example-site.

What to watch: the same 1,000 requests and the same output as 4.6 (1,000 "starting" lines,
1,000 "finished" lines, the list of 1,000 status codes in request order, about 10 x the server's
latency). The difference shows when a request fails: pass a bad URL
(`python -m util run 4.6_taskgroup python://bad`) and it becomes the 500th request. The failure
cancels the 999 others, every one of their "finished" lines comes before main's own "finished"
line (no request outlives the block), and the error arrives as an ExceptionGroup traceback
(exit code 1). With gather, the first error is raised at once and the other requests go on
running, orphaned, while main has already finished.

What changed: `async with asyncio.TaskGroup() as tg: tg.create_task(...)` waits for every task
created in it; when one fails it cancels the others, waits for them, and raises all the errors
together as an ExceptionGroup (handle them with `except*`).

Since: Python 3.11 (asyncio.TaskGroup, ExceptionGroup, except*).

Why it is better: structured concurrency: no task outlives the block that started it, a
failure is never silently dropped, and nothing keeps running after its caller has given up.
What to watch out for: the results are the tasks' `.result()`, read after the block; to let
the other requests finish despite a failure, catch the error inside each task, or use
gather(return_exceptions=True).
"""
import asyncio
import sys

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings
from util.tools.companions import refuse_older_python


@async_timed()
async def main(bad_url: str | None = None):
    async with aiohttp.ClientSession() as session:
        urls = [settings.example_url() for _ in range(1000)]
        if bad_url:
            urls[499] = bad_url
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch_status(session, url)) for url in urls]
        status_codes = [task.result() for task in tasks]
        print(status_codes)


if __name__ == "__main__":
    refuse_older_python("4.6_taskgroup")
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))

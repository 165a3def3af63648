"""Listing 4.13 (today: TaskGroup.cancel) — Processing requests as they complete

Section 4.6.3. Needs: example-site.

What to watch: the same three requests as 4.13 (the stand-in answers after 0.1, 1 and 1.5 s),
now in a TaskGroup whose tasks each call `group.cancel()` when done. After about 0.1 s the first
is done, and its callback cancels the two slow requests in flight (their "finished" lines show
about 0.1 s; the stand-in counts them as cancelled); the group waits for them, and the `async
with` ends without a CancelledError. Only then does main print "Done task count: 1",
"Cancelled task count: 2" and the 200, and its own "finished" line comes last: in 4.13 the slow
requests were still pending there, and asyncio.run cancelled them after main had returned.

What changed: TaskGroup.cancel() cancels the group's unfinished tasks and its body, and the
`async with` then exits normally: the CancelledError it caused does not escape (a cancellation
from outside still does).

Since: Python 3.15 (asyncio.TaskGroup.cancel).

Why it is better: "the first result wins" needed FIRST_COMPLETED, a loop cancelling the pending
set and another wait for those cancellations to end (4.13 leaves them to asyncio.run), or, in a
TaskGroup before 3.15, an exception of our own raised in the winner and caught with except*
(12.2_taskgroup stops its cashiers that way). Here one call stops the rest, and leaving the block
means nothing of the group is still running. What to watch out for: cancel() cancels every
unfinished task of the group, the one calling it included: the winner would lose its own result
(a task cancelled as it returns ends cancelled), which is why it is called from a done callback,
once the task has finished.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings
from util.tools.companions import refuse_older_python


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        url = settings.example_url()
        async with asyncio.TaskGroup() as group:
            fetchers = [group.create_task(fetch_status(session, f'{url}/?delay=0.1')),
                        group.create_task(fetch_status(session, f'{url}/?delay=1')),
                        group.create_task(fetch_status(session, f'{url}/?delay=1.5'))]
            for fetcher in fetchers:
                fetcher.add_done_callback(lambda _: group.cancel())  # the first done stops all

        done = [fetcher for fetcher in fetchers if not fetcher.cancelled()]
        print(f'Done task count: {len(done)}')
        print(f'Cancelled task count: {len(fetchers) - len(done)}')

        for done_task in done:
            print(done_task.result())


if __name__ == "__main__":
    refuse_older_python("4.13_taskgroup_cancel")
    asyncio.run(main())

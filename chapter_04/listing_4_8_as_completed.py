"""Listing 4.8 (today: async as_completed) — Using as_completed

Section 4.5. Needs: example-site.

What to watch: the same three requests as 4.8 (delays 1, 1 and 10 s) and the same 200s after
about 1, 1 and 10 s, each now printed with the name of the task that finished: `async for`
over asyncio.as_completed yields the very tasks passed in, in completion order, so we know which
request each result belongs to ("fast-1: 200", "fast-2: 200" in either order, then "slow: 200").

What changed: asyncio.as_completed can be iterated with `async for`, and then yields the
original tasks and futures (already done) instead of new anonymous coroutines to await; plain
`for` still works as in the book.

Since: Python 3.13 (async iteration over asyncio.as_completed, yielding the original tasks).

Why it is better: the book's form loses the link between a result and its request (the awaited
objects are new coroutines), so code must carry the request inside the result. Here the task
itself says what it was (its name, or a dict from task to request), and `task.exception()` can be
checked without awaiting. What to watch out for: pass tasks, not bare coroutines, if you want to
recognise them: coroutines are wrapped in new tasks, which are what is yielded.
"""
import asyncio

import aiohttp

from chapter_04 import fetch_status
from util import async_timed, settings
from util.tools.companions import refuse_older_python


@async_timed()
async def main():
    async with aiohttp.ClientSession() as session:
        fetchers = [asyncio.create_task(fetch_status(session, settings.example_url(), 1),
                                        name='fast-1'),
                    asyncio.create_task(fetch_status(session, settings.example_url(), 1),
                                        name='fast-2'),
                    asyncio.create_task(fetch_status(session, settings.example_url(), 10),
                                        name='slow')]

        async for finished_task in asyncio.as_completed(fetchers):
            assert finished_task in fetchers
            print(f'{finished_task.get_name()}: {finished_task.result()}')


if __name__ == "__main__":
    refuse_older_python("4.8_as_completed")
    asyncio.run(main())

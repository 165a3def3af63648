"""Listing 2.9 (today: eager tasks) — Running multiple tasks concurrently

Section 2.3.2. Needs: nothing.

What to watch: three delay(3) tasks created eagerly still run concurrently: the three
"sleeping" lines come first and everything ends after about 3 s, not 9, because an eager task
gives control back at its first real suspension. A fourth task whose coroutine never suspends
(a cache hit) is already done when create_task returns: "cached task done right after
create_task: True", before any "sleeping" line of the tasks created after it.

What changed: with `asyncio.eager_task_factory` installed, create_task runs the coroutine
synchronously until it first suspends; a coroutine that returns without suspending completes
inside create_task and is never scheduled on the event loop.

Since: Python 3.12 (asyncio.eager_task_factory).

Why it is better: no event-loop round trip for work that needs none (the cache hit), while real
waits still overlap exactly as in the book. What to watch out for: the order of side effects
changes (each "sleeping" line is printed inside its create_task call), and a task that never
suspends can finish before code after create_task had a chance to add callbacks or set up state.
"""
import asyncio

from util import delay
from util.tools.companions import refuse_older_python

CACHE = {"answer": 42}


async def cached_lookup(key: str) -> int:
    if key in CACHE:
        return CACHE[key]  # no await reached: the task never suspends
    await asyncio.sleep(1)
    return 0


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    cached = asyncio.create_task(cached_lookup("answer"))
    print(f'cached task done right after create_task: {cached.done()}')

    sleep_for_three = asyncio.create_task(delay(3))
    sleep_again = asyncio.create_task(delay(3))
    sleep_once_more = asyncio.create_task(delay(3))

    await sleep_for_three
    await sleep_again
    await sleep_once_more
    print(f'cached result: {await cached}')


if __name__ == "__main__":
    refuse_older_python("2.9_eager")
    asyncio.run(main())

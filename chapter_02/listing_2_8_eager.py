"""Listing 2.8 (today: eager tasks) — Creating a task

Section 2.3.1. Needs: nothing.

What to watch: the same program as 2.8 with asyncio's eager task factory installed, and the
order of the first two lines flips: "sleeping for 3 second(s)" is printed before the task's type,
because an eager task runs its coroutine at once, inside create_task, up to its first real
suspension (the sleep). Then, as in 2.8, 3 is printed after about 3 s.

What changed: `loop.set_task_factory(asyncio.eager_task_factory)` makes create_task start the
coroutine synchronously, for every task the loop creates from then on; a coroutine that finishes
without suspending never goes through the event loop at all. For one task only:
`asyncio.Task(coro, eager_start=True)` from 3.12, `asyncio.create_task(coro, eager_start=True)`
documented from 3.14 (3.13.3 and later 3.13s pass it on too, older Pythons raise TypeError; see
2.8_eager_start).

Since: Python 3.12 (asyncio.eager_task_factory, asyncio.create_eager_task_factory).

Why it is better: for coroutines that often finish without waiting (a cache hit, an
already-available result) eager tasks skip a trip through the event loop, which the CPython
benchmarks measured as a large speed-up for such workloads. The book's rule "create_task only
schedules" is then no longer true: code that relied on the task not having started yet (setting
something up after create_task, before the first await) can break. Use it where you measured a
gain, not by default.
"""
import asyncio

from util import delay
from util.tools.companions import refuse_older_python


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    sleep_for_three = asyncio.create_task(delay(3))
    print(type(sleep_for_three))
    result = await sleep_for_three
    print(result)


if __name__ == "__main__":
    refuse_older_python("2.8_eager")
    asyncio.run(main())

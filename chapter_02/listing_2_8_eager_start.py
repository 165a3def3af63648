"""Listing 2.8 (today: eager_start) — Creating a task

Section 2.3.1. Needs: nothing.

What to watch: the book's task is created with `eager_start=True` and a second task, delay(1),
the ordinary way. The eager one prints "sleeping for 3 second(s)" inside create_task, before
its type is printed; the ordinary one prints "sleeping for 1 second(s)" only after the type,
when main first awaits. Then "finished sleeping for 1 second(s)" after about 1 s and, as in 2.8,
"finished sleeping for 3 second(s)" and 3 after about 3 s.

What changed: `asyncio.create_task(coro, eager_start=True)` starts this one task eagerly: its
coroutine runs inside create_task up to its first real suspension. The loop's task factory is
untouched, so every other task is still only scheduled, as the book says.

Since: Python 3.14 (create_task passes eager_start to the loop; from 3.12,
`asyncio.Task(coro, loop=loop, eager_start=True)` did it for one task by hand).

Why it is better: 2.8_eager's `eager_task_factory` changes every task of the loop, including
those of libraries that count on "create_task only schedules"; here only the task you chose
starts early, where you measured that it pays (a result often ready without waiting).
"""
import asyncio

from util import delay
from util.tools.companions import refuse_older_python


async def main():
    sleep_for_three = asyncio.create_task(delay(3), eager_start=True)
    sleep_for_one = asyncio.create_task(delay(1))
    print(type(sleep_for_three))
    result = await sleep_for_three
    await sleep_for_one
    print(result)


if __name__ == "__main__":
    refuse_older_python("2.8_eager_start")
    asyncio.run(main())

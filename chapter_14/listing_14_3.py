"""Listing 14.3 — Forcing an event loop iteration

Section 14.3. Needs: nothing.

What to watch: without asyncio.sleep(0), "Gathering tasks:" comes before the tasks' first
"sleeping for ..." lines: new tasks only start when the creating coroutine next yields. With an
`await asyncio.sleep(0)` after each create_task, the loop runs one iteration and the tasks start
at once, so both "sleeping" lines come first. Each half takes 2 s (4 s in all). With
asyncio.eager_task_factory (3.12+) tasks would start inside create_task in both halves.
"""
import asyncio

from util import delay


async def create_tasks_no_sleep():
    task1 = asyncio.create_task(delay(1))
    task2 = asyncio.create_task(delay(2))
    print('Gathering tasks:')
    await asyncio.gather(task1, task2)


async def create_tasks_sleep():
    task1 = asyncio.create_task(delay(1))
    await asyncio.sleep(0)
    task2 = asyncio.create_task(delay(2))
    await asyncio.sleep(0)
    print('Gathering tasks:')
    await asyncio.gather(task1, task2)


async def main():
    print('--- Testing without asyncio.sleep(0) ---')
    await create_tasks_no_sleep()
    print('--- Testing with asyncio.sleep(0) ---')
    await create_tasks_sleep()


if __name__ == "__main__":
    asyncio.run(main())

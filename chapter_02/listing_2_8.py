"""Listing 2.8 — Creating a task

Section 2.3.1. Needs: nothing.

What to watch: the task's type is printed before "sleeping for 3 second(s)": create_task only
schedules the coroutine, which starts when main first yields to the event loop (at the await).
"""
import asyncio

from util import delay


async def main():
    sleep_for_three = asyncio.create_task(delay(3))
    print(type(sleep_for_three))
    result = await sleep_for_three
    print(result)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 2.13 — Shielding a task from cancellation

Section 2.4.2. Needs: nothing.

What to watch: the timeout fires at 5 s, but it cancels only the shield around the task: the
10-second delay keeps running, finishes at 10 s, and its result 10 is printed.

Differs from the book: the except clause names `asyncio.exceptions.TimeoutError`, the same class
as asyncio.TimeoutError (and, since 3.11, the built-in TimeoutError).
"""
import asyncio

from util import delay


async def main():
    task = asyncio.create_task(delay(10))

    try:
        result = await asyncio.wait_for(asyncio.shield(task), 5)
        print(result)
    except asyncio.exceptions.TimeoutError:
        print('Task took longer than five seconds!')
        result = await task
        print(result)


if __name__ == "__main__":
    asyncio.run(main())

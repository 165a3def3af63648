"""Listing 2.11 — Canceling a task

Section 2.4.1. Needs: nothing.

What to watch: main checks the 10-second task every second and cancels it after 5 s; the
cancellation lands at the task's next resumption, so the check prints six times, the delay never
prints "finished", and the program ends after about 6 seconds with "Our task was cancelled".
"""
import asyncio
from asyncio import CancelledError

from util import delay


async def main():
    long_task = asyncio.create_task(delay(10))

    seconds_elapsed = 0

    while not long_task.done():
        print('Task not finished, checking again in a second.')
        await asyncio.sleep(1)
        seconds_elapsed = seconds_elapsed + 1
        if seconds_elapsed == 5:
            long_task.cancel()

    try:
        await long_task
    except CancelledError:
        print('Our task was cancelled')


if __name__ == "__main__":
    asyncio.run(main())

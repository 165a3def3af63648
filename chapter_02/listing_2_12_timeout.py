"""Listing 2.12 (today: asyncio.timeout) — Creating a timeout for a task with wait_for

Section 2.4.2. Needs: nothing.

What to watch: the same two lines as 2.12 after about 1 s, "Got a timeout!" and "Was the task
cancelled? True", then "Did the timeout expire? True". The timeout is a block, not a wrapper
around one awaitable: everything awaited inside `async with asyncio.timeout(1)` shares the one
deadline, and awaiting the task inside it cancels the task when the deadline passes.

What changed: `async with asyncio.timeout(delay)` (and `asyncio.timeout_at(when)`) bound a whole
block of code; on expiry the block is cancelled and TimeoutError (the built-in, which
asyncio.TimeoutError has been an alias of since 3.11) is raised at the `async with`. The context
manager's `expired()` says whether it was the timeout that fired. Since 3.12, wait_for itself is
implemented with asyncio.timeout and awaits a coroutine in the caller's task; up to 3.11 it ran
the coroutine in an extra task of its own.

Since: Python 3.11 (asyncio.timeout, asyncio.timeout_at, asyncio.Timeout).

Why it is better: one deadline for several awaits (a connect, then a request, then a read)
without computing what is left for each; and it tells a
timeout apart from a cancellation coming from outside (only its own cancellation becomes
TimeoutError, and `expired()` says so). What to watch out for: catch TimeoutError outside the
`async with`, not inside it.
"""
import asyncio

from util import delay
from util.tools.companions import refuse_older_python


async def main():
    delay_task = asyncio.create_task(delay(2))
    try:
        async with asyncio.timeout(1) as timeout:
            result = await delay_task
        print(result)
    except TimeoutError:
        print('Got a timeout!')
        print(f'Was the task cancelled? {delay_task.cancelled()}')
        print(f'Did the timeout expire? {timeout.expired()}')


if __name__ == "__main__":
    refuse_older_python("2.12_timeout")
    asyncio.run(main())

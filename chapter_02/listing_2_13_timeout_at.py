"""Listing 2.13 (today: timeout_at and reschedule) — Shielding a task from cancellation

Section 2.4.2. Needs: nothing.

What to watch: the 10-second delay gets an absolute deadline 5 s from now (asyncio.timeout_at).
At 4 s a progress check finds the work still advancing and pushes the deadline 7 s further
("Still making progress: deadline moved to 11 s"), so at 5 s nothing happens and the result 10
is printed at 10 s, as in 2.13, without any shield and without a "took longer" line. The
deadline of a stalled task is not moved: it would expire at 5 s and cancel the task.

What changed: the asyncio.Timeout object returned by `asyncio.timeout()` / `asyncio.timeout_at()`
can be inspected (`when()`) and moved (`reschedule(when)`) while the block runs; the book's
wait_for fixes its timeout when it is called, so to give a task more time it shields the task and
waits for it again after the timeout.

Since: Python 3.11 (asyncio.timeout_at, Timeout.when, Timeout.reschedule).

Why it is better: a deadline that follows progress (an idle timeout, a heartbeat, "5 s since the
last byte") is one object and one reschedule call, instead of shield plus a second await; the
work is not left running unsupervised after the first timeout. What to watch out for:
deadlines are in the event loop's clock (`loop.time()`), not `time.time()`.
"""
import asyncio

from util import delay
from util.tools.companions import refuse_older_python


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    task = asyncio.create_task(delay(10))

    def still_making_progress(timeout: asyncio.Timeout):
        timeout.reschedule(loop.time() + 7)
        print(f'Still making progress: deadline moved to {timeout.when() - start:.0f} s')

    try:
        async with asyncio.timeout_at(start + 5) as timeout:
            loop.call_later(4, still_making_progress, timeout)
            result = await task
        print(result)
    except TimeoutError:
        print('Task took longer than its deadline!')


if __name__ == "__main__":
    refuse_older_python("2.13_timeout_at")
    asyncio.run(main())

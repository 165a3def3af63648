"""Listing 2.21 (today: asyncio.Runner) — Manually creating an event loop

Section 2.8.1. Needs: nothing.

What to watch: one asyncio.Runner runs main twice on the same event loop ("Same loop for both
runs: True"). Each main leaves a background task pending; when the runner closes it cancels
both, whose cleanup runs ("Background task cancelled, cleaning up", twice), then shuts down async
generators and the default executor and closes the loop ("Loop closed: True"). The book's
hand-made loop closes with such tasks still pending: their cleanup never runs, and Python
reports "Task was destroyed but it is pending!" when they are collected.

What changed: `with asyncio.Runner() as runner: runner.run(main())` owns one event loop for
several top-level calls, and on exit does everything asyncio.run does: cancel the remaining
tasks, finalise async generators, shut the default executor down, close the loop. Runner also
takes `debug=` and `loop_factory=` (for uvloop), and handles Ctrl-C by cancelling the running
coroutine, as asyncio.run does.

Since: Python 3.11 (asyncio.Runner).

Why it is better: the book's new_event_loop / run_until_complete / close does none of the
cleanup. `asyncio.get_event_loop()` outside a running loop, often used with it, returns the loop
set with `asyncio.set_event_loop(loop)` on every version; with none set it makes one on 3.11,
makes one with a DeprecationWarning on 3.12 and 3.13, and raises RuntimeError from 3.14. What to
watch out for: Runner.run cannot be called from inside a running loop, like asyncio.run.
"""
import asyncio

from util.tools.companions import refuse_older_python

background_tasks = set()


async def background():
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        print('Background task cancelled, cleaning up')
        raise


async def main():
    task = asyncio.create_task(background())
    background_tasks.add(task)
    await asyncio.sleep(1)
    return asyncio.get_running_loop()


if __name__ == "__main__":
    refuse_older_python("2.21_runner")
    with asyncio.Runner() as runner:
        first_loop = runner.run(main())
        second_loop = runner.run(main())
        print(f'Same loop for both runs: {first_loop is second_loop}')
    print(f'Loop closed: {first_loop.is_closed()}')

"""Listing 6.5 (today: max_tasks_per_child) — Process pool executors with asyncio

Section 6.3.2. Needs: nothing.

What to watch: the same five countdowns and the same five results in order as 6.5, each with the
process that ran it: with max_tasks_per_child=1 every call runs in a fresh worker process
(five different pids), where the book's pool reuses its few workers. The pool's start method is
chosen explicitly ("Start method: spawn"), so the program behaves the same on Linux, macOS and
Windows.

What changed: ProcessPoolExecutor(max_tasks_per_child=N) replaces a worker after N tasks.
Such a pool never uses the platform's default start method: without an mp_context it already
takes "spawn", and a "fork" context raises ValueError (a worker cannot be forked safely from the
pool's thread). `mp_context=multiprocessing.get_context("spawn")` here only says so; elsewhere,
passing a context is how a pool chooses its start method.

Since: Python 3.11 (max_tasks_per_child). The default start method on Linux is fork up to 3.13
and forkserver from 3.14 (spawn on macOS and Windows): it decides how the book's pools start
their workers, not this one.

Why it is better: a worker that leaks memory or holds on to state (caches, open files,
C-library globals) is recycled; "spawn" starts workers without copying the parent, so no locks or
threads of the parent (an event loop's executor threads, a logging lock) are inherited in a
broken state, which fork can do. What to watch out for: spawn imports the main module again in
each worker, so everything must sit under `if __name__ == "__main__":` and the functions sent to
the pool must be importable; a fresh process per task costs its start-up time.
"""
import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from chapter_06.listing_6_5 import countdown
from util.tools.companions import refuse_older_python


def countdown_in(count_from: int) -> tuple[int, int]:
    return countdown(count_from), os.getpid()


async def main():
    context = multiprocessing.get_context('spawn')
    print(f'Start method: {context.get_start_method()}')
    with ProcessPoolExecutor(max_tasks_per_child=1, mp_context=context) as process_pool:
        loop = asyncio.get_running_loop()
        nums = [1, 3, 5, 22, 100000000]
        call_coros = [loop.run_in_executor(process_pool, countdown_in, num) for num in nums]

        results = await asyncio.gather(*call_coros)

        for result, pid in results:
            print(f'{result} (process {pid})')
        print(f'Worker processes used: {len({pid for _, pid in results})}')


if __name__ == "__main__":
    refuse_older_python("6.5_max_tasks_per_child")
    asyncio.run(main())

"""Listing 14.1 (today: markcoroutinefunction) — A task runner class

Section 14.1. Needs: nothing.

What to watch: the book's TaskRunner (14.1, imported) is given a third kind of callable: a plain
function that returns a coroutine (here a logging wrapper made by a decorator, as many libraries
make them). Unmarked, `inspect.iscoroutinefunction` says False, so the runner would treat it as a
regular function and call it with call_soon: its coroutine would never be awaited (a "coroutine
... was never awaited" RuntimeWarning) and nothing of it would run. Marked with
inspect.markcoroutinefunction, it is recognised ("iscoroutinefunction(logged): False, after
marking: True") and runs as a task: "Calling coroutine_function" and a third "Running
coroutine, sleeping!", all three finishing together after about 1 s.

What changed: `inspect.markcoroutinefunction(func)` marks a synchronous function that returns a
coroutine, so that `inspect.iscoroutinefunction(func)` is True for it.

Since: Python 3.12 (inspect.markcoroutinefunction; asyncio.iscoroutinefunction, which such
marking used to need, is deprecated from 3.14).

Why it is better: APIs that accept "a coroutine function or a function" (the book's runner,
Django's views and middleware, pytest plugins, asgiref) decide by iscoroutinefunction; wrappers,
partials and decorators hide the `async def`, and before 3.12 the only fix was a private flag
(`_is_coroutine`) that asyncio's own check understood and inspect's did not. What to watch out
for: marking promises that calling the function returns an awaitable; mark only what does.
"""
import asyncio
import functools
import inspect

from chapter_14.listing_14_1 import TaskRunner
from util.tools.companions import refuse_older_python


def logged(coroutine_function):
    @functools.wraps(coroutine_function)
    def wrapper():
        print(f'Calling {coroutine_function.__name__}')
        return coroutine_function()

    return wrapper


async def coroutine_function():
    print('Running coroutine, sleeping!')
    await asyncio.sleep(1)
    print('Finished sleeping!')


def regular_function():
    print('Hello from a regular function!')


if __name__ == "__main__":
    refuse_older_python("14.1_markcoroutinefunction")
    logged_coroutine = logged(coroutine_function)
    before = inspect.iscoroutinefunction(logged_coroutine)
    inspect.markcoroutinefunction(logged_coroutine)
    print(f'iscoroutinefunction(logged): {before}, after marking: '
          f'{inspect.iscoroutinefunction(logged_coroutine)}')

    runner = TaskRunner()
    runner.add_task(coroutine_function)
    runner.add_task(coroutine_function())
    runner.add_task(regular_function)
    runner.add_task(logged_coroutine)

    runner.run()
    runner.loop.close()

"""Listing 14.1 — A task runner class

Section 14.1. Needs: nothing.

What to watch: one add_task API takes a coroutine function, a coroutine object and a plain
function. Both coroutines print "Running coroutine, sleeping!" before the plain function's
"Hello from a regular function!" (tasks are scheduled before the call_soon callback), and both
finish together after about 1 s, because they sleep concurrently. The runner's private loop
(asyncio.new_event_loop) is never closed, as in the book: run with `python -W default` to see the
"ResourceWarning: unclosed event loop" at exit. asyncio.Runner (3.11+) is the modern way to own
a loop and close it.

Differs from the book: it tests for coroutine functions with inspect.iscoroutinefunction instead
of asyncio.iscoroutinefunction, which is deprecated from Python 3.14 (removal planned for 3.16).
"""
import asyncio
import inspect


class TaskRunner:

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.tasks = []

    def add_task(self, func):
        self.tasks.append(func)

    async def _run_all(self):
        awaitable_tasks = []

        for task in self.tasks:
            if inspect.iscoroutinefunction(task):
                awaitable_tasks.append(asyncio.create_task(task()))
            elif asyncio.iscoroutine(task):
                awaitable_tasks.append(asyncio.create_task(task))
            else:
                self.loop.call_soon(task)

        await asyncio.gather(*awaitable_tasks)

    def run(self):
        self.loop.run_until_complete(self._run_all())


if __name__ == "__main__":

    def regular_function():
        print('Hello from a regular function!')


    async def coroutine_function():
        print('Running coroutine, sleeping!')
        await asyncio.sleep(1)
        print('Finished sleeping!')


    runner = TaskRunner()
    runner.add_task(coroutine_function)
    runner.add_task(coroutine_function())
    runner.add_task(regular_function)

    runner.run()

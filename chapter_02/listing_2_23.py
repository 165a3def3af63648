"""Listing 2.23 — Running CPU-bound code in debug mode

Section 2.9.3. Needs: nothing.

What to watch: besides the two async_timed lines, debug mode logs on stderr a warning such as
"Executing <Task finished name='Task-2' coro=<cpu_bound_work() done, defined at
.../util/async_timer.py:...> result=100000000 ...> took 4.123 seconds": any step longer than
loop.slow_callback_duration (0.1 s) is reported. The same warning appears when listing 2.18 is
run with PYTHONASYNCIODEBUG=1 or with `python -X dev`.
"""
import asyncio

from util import async_timed


@async_timed()
async def cpu_bound_work() -> int:
    counter = 0
    for i in range(100000000):
        counter = counter + 1
    return counter


async def main() -> None:
    task_one = asyncio.create_task(cpu_bound_work())
    await task_one


if __name__ == "__main__":
    asyncio.run(main(), debug=True)

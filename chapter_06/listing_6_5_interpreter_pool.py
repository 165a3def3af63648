"""Listing 6.5 (today: InterpreterPoolExecutor) — Process pool executors with asyncio

Section 6.3.2. Needs: nothing.

What to watch: the same five countdowns awaited with run_in_executor and gather as 6.5, and the
same five results in order, each with the interpreter that counted it ("100000000 (interpreter
3)"), all inside this one process, which starts no child: "Counted in 5 interpreter(s) of
process 1234; this is process 1234" (a worker, with its interpreter, is started for each call
that finds none idle, up to the pool's maximum, so 5 here or a few fewer). Each
interpreter has its own GIL, so counts run in parallel as in a process pool: give it two big
counts (`python -m chapter_06.listing_6_5_interpreter_pool 100000000 100000000`) and on a
machine with two idle cores the last line reads about "CPU time 1.9 x wall time": two cores
busy in one process, which threads cannot do for pure-Python work on a build with a GIL.

What changed: concurrent.futures.InterpreterPoolExecutor runs each call in a worker thread
with a subinterpreter of its own (its own modules, globals and GIL); loop.run_in_executor and
asyncio.gather work with it exactly as with a process pool.

Since: Python 3.14 (concurrent.futures.InterpreterPoolExecutor, concurrent.interpreters).

Why it is better: no process to start, no fork or forkserver to think about, no child to clean
up; a call and its result cross between interpreters in memory. What to watch out for: like a
process pool, nothing is shared: functions and arguments are pickled, so a function must be
importable by its module's name, and a function defined in the script you run (`__main__`) is
not (NotShareableError): this module imports its own functions by name for that. Extension
modules that do not support subinterpreters cannot be imported in them.
"""
import asyncio
import os
import sys
import time

from chapter_06.listing_6_5 import countdown
from util.tools.companions import refuse_older_python


def countdown_in(count_from: int) -> tuple[int, int, int]:
    from concurrent import interpreters  # Python 3.14+; imported here, in the worker

    return countdown(count_from), interpreters.get_current().id, os.getpid()


async def main(nums: list[int]):
    from concurrent.futures import InterpreterPoolExecutor  # Python 3.14+

    with InterpreterPoolExecutor() as interpreter_pool:
        loop = asyncio.get_running_loop()
        started, cpu_started = time.perf_counter(), time.process_time()
        call_coros = [loop.run_in_executor(interpreter_pool, countdown_in, num) for num in nums]

        results = await asyncio.gather(*call_coros)

        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        for result, interpreter, _ in results:
            print(f'{result} (interpreter {interpreter})')
        interpreters_used = len({interpreter for _, interpreter, _ in results})
        processes = ', '.join(sorted({str(pid) for *_, pid in results}))
        print(f'Counted in {interpreters_used} interpreter(s) of process {processes}; '
              f'this is process {os.getpid()}')
        print(f'CPU time {cpu / wall:.1f} x wall time')


if __name__ == "__main__":
    refuse_older_python("6.5_interpreter_pool")
    from chapter_06.listing_6_5_interpreter_pool import main  # by name, for the interpreters
    if not all(arg.isdigit() for arg in sys.argv[1:]):
        sys.exit('usage: python -m chapter_06.listing_6_5_interpreter_pool [COUNT ...], '
                 'each COUNT a whole number such as 100000000')
    asyncio.run(main([int(arg) for arg in sys.argv[1:]] or [1, 3, 5, 22, 100000000]))

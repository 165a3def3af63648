"""Listing 6.13 — Initializing a process pool

Section 6.5.3. Needs: nothing.

What to watch: a shared Value cannot be sent to a pool worker as a task argument (pickling it
raises "RuntimeError: Synchronized objects should only be shared between processes through
inheritance"), so the pool's initializer hands it to each worker when the worker starts, and
init() stores it in a global. The parent then sees the worker's increment: 1.0 (a double).
The Value is made in main(), not at module level, where every re-importing child would make
its own.
"""
import asyncio
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Value

shared_counter: Value


def init(counter: Value):
    global shared_counter
    shared_counter = counter


def increment():
    with shared_counter.get_lock():
        shared_counter.value += 1


async def main():
    counter = Value('d', 0)
    with ProcessPoolExecutor(initializer=init,
                             initargs=(counter,)) as pool:
        await asyncio.get_running_loop().run_in_executor(pool, increment)
        print(counter.value)


if __name__ == "__main__":
    asyncio.run(main())

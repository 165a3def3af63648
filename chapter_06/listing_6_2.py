"""Listing 6.2 — Creating a process pool

Section 6.2. Needs: nothing.

What to watch: Pool() starts one worker process per CPU; apply() runs say_hello in a worker
and blocks until the result is back, so the two calls run one after the other.
"""
from multiprocessing import Pool


def say_hello(name: str) -> str:
    return f'Hi there, {name}'


if __name__ == "__main__":
    with Pool() as process_pool:
        hi_jeff = process_pool.apply(say_hello, args=('Jeff',))
        hi_john = process_pool.apply(say_hello, args=('John',))
        print(hi_jeff)
        print(hi_john)

"""Listing 6.3 — Using async results with process pools

Section 6.2.1. Needs: nothing.

What to watch: apply_async() returns an AsyncResult at once, so both calls run in parallel;
get() blocks until that result is ready. Results are collected in the order we ask for them:
a slow first task would hold back printing a fast second one.
"""
from multiprocessing import Pool


def say_hello(name: str) -> str:
    return f'Hi there, {name}'


if __name__ == "__main__":
    with Pool() as process_pool:
        hi_jeff = process_pool.apply_async(say_hello, args=('Jeff',))
        hi_john = process_pool.apply_async(say_hello, args=('John',))
        print(hi_jeff.get())
        print(hi_john.get())

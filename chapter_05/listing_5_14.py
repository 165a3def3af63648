"""Listing 5.14 — A simple asynchronous generator

Section 5.7.1. Needs: nothing.

What to watch: an async generator (its type is printed) awaits between values; `async for`
consumes it one value at a time, so the 1 s and 2 s delays run one after another: about 3 s.
"""
import asyncio

from util import async_timed, delay


async def positive_integers_async(until: int):
    for integer in range(1, until):
        await delay(integer)
        yield integer


@async_timed()
async def main():
    async_generator = positive_integers_async(3)
    print(type(async_generator))
    async for number in async_generator:
        print(f'Got number {number}')


if __name__ == "__main__":
    asyncio.run(main())

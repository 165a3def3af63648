"""Listing 2.14 — The basics of futures

Section 2.5.1. Needs: nothing.

What to watch: a future starts out not done; once its result is set to 42 it is done and
holds that result.

Differs from the book: the book creates Future() at module level with no event loop. That
warns (DeprecationWarning) on 3.12 and 3.13 and fails on 3.14 (RuntimeError: there is no
current event loop), so here the future is created inside a coroutine run by asyncio.run, with
asyncio.get_running_loop().create_future(), the recommended way to make a future. The three
printed lines are the book's.
"""
import asyncio
from asyncio import Future


async def main() -> None:
    my_future: Future = asyncio.get_running_loop().create_future()

    print(f'Is my_future done? {my_future.done()}')

    my_future.set_result(42)

    print(f'Is my_future done? {my_future.done()}')
    print(f'What is the result of my_future? {my_future.result()}')


if __name__ == "__main__":
    asyncio.run(main())

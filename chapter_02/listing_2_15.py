"""Listing 2.15 — Awaiting a future

Section 2.5.1. Needs: nothing.

What to watch: make_request returns a future at once (not done); a task sets its result one
second later, and awaiting the future gives 42. Today's idiom is
asyncio.get_running_loop().create_future(), and keeping a reference to the task.

Differs from the book: main() has no `-> None` annotation.
"""
import asyncio
from asyncio import Future


def make_request() -> Future:
    future = Future()
    asyncio.create_task(set_future_value(future))
    return future


async def set_future_value(future) -> None:
    await asyncio.sleep(1)
    future.set_result(42)


async def main():
    future = make_request()
    print(f'Is the future done? {future.done()}')
    value = await future
    print(f'Is the future done? {future.done()}')
    print(value)


if __name__ == "__main__":
    asyncio.run(main())

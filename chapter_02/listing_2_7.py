"""Listing 2.7 — Running two coroutines

Section 2.2. Needs: nothing.

What to watch: awaiting one coroutine after another is sequential: add_one runs only after the
one-second delay is over, so "2" and "Hello World!" come after both delay lines.
"""
import asyncio

from util import delay


async def add_one(number: int) -> int:
    return number + 1


async def hello_world_message() -> str:
    await delay(1)
    return 'Hello World!'


async def main() -> None:
    message = await hello_world_message()
    one_plus_one = await add_one(1)
    print(one_plus_one)
    print(message)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 2.3 — Running a coroutine

Section 2.1.1. Needs: nothing.

What to watch: asyncio.run creates an event loop, runs the coroutine to completion, returns its
result (2) and closes the loop.
"""
import asyncio


async def coroutine_add_one(number: int) -> int:
    return number + 1


if __name__ == "__main__":
    result = asyncio.run(coroutine_add_one(1))

    print(result)

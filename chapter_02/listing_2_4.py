"""Listing 2.4 — Using await to wait for the result of a coroutine

Section 2.1.2. Needs: nothing.

What to watch: each await pauses main until add_one's result is ready: prints 2, then 3.
"""
import asyncio


async def add_one(number: int) -> int:
    return number + 1


async def main() -> None:
    one_plus_one = await add_one(1)
    two_plus_one = await add_one(2)
    print(one_plus_one)
    print(two_plus_one)


if __name__ == "__main__":
    asyncio.run(main())

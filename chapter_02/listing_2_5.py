"""Listing 2.5 — A first application with sleep

Section 2.2. Needs: nothing.

What to watch: "Hello World!" appears after one second; asyncio.sleep stands in for a slow I/O
operation that does not block the event loop.
"""
import asyncio


async def hello_world_message() -> str:
    await asyncio.sleep(1)
    return 'Hello World!'


async def main() -> None:
    message = await hello_world_message()
    print(message)


if __name__ == "__main__":
    asyncio.run(main())

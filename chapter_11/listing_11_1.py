"""Listing 11.1 — Attempting to create a race condition

Section 11.1. Needs: nothing.

What to watch: "Counter is 100" a thousand times, then a clean exit after about 10 s (1,000
rounds of a 10 ms sleep). The read and the write of `counter` happen in one statement with no
await between them, so no task can interleave and no update is lost: the classic
multithreaded counter race does not happen in single-threaded asyncio.
"""
import asyncio

counter: int = 0


async def increment():
    global counter
    await asyncio.sleep(0.01)
    counter = counter + 1


async def main():
    global counter
    for _ in range(1000):
        tasks = [asyncio.create_task(increment()) for _ in range(100)]
        await asyncio.gather(*tasks)
        print(f'Counter is {counter}')
        assert counter == 100
        counter = 0


if __name__ == "__main__":
    asyncio.run(main())

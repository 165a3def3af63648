"""Listing 11.2 — A single-threaded race condition

Section 11.1. Needs: nothing.

What to watch: the race is real and kept on purpose. Each task copies `counter`, suspends at
`await asyncio.sleep(0.01)` and then writes its stale copy back, so all 100 tasks read 0 and
write 1: the first round prints "Counter is 1" and the assert fails with a bare
AssertionError (exit status 1), well under a second after the start.
"""
import asyncio

counter: int = 0


async def increment():
    global counter
    temp_counter = counter
    temp_counter = temp_counter + 1
    await asyncio.sleep(0.01)
    counter = temp_counter


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

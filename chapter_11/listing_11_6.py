"""Listing 11.6 — Using semaphores

Section 11.3. Needs: nothing.

What to watch: four operations share a Semaphore(2). Two acquire at once, the other two print
"Waiting to acquire semaphore..." and get in only when the first pair releases: 4 s in total,
between the 2 s of unlimited concurrency and the 8 s of a sequential run.
"""
import asyncio
from asyncio import Semaphore


async def operation(semaphore: Semaphore):
    print('Waiting to acquire semaphore...')
    async with semaphore:
        print('Semaphore acquired!')
        await asyncio.sleep(2)
    print('Semaphore released!')


async def main():
    semaphore = Semaphore(2)
    await asyncio.gather(*[operation(semaphore) for _ in range(4)])


if __name__ == "__main__":
    asyncio.run(main())

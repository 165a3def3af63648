"""Listing 11.8 — Releasing more than we acquire

Section 11.3.1. Needs: nothing.

What to watch: the one-off release() without an acquire silently raises the Semaphore(2)'s
counter to 3. In the second round all three acquire() calls print "Acquired" at once, so the
round takes 5 s instead of 10: three tasks held a semaphore created with the value 2. The whole
run takes about 10 s. BoundedSemaphore (listing 11.9) turns this into an error.
"""
import asyncio
from asyncio import Semaphore


async def acquire(semaphore: Semaphore):
    print('Waiting to acquire')
    async with semaphore:
        print('Acquired')
        await asyncio.sleep(5)
    print('Releasing')


async def release(semaphore: Semaphore):
    print('Releasing as a one off!')
    semaphore.release()
    print('Released as a one off!')


async def main():
    semaphore = Semaphore(2)

    print("Acquiring twice, releasing three times...")
    await asyncio.gather(acquire(semaphore),
                         acquire(semaphore),
                         release(semaphore))

    print("Acquiring three times...")
    await asyncio.gather(acquire(semaphore),
                         acquire(semaphore),
                         acquire(semaphore))


if __name__ == "__main__":
    asyncio.run(main())

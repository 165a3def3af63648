"""Listing 11.9 — Bounded semaphores

Section 11.3.1. Needs: nothing.

What to watch: nothing on stdout; the second release() of a BoundedSemaphore(1) would push its
counter above the initial value, so it raises "ValueError: BoundedSemaphore released too many
times" (a traceback, exit status 1) instead of silently allowing more concurrency as in 11.8.
"""
import asyncio
from asyncio import BoundedSemaphore


async def main():
    semaphore = BoundedSemaphore(1)

    await semaphore.acquire()
    semaphore.release()
    semaphore.release()


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 4.7 — Awaitables finishing out of order

Section 4.4. Needs: nothing.

What to watch: delay(1) finishes before delay(3), yet gather returns the results in the order
the awaitables were passed in: [3, 1], after about 3 s.
"""
import asyncio

from util import delay


async def main():
    results = await asyncio.gather(delay(3), delay(1))
    print(results)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 10.12 — The circuit breaker in action

Section 10.3.5. Needs: nothing.

What to watch: in each batch of four requests the first two time out after 1 s each and open
the circuit, the other two fail at once ("Circuit is open, failing fast!"). After the 5 s pause
the first request takes the open-to-closed path. About 9 s in all.

Differs from the book: the two handlers catch `except Exception:`, where the book binds it
`as e` and never uses it.
"""
import asyncio

from chapter_10.listing_10_11 import CircuitBreaker


async def main():
    async def slow_callback():
        await asyncio.sleep(2)

    cb = CircuitBreaker(slow_callback,
                        timeout=1.0,
                        time_window=5,
                        max_failures=2,
                        reset_interval=5)

    for _ in range(4):
        try:
            await cb.request()
        except Exception:
            pass

    print('Sleeping for 5 seconds so breaker closes...')
    await asyncio.sleep(5)

    for _ in range(4):
        try:
            await cb.request()
        except Exception:
            pass


if __name__ == "__main__":
    asyncio.run(main())

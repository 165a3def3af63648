"""Listing 2.21 — Manually creating an event loop

Section 2.8.1. Needs: nothing.

What to watch: prints nothing and exits after one second. It does by hand what asyncio.run does,
minus the cleanup of leftover tasks, async generators and the default executor; asyncio.Runner
(3.11+) is the modern way to reuse one loop for several calls.
"""
import asyncio


async def main():
    await asyncio.sleep(1)


if __name__ == "__main__":
    loop = asyncio.new_event_loop()

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()

"""Listing 2.24 — Changing the slow callback duration

Section 2.9.3. Needs: nothing.

What to watch: prints nothing. In debug mode, setting loop.slow_callback_duration to 0.25 s
means only steps longer than 250 ms are reported (the default threshold is 0.1 s).
"""
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = .250


if __name__ == "__main__":
    asyncio.run(main(), debug=True)

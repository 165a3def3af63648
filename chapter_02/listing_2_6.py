"""Listing 2.6 — A reusable delay function

Section 2.2. Needs: nothing.

What to watch: running the module prints nothing. Awaiting delay(n) prints "sleeping for n
second(s)", sleeps n seconds, prints "finished sleeping for n second(s)" and returns n. Later
listings import the identical copy in util/delay_functions.py as `from util import delay`.
"""
import asyncio


async def delay(delay_seconds: int) -> int:
    print(f'sleeping for {delay_seconds} second(s)')
    await asyncio.sleep(delay_seconds)
    print(f'finished sleeping for {delay_seconds} second(s)')
    return delay_seconds

"""Listing 2.12 — Creating a timeout for a task with wait_for

Section 2.4.2. Needs: nothing.

What to watch: the 2-second task is given 1 second; wait_for cancels it and raises a timeout,
so the program prints "Got a timeout!" and "Was the task cancelled? True" after about 1 second.
Since 3.11 asyncio.exceptions.TimeoutError is the built-in TimeoutError; the modern idiom is
`async with asyncio.timeout(1)`.
"""
import asyncio

from util import delay


async def main():
    delay_task = asyncio.create_task(delay(2))
    try:
        result = await asyncio.wait_for(delay_task, timeout=1)
        print(result)
    except asyncio.exceptions.TimeoutError:
        print('Got a timeout!')
        print(f'Was the task cancelled? {delay_task.cancelled()}')


if __name__ == "__main__":
    asyncio.run(main())

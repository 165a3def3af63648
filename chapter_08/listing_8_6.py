"""Listing 8.6 — Using stream readers for input

Section 8.4. Needs: nothing.

What to watch: 8.4 fixed. There is no prompt; type a number and Enter, and "sleeping for <n>
second(s)" appears at once; type another before the first finishes and the delays overlap
(3 then 1: "finished sleeping for 1 second(s)" comes first, everything ends after about 3 s,
not 4). Reading stdin is awaited, so the loop runs the delay tasks while it waits for the next
line. A line that is not a number, or end of input (Ctrl-D: readline returns b''), ends the
program with a ValueError traceback.
"""
import asyncio

from chapter_08.listing_8_5 import create_stdin_reader
from util import delay


async def main():
    stdin_reader = await create_stdin_reader()
    while True:
        delay_time = await stdin_reader.readline()
        asyncio.create_task(delay(int(delay_time)))


if __name__ == "__main__":
    asyncio.run(main())

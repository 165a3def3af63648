"""Listing 8.4 — Trying to run delays in the background

Section 8.4. Needs: nothing.

What to watch: a deliberately broken program. Type a number and Enter: the prompt
"Enter a time to sleep:" comes back, but no "sleeping for" line ever appears, because the
blocking input() holds the event loop's thread and the tasks created with create_task never
get a chance to start. Stop it with Ctrl-C, twice: the first only asks asyncio.run to cancel
the main task, which never gets to an await while input() blocks, so the prompt stays; the
second raises KeyboardInterrupt out of input() (a traceback through asyncio's _on_sigint), as
in the book. If stdin ends
(Ctrl-D), input() raises EOFError; in the loop's last turn the queued tasks print their
"sleeping for" lines and are cancelled, so no "finished sleeping" line is ever printed.
"""
import asyncio

from util import delay


async def main():
    while True:
        delay_time = input('Enter a time to sleep:')
        asyncio.create_task(delay(int(delay_time)))


if __name__ == "__main__":
    asyncio.run(main())

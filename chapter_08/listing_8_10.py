"""Listing 8.10 — The asynchronous delay application

Section 8.4.1. Needs: tty.

What to watch: the screen is cleared and you type on the bottom row; type 3 Enter, then 1
Enter. "Starting delay 3" and "Starting delay 1" appear at the top at once, "Finished delay 1"
about a second later and "Finished delay 3" about 3 s after the first entry, while you keep
typing undisturbed below. Backspace erases what you typed. At most rows-1 messages are kept;
older ones scroll off the top. A line that is not a number crashes it (ValueError); Ctrl-C ends
it with a traceback. The terminal stays in cbreak mode afterwards: type `reset` (or
`stty sane`) and Enter to get your echo back.
"""
# ruff: noqa: F405  (the cursor helpers and sys come from the star import)
import asyncio
import os
import tty
from collections import deque

from chapter_08.listing_8_5 import create_stdin_reader
from chapter_08.listing_8_7 import *  # noqa: F403 (as in the book; brings sys too)
from chapter_08.listing_8_8 import read_line
from chapter_08.listing_8_9 import MessageStore


async def sleep(delay: int, message_store: MessageStore):
    await message_store.append(f'Starting delay {delay}')
    await asyncio.sleep(delay)
    await message_store.append(f'Finished delay {delay}')


async def main():
    tty.setcbreak(sys.stdin)
    os.system('clear')
    rows = move_to_bottom_of_screen()

    async def redraw_output(items: deque):
        save_cursor_position()
        move_to_top_of_screen()
        for item in items:
            delete_line()
            print(item)
        restore_cursor_position()

    messages = MessageStore(redraw_output, rows - 1)

    stdin_reader = await create_stdin_reader()

    while True:
        line = await read_line(stdin_reader)
        delay_time = int(line)
        asyncio.create_task(sleep(delay_time, messages))


if __name__ == "__main__":
    asyncio.run(main())

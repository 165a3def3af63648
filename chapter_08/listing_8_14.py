"""Listing 8.14 — The chat client

Section 8.6. Needs: tty, peer (8.13).

What to watch: run it in two or more terminals while the chat server (8.13) runs
(`python -m util run 8.14` starts the server for you). Type a user name at "Enter username: ",
then chat: everything the server sends (the welcome, "<name> connected!", every "<name>: <line>",
your own lines included) scrolls in the upper area while you type on the bottom row. When the
server stops, "Server closed connection." appears and the client exits (status 0), leaving the
terminal in cbreak mode: type `reset` and Enter to get your echo back.

Differs from the book: the server's address comes from util.settings (SERVER_HOST,
SERVICE_PORT: 127.0.0.1:9000 by default; the book uses 127.0.0.1:8000), and the
"Enter username: " prompt is flushed so it shows before you type (in the book it stays in
Python's buffer until the first key press).
"""
# ruff: noqa: F405  (the cursor helpers and sys come from the star import)
import asyncio
import logging
import os
import tty
from asyncio import StreamReader, StreamWriter
from collections import deque

from chapter_08.listing_8_5 import create_stdin_reader
from chapter_08.listing_8_7 import *  # noqa: F403 (as in the book; brings sys too)
from chapter_08.listing_8_8 import read_line
from chapter_08.listing_8_9 import MessageStore
from util import settings


async def send_message(message: str, writer: StreamWriter):
    writer.write((message + '\n').encode())
    await writer.drain()


async def listen_for_messages(reader: StreamReader,
                              message_store: MessageStore):
    while (message := await reader.readline()) != b'':
        await message_store.append(message.decode())
    await message_store.append('Server closed connection.')


async def read_and_send(stdin_reader: StreamReader,
                        writer: StreamWriter):
    while True:
        message = await read_line(stdin_reader)
        await send_message(message, writer)


async def main():
    async def redraw_output(items: deque):
        save_cursor_position()
        move_to_top_of_screen()
        for item in items:
            delete_line()
            sys.stdout.write(item)
        restore_cursor_position()

    tty.setcbreak(0)
    os.system('clear')
    rows = move_to_bottom_of_screen()

    messages = MessageStore(redraw_output, rows - 1)

    stdin_reader = await create_stdin_reader()
    sys.stdout.write('Enter username: ')
    sys.stdout.flush()
    username = await read_line(stdin_reader)

    reader, writer = await asyncio.open_connection(settings.SERVER_HOST, settings.SERVICE_PORT)

    writer.write(f'CONNECT {username}\n'.encode())
    await writer.drain()

    message_listener = asyncio.create_task(listen_for_messages(reader, messages))
    input_listener = asyncio.create_task(read_and_send(stdin_reader, writer))

    try:
        await asyncio.wait([message_listener, input_listener], return_when=asyncio.FIRST_COMPLETED)
    except Exception as e:
        logging.exception(e)
        writer.close()
        await writer.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())

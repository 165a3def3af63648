"""Listing 8.12 — Creating an echo server with server objects

Section 8.5. Needs: nothing. Listens: SERVER_PORT.

What to watch: connect from several terminals with `python -m util telnet 8000`. Each newcomer gets
"Welcome! <n> user(s) are online!" and everybody (the newcomer too) gets "New user connected!";
each line you send comes back to you only; when you leave (Ctrl-D or Ctrl-C in the client) the
others get "Client disconnected. <n> user(s) are online!". The server prints nothing but error
logs. Stop it with Ctrl-C. While clients are connected, how it stops depends on the Python: on
3.11 one Ctrl-C ends it; on 3.12, 3.13 before 3.13.15 and 3.14 before 3.14.7 the first only
stops accepting new clients, because Server.wait_closed (run by serve_forever and `async with
server`) waits until every connection has closed, so the server ends when the last client
leaves, or at the third Ctrl-C; from 3.13.15 and 3.14.7 (and on 3.15) one Ctrl-C ends it
again, since serve_forever first closes the clients' connections (CPython gh-123720) and each
client sees its connection end.

The echo tasks are not kept in a variable and the writers of departed clients are never closed
(with `python -W default` you may see ResourceWarning about unclosed StreamWriter); modern code
keeps the tasks (a set or a TaskGroup) and closes writers in a finally block. A limit of the
book's design: a client that never reads, once its buffers fill, holds every "New user
connected!" notice in drain(), so a newcomer is welcomed but never echoed (the companion
chapter_08/listing_8_13_bounded_queue.py drops slow readers).

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default).
"""
import asyncio
import logging
from asyncio import StreamReader, StreamWriter

from util import settings


class ServerState:

    def __init__(self):
        self._writers = []

    async def add_client(self, reader: StreamReader, writer: StreamWriter):
        self._writers.append(writer)
        await self._on_connect(writer)
        asyncio.create_task(self._echo(reader, writer))

    async def _on_connect(self, writer: StreamWriter):
        writer.write(f'Welcome! {len(self._writers)} user(s) are online!\n'.encode())
        await writer.drain()
        await self._notify_all('New user connected!\n')

    async def _echo(self, reader: StreamReader, writer: StreamWriter):
        try:
            while (data := await reader.readline()) != b'':
                writer.write(data)
                await writer.drain()
            self._writers.remove(writer)
            await self._notify_all(f'Client disconnected. {len(self._writers)} user(s) are online!\n')
        except Exception as e:
            logging.exception('Error reading from client.', exc_info=e)
            self._writers.remove(writer)

    async def _notify_all(self, message: str):
        for writer in self._writers:
            try:
                writer.write(message.encode())
                await writer.drain()
            except ConnectionError as e:
                logging.exception('Could not write to client.', exc_info=e)
                self._writers.remove(writer)


async def main():
    server_state = ServerState()

    async def client_connected(reader: StreamReader, writer: StreamWriter) -> None:
        await server_state.add_client(reader, writer)

    server = await asyncio.start_server(client_connected, settings.SERVER_HOST,
                                        settings.SERVER_PORT)

    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())

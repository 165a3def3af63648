"""Listing 3.8 — Building an asyncio echo server

Section 3.5.2. Needs: nothing. Listens: SERVER_PORT.

What to watch: the echo server once more, now on asyncio's socket coroutines (sock_accept,
sock_recv, sock_sendall): one task per client, all served at once on one thread, and idle without
burning CPU. Start it (`python -m util run 3.8`) and talk to it from several terminals with
`python -m util telnet 8000` or `nc -C 127.0.0.1 8000`: each line you type comes back to you alone,
and a silent client delays nobody. The server prints "Got a connection from ..." per client. Stop
it with Ctrl-C (asyncio.run's KeyboardInterrupt traceback).

The echo tasks are created without keeping a reference, as in the book; that works because a
task waiting on a socket is referenced by the loop through it, but the asyncio docs advise
keeping one (in a set, or with a TaskGroup). Modern code gets the loop with
asyncio.get_running_loop(); get_event_loop() inside a coroutine returns the same loop.

When a client half-closes (shuts down its sending side, as `nc -N` does at the end of its
input), echo's loop ends but the connection is never closed: the server keeps its side open,
and a client waiting for the server's end waits until the server exits. The book's design;
3.10 closes each connection it is done with.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default).
"""
import asyncio
import socket
from asyncio import AbstractEventLoop

from util import settings


async def echo(connection: socket,
               loop: AbstractEventLoop) -> None:
    while data := await loop.sock_recv(connection, 1024):
        await loop.sock_sendall(connection, data)


async def listen_for_connection(server_socket: socket,
                                loop: AbstractEventLoop):
    while True:
        connection, address = await loop.sock_accept(server_socket)
        connection.setblocking(False)
        print(f"Got a connection from {address}")
        asyncio.create_task(echo(connection, loop))


async def main():
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.setblocking(False)
    server_socket.bind(server_address)
    server_socket.listen()

    await listen_for_connection(server_socket, asyncio.get_event_loop())


if __name__ == "__main__":
    asyncio.run(main())

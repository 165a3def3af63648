"""Listing 3.8 (variant: unhandled error) — An exception in an echo task goes unnoticed

Section 3.5.3. Needs: nothing. Listens: SERVER_PORT.

What to watch: the 3.8 server whose echo raises Exception("Unexpected network error") when a client
sends exactly "boom" with CR LF (`python -m util telnet 8000`, or telnet). Nothing handles it: that
client's task has died, so it gets no more echoes, while the server and the other clients carry on.
asyncio only reports it, as "Task exception was never retrieved" with the traceback on stderr, when
the dead task is garbage-collected: in CPython usually at once, but if something still referenced
the task, not until shutdown. The collection also closes that client's socket, so the client
usually sees its connection closed at once (telnet: "Connection closed by foreign host."). Listing 3.8 (variant: logged error) handles it.

When a client half-closes (shuts down its sending side, as `nc -N` does at the end of its
input), echo's loop ends but the connection is never closed: the server keeps its side open,
and a client waiting for the server's end waits until the server exits. The book's design;
3.10 closes each connection it is done with.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). The book shows this variant as a snippet, not a listing.
"""
import asyncio
import socket
from asyncio import AbstractEventLoop

from util import settings


async def echo(connection: socket,
               loop: AbstractEventLoop) -> None:
    while data := await loop.sock_recv(connection, 1024):
        if data == b'boom\r\n':
            raise Exception("Unexpected network error")
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

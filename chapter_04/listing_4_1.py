"""Listing 4.1 — An asynchronous context manager to wait for a client connection

Section 4.2. Needs: nothing. Listens: SERVER_PORT.

What to watch: `async with ConnectedSocket(server_socket)` waits in __aenter__ until one client
connects; the block reads one message and prints it; __aexit__ then closes the connection, even if
the block raised. Connect with `python -m util telnet 8000` (or telnet), type `test` and press
Enter: the program prints the bytes and exits.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). Also: the server socket is created with
`socket.AF_INET, socket.SOCK_STREAM` spelled out (the defaults the book relies on).
"""
import asyncio
import socket
from types import TracebackType
from typing import Optional, Type

from util import settings


class ConnectedSocket:

    def __init__(self, server_socket):
        self._connection = None
        self._server_socket = server_socket

    async def __aenter__(self):
        print('Entering context manager, waiting for connection')
        loop = asyncio.get_event_loop()
        connection, address = await loop.sock_accept(self._server_socket)  # noqa: RUF059
        self._connection = connection
        print('Accepted a connection')
        return self._connection

    async def __aexit__(self,
                        exc_type: Optional[Type[BaseException]],
                        exc_val: Optional[BaseException],
                        exc_tb: Optional[TracebackType]):
        print('Exiting context manager')
        self._connection.close()
        print('Closed connection')


async def main():
    loop = asyncio.get_event_loop()

    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.setblocking(False)
    server_socket.bind(server_address)
    server_socket.listen()

    async with ConnectedSocket(server_socket) as connection:
        data = await loop.sock_recv(connection, 1024)
        print(data)


if __name__ == "__main__":
    asyncio.run(main())

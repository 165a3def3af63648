"""Listing 3.8 (variant: logged error) — Logging an exception in an echo task

Section 3.5.3. Needs: nothing. Listens: SERVER_PORT.

What to watch: the echo of Listing 3.8 (variant: unhandled error) now catches any exception, logs
it with logging.exception ("ERROR:root:Unexpected network error" and the traceback, on stderr, the
moment it happens) and, in a finally block, closes that client's connection. Send "boom" from
`python -m util telnet 8000` (or telnet): the log appears at once and the client says "Connection
closed by foreign host"; the other clients are still echoed. The server prints "got data!" for
every chunk it receives. Listing 3.10 builds on this echo.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). The book shows this variant as a snippet, not a listing.
"""
import asyncio
import logging
import socket
from asyncio import AbstractEventLoop

from util import settings


async def echo(connection: socket,
               loop: AbstractEventLoop) -> None:
    try:
        while data := await loop.sock_recv(connection, 1024):
            print('got data!')
            if data == b'boom\r\n':
                raise Exception("Unexpected network error")
            await loop.sock_sendall(connection, data)
    except Exception as ex:
        logging.exception(ex)
    finally:
        connection.close()


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

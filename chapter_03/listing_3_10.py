"""Listing 3.10 — Graceful shutdown

Section 3.6.2. Needs: nothing. Listens: SERVER_PORT.

What to watch: the asyncio echo server with the logged-error echo of section 3.5.3 ("got data!"
per chunk; "boom" is logged as ERROR:root:Unexpected network error and closes that client) and a
graceful shutdown. SIGINT (Ctrl-C) or SIGTERM raises GracefulExit (a SystemExit) out of
run_until_complete; the server then gives each echo task up to 2 seconds to finish, one after
another, cancels the ones still waiting (their finally blocks close the connections, so the
clients see the connection closed) and exits with code 0. With two idle clients connected,
shutdown takes about 4 seconds; with none, it is immediate. Waiting for all tasks at once
(asyncio.wait(echo_tasks, timeout=2)) would bound it at 2 seconds. Unix only (add_signal_handler).

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). The module-level event loop is created under
`if __name__ == "__main__":`, so that importing the module creates none. Also: the server socket
is created with `socket.AF_INET, socket.SOCK_STREAM` spelled out (the defaults the book relies
on).
"""
import asyncio
import logging
import signal
import socket
from asyncio import AbstractEventLoop
from typing import List

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


echo_tasks = []


async def connection_listener(server_socket, loop):
    while True:
        connection, address = await loop.sock_accept(server_socket)
        connection.setblocking(False)
        print(f"Got a connection from {address}")
        echo_task = asyncio.create_task(echo(connection, loop))
        echo_tasks.append(echo_task)


class GracefulExit(SystemExit):
    pass


def shutdown():
    raise GracefulExit()


async def close_echo_tasks(echo_tasks: List[asyncio.Task]):
    waiters = [asyncio.wait_for(task, 2) for task in echo_tasks]
    for task in waiters:
        try:
            await task
        except asyncio.exceptions.TimeoutError:
            # We expect a timeout error here
            pass


async def main():
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.setblocking(False)
    server_socket.bind(server_address)
    server_socket.listen()

    for signame in {'SIGINT', 'SIGTERM'}:
        loop.add_signal_handler(getattr(signal, signame), shutdown)
    await connection_listener(server_socket, loop)


if __name__ == "__main__":
    loop = asyncio.new_event_loop()

    try:
        loop.run_until_complete(main())
    except GracefulExit:
        loop.run_until_complete(close_echo_tasks(echo_tasks))
    finally:
        loop.close()

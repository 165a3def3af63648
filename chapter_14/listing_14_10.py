"""Listing 14.10 — Sockets with custom futures

Section 14.5.4. Needs: nothing. Listens: SERVER_PORT.

What to watch: a one-shot prototype with no asyncio at all: main is driven by hand with send() and
a selector. It waits for a connection (`python -m util telnet 8000`), prints "Processing selector
events...", and ends with "Application finished!". As in the book, the callback is given the
selector key's file object, the LISTENING socket, and never calls accept(): both "connection" lines
show the server socket (laddr=('127.0.0.1', 8000), no raddr), and the client's pending connection
is reset when the program exits.

Differs from the book: it imports chapter_14.listing_14_8 (the book's `from listing_14_8 import
...` only works from inside the chapter_14 folder), and the address comes from util.settings
(SERVER_HOST, SERVER_PORT; the book's 127.0.0.1:8000 by default).
"""
import functools
import selectors
import socket
from selectors import BaseSelector

from chapter_14.listing_14_8 import CustomFuture
from util import settings


def accept_connection(future: CustomFuture, connection: socket):
    print(f'We got a connection from {connection}!')
    future.set_result(connection)


async def sock_accept(sel: BaseSelector, sock) -> socket:
    print('Registering socket to listen for connections')
    future = CustomFuture()
    sel.register(sock, selectors.EVENT_READ, functools.partial(accept_connection, future))
    print('Pausing to listen for connections...')
    connection: socket = await future
    return connection


async def main(sel: BaseSelector):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    sock.bind((settings.SERVER_HOST, settings.SERVER_PORT))
    sock.listen()
    sock.setblocking(False)

    print('Waiting for socket connection!')
    connection = await sock_accept(sel, sock)
    print(f'Got a connection {connection}!')


if __name__ == "__main__":
    selector = selectors.DefaultSelector()

    coro = main(selector)

    while True:
        try:
            state = coro.send(None)

            events = selector.select()

            for key, mask in events:
                print('Processing selector events...')
                callback = key.data
                callback(key.fileobj)
        except StopIteration as si:  # noqa: F841
            print('Application finished!')
            break

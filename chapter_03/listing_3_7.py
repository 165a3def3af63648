"""Listing 3.7 — Using a selector to build a non-blocking server

Section 3.4. Needs: nothing. Listens: SERVER_PORT.

What to watch: an echo server on selectors.DefaultSelector (epoll on Linux, kqueue on macOS), the
OS event notification that asyncio's event loop is built on. select(timeout=1) sleeps until a
socket is ready: idle, the server prints "No events, waiting a bit more!" once a second and uses no
CPU (compare 3.6 in `top`). Connect several clients (`python -m util telnet 8000`): each gets its
own lines back at once. The data is echoed as it arrives, with no line framing. Stop it with
Ctrl-C. A limit of the book's design: send()'s return value is ignored, so a client that sends
a lot and never reads fills the buffers until send raises BlockingIOError, which ends the server
for everyone (asyncio's streams and chapter_08/listing_8_13_bounded_queue.py handle slow
readers).

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). A client that has left (recv returns b'') or reset its
connection is unregistered and closed; the book's code keeps it registered, so its socket stays
readable and the server prints "I got some data: b''" in an endless flood (or dies of
ConnectionResetError).
"""
import selectors
import socket
from selectors import SelectorKey
from typing import List, Tuple

from util import settings

if __name__ == "__main__":
    selector = selectors.DefaultSelector()

    server_socket = socket.socket()
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.setblocking(False)
    server_socket.bind(server_address)
    server_socket.listen()

    selector.register(server_socket, selectors.EVENT_READ)

    while True:
        events: List[Tuple[SelectorKey, int]] = selector.select(timeout=1)

        if len(events) == 0:
            print('No events, waiting a bit more!')

        for event, _ in events:
            event_socket = event.fileobj

            if event_socket == server_socket:
                connection, address = server_socket.accept()
                connection.setblocking(False)
                print(f"I got a connection from {address}")
                selector.register(connection, selectors.EVENT_READ)
            else:
                try:
                    data = event_socket.recv(1024)
                    if data:
                        print(f"I got some data: {data}")
                        event_socket.send(data)
                except ConnectionError:  # not in the book: the client reset its connection
                    data = b''
                if not data:  # not in the book: the client has left, forget it
                    selector.unregister(event_socket)
                    event_socket.close()

"""Listing 14.13 — Implementing a server with the custom event loop

Section 14.5.7. Needs: nothing. Listens: SERVER_PORT.

What to watch: a concurrent TCP server with no asyncio at all, on the hand-written EventLoop of
14.12 and CustomTask of 14.11. Connect from several terminals (`python -m util telnet 8000`) and
type: each chunk is printed as "Got b'...' from client!", from every client at once, among the
loop's own "Registering ..." and "Selector has an event, processing..." lines. A client that leaves
is closed quietly. As in the book, "I got a new connection from ..." shows the LISTENING socket,
not the client. The server never replies; it runs until killed (Ctrl-C gives a KeyboardInterrupt
traceback).

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the book
binds ('localhost', 8000), which is 127.0.0.1:8000 on an IPv4 socket). Also: the server socket
is created with `socket.AF_INET, socket.SOCK_STREAM` spelled out (the defaults the book relies
on).
"""
import socket

from chapter_14.listing_14_11 import CustomTask
from chapter_14.listing_14_12 import EventLoop
from util import settings


async def read_from_client(conn, loop: EventLoop):
    print(f'Reading data from client {conn}')
    try:
        while data := await loop.sock_recv(conn):
            print(f'Got {data} from client!')
    finally:
        loop.sock_close(conn)


async def listen_for_connections(sock, loop: EventLoop):
    while True:
        print('Waiting for connection...')
        conn, addr = await loop.sock_accept(sock)  # noqa: RUF059
        CustomTask(read_from_client(conn, loop), loop)
        print(f'I got a new connection from {sock}!')


async def main(loop: EventLoop):
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_socket.bind((settings.SERVER_HOST, settings.SERVER_PORT))
    server_socket.listen()
    server_socket.setblocking(False)

    await listen_for_connections(server_socket, loop)


if __name__ == "__main__":
    event_loop = EventLoop()
    event_loop.run(main(event_loop))

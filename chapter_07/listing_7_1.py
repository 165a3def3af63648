"""Listing 7.1 — A multithreaded echo server

Section 7.1. Needs: nothing. Listens: SERVER_PORT.

What to watch: every client gets its own thread, so two `python -m util telnet 8000` sessions
chat with the server at the same time; each chunk is printed as "Received b'...', sending!" and
echoed. Press Ctrl-C: the main thread prints a KeyboardInterrupt traceback from accept(), but
the process does NOT exit while a client is still connected, because the client threads are not
daemon threads (the book's first fix: `thread.daemon = True` before start()). A second Ctrl-C
interrupts Python's wait for that thread and ends it, reported as in 7.11 (in each Python's
words).

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). The book's echo() loops forever, so when a client disconnects
recv() keeps returning b'' at once and the thread spins at 100% CPU printing
"Received b'', sending!" thousands of times a second; here it leaves the loop on b'' (as 7.2
does) and the thread ends.
"""
import socket
from threading import Thread

from util import settings


def echo(client: socket):
    while True:
        data = client.recv(2048)
        if not data:  # the client went away: stop instead of spinning on b''
            break
        print(f'Received {data}, sending!')
        client.sendall(data)


if __name__ == "__main__":
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((settings.SERVER_HOST, settings.SERVER_PORT))
        server.listen()
        while True:
            connection, _ = server.accept()
            thread = Thread(target=echo, args=(connection,))
            thread.start()

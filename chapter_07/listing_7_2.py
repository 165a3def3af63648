"""Listing 7.2 — Subclassing the thread class for a clean shutdown

Section 7.1. Needs: nothing. Listens: SERVER_PORT.

What to watch: the same echo server, one ClientEchoThread per connection. A client that
disconnects ends its thread ("Thread interrupted by Connection closed! exception, shutting
down!"). On Ctrl-C the server prints "Shutting down!", sends b'Shutting down!' to every client
still connected and shuts their sockets down, which wakes each blocked recv() with b''; every
thread ends and the process exits cleanly, with no traceback.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default).
"""
import socket
from threading import Thread

from util import settings


class ClientEchoThread(Thread):

    def __init__(self, client):
        super().__init__()
        self.client = client

    def run(self):
        try:
            while True:
                data = self.client.recv(2048)
                if not data:
                    raise BrokenPipeError('Connection closed!')
                print(f'Received {data}, sending!')
                self.client.sendall(data)
        except OSError as e:
            print(f'Thread interrupted by {e} exception, shutting down!')

    def close(self):
        if self.is_alive():
            self.client.sendall(bytes('Shutting down!', encoding='utf-8'))
            self.client.shutdown(socket.SHUT_RDWR)


if __name__ == "__main__":
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((settings.SERVER_HOST, settings.SERVER_PORT))
        server.listen()
        connection_threads = []
        try:
            while True:
                connection, addr = server.accept()
                thread = ClientEchoThread(connection)
                connection_threads.append(thread)
                thread.start()
        except KeyboardInterrupt:
            print('Shutting down!')
            [thread.close() for thread in connection_threads]

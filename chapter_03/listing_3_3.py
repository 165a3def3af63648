"""Listing 3.3 — Allowing multiple clients to connect

Section 3.2.2. Needs: nothing. Listens: SERVER_PORT.

What to watch: a blocking echo server that shows why blocking sockets don't scale. Connect with
`python -m util telnet 8000` (the book's `telnet localhost 8000`) and type a line: it comes back.
Type a second line: nothing comes back, because the server is blocked in accept() waiting for a new
client. Connect a second client and that second line is echoed at last; while any client stays
silent, the server is blocked in its recv() and everyone else waits. A client that has left stays
in the list, so every later pass prints "All the data is: b''" for it. Stop the server with Ctrl-C
(a KeyboardInterrupt traceback).

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). A client that resets its connection is closed and dropped
from the list (the loop walks a copy of it), where the book's code dies with
ConnectionResetError.
"""
import socket

from util import settings

if __name__ == "__main__":
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.bind(server_address)
    server_socket.listen()

    connections = []

    try:
        while True:
            connection, client_address = server_socket.accept()
            print(f'I got a connection from {client_address}!')
            connections.append(connection)

            for connection in connections.copy():
                buffer = b''

                try:
                    while buffer[-2:] != b'\r\n':
                        data = connection.recv(2)
                        if not data:
                            break
                        else:
                            print(f'I got data: {data}!')
                            buffer = buffer + data

                    print(f"All the data is: {buffer}")

                    connection.send(buffer)
                except ConnectionError:  # not in the book: the client reset its connection
                    connections.remove(connection)
                    connection.close()
    finally:
        server_socket.close()

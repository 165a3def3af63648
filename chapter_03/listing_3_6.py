"""Listing 3.6 — Catching and ignoring blocking IO errors

Section 3.3. Needs: nothing. Listens: SERVER_PORT.

What to watch: the 3.5 server with BlockingIOError caught and ignored, both when no client is
waiting to be accepted and when a client has sent nothing yet. It now echoes every client's
lines without stalls, but it never waits: it polls all its sockets in a tight loop and burns a
whole CPU core even when nobody is connected (watch it in `top`). The buffer starts afresh on
every pass, so a line whose bytes arrive in separate passes loses its beginning (telnet sends a
whole line at once, so you won't see it there).

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). A client that has left (recv returns b'') or reset its
connection is closed and dropped from the list (the loop walks a copy of it); the book's code
keeps it, and recv returns b'' on every pass, printing "All the data is: b''" more than 100,000
times a second until the server is killed (or dies of ConnectionResetError).
"""
import socket

from util import settings

if __name__ == "__main__":
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.bind(server_address)
    server_socket.listen()
    server_socket.setblocking(False)

    connections = []

    try:
        while True:
            try:
                connection, client_address = server_socket.accept()
                connection.setblocking(False)
                print(f'I got a connection from {client_address}!')
                connections.append(connection)
            except BlockingIOError:
                pass

            for connection in connections.copy():
                try:
                    buffer = b''

                    while buffer[-2:] != b'\r\n':
                        data = connection.recv(2)
                        if not data:
                            break
                        else:
                            print(f'I got data: {data}!')
                            buffer = buffer + data

                    if not data:  # not in the book: the client has left, forget it
                        connections.remove(connection)
                        connection.close()
                        continue

                    print(f"All the data is: {buffer}")
                    connection.send(buffer)
                except BlockingIOError:
                    pass
                except ConnectionError:  # not in the book: the client reset its connection
                    connections.remove(connection)
                    connection.close()
    finally:
        server_socket.close()

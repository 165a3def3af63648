"""Listing 3.1 — Starting a server and listening for a connection

Section 3.1. Needs: nothing. Listens: SERVER_PORT.

What to watch: the server binds 127.0.0.1:8000, listens and blocks in accept() until one client
connects (`python -m util telnet 8000` on any OS, or the book's `telnet localhost 8000`); it prints
the client's address and port and exits.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default).
"""
import socket

from util import settings

if __name__ == "__main__":
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.bind(server_address)
    server_socket.listen()

    connection, client_address = server_socket.accept()
    print(f'I got a connection from {client_address}!')

    server_socket.close()

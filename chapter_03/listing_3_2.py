"""Listing 3.2 — Reading data from a socket

Section 3.2.1. Needs: nothing. Listens: SERVER_PORT.

What to watch: the server accepts one client and reads what it sends two bytes at a time, printing
each chunk, until the data ends with CR LF (a line typed into telnet or
`python -m util telnet 8000`; plain `nc` ends a line with LF alone) or the client goes away; then
it prints the whole buffer and exits. Nothing is sent back: TCP delivers a stream of bytes and the
server has to find where a message ends by itself.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default). A client that resets its connection (instead of closing it)
ends the data like a close, where the book's code dies with ConnectionResetError.
"""
import socket

from util import settings

if __name__ == "__main__":
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    server_address = (settings.SERVER_HOST, settings.SERVER_PORT)
    server_socket.bind(server_address)
    server_socket.listen()

    try:
        connection, client_address = server_socket.accept()
        print(f'I got a connection from {client_address}!')

        buffer = b''

        while buffer[-2:] != b'\r\n':
            try:
                data = connection.recv(2)
            except ConnectionResetError:  # not in the book: a reset ends the data like a close
                data = b''
            if not data:
                break
            else:
                print(f'I got data: {data}!')
                buffer = buffer + data

        print(f"All the data is: {buffer}")
    finally:
        server_socket.close()

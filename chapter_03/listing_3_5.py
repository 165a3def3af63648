"""Listing 3.5 — A first attempt at a non-blocking server

Section 3.3. Needs: nothing. Listens: SERVER_PORT.

What to watch: the 3.3 server with non-blocking sockets. It crashes at once: with no client
waiting, accept() does not wait but raises "BlockingIOError: [Errno 11] Resource temporarily
unavailable". A non-blocking program has to deal with "not ready yet" itself (listing 3.6).

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
    server_socket.setblocking(False)

    connections = []

    try:
        while True:
            connection, client_address = server_socket.accept()
            connection.setblocking(False)
            print(f'I got a connection from {client_address}!')
            connections.append(connection)

            for connection in connections:
                buffer = b''

                while buffer[-2:] != b'\r\n':
                    data = connection.recv(2)
                    if not data:
                        break
                    else:
                        print(f'I got data: {data}!')
                        buffer = buffer + data

                print(f"All the data is: {buffer}")

                connection.send(buffer)
    finally:
        server_socket.close()

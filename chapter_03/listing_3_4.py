"""Listing 3.4 — Creating a non-blocking socket

Section 3.3. Needs: nothing. Listens: SERVER_PORT.

What to watch: one call, setblocking(False), makes every later operation on the socket return
at once (or raise) instead of waiting. The program binds, listens, switches the socket to
non-blocking mode and exits, printing nothing. Unlike the other servers of this chapter it does
not set SO_REUSEADDR: run it right after another server on the same port has closed a
connection and bind() fails with "OSError: [Errno 98] Address already in use" for up to a
minute, while the closed connection waits in TIME_WAIT. That is why the other listings set it.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVER_PORT; the
book's 127.0.0.1:8000 by default).
"""
import socket

from util import settings

if __name__ == "__main__":
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.bind((settings.SERVER_HOST, settings.SERVER_PORT))
    server_socket.listen()
    server_socket.setblocking(False)

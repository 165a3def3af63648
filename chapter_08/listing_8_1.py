"""Listing 8.1 — Running an HTTP request with transports and protocols

Section 8.2. Needs: nothing.

What to watch: nothing happens when you run this module; listing 8.2 uses its protocol. The
callbacks do the work: connection_made writes the request, data_received collects each chunk
the OS delivers ("Data received!"), eof_received completes the future that get_response()
awaits, and connection_lost reports a clean close (or hands an error to the future). The
protocol finishes only when the server closes the connection, which is why the request says
"Connection: close"; a keep-alive server would leave get_response() waiting forever.

Differs from the book: an f-string without placeholders is a plain string.
"""
import asyncio
from asyncio import AbstractEventLoop, Future, Transport
from typing import Optional


class HTTPGetClientProtocol(asyncio.Protocol):

    def __init__(self, host: str, loop: AbstractEventLoop):
        self._host: str = host
        self._future: Future = loop.create_future()
        self._transport: Optional[Transport] = None
        self._response_buffer: bytes = b''

    async def get_response(self):
        return await self._future

    def _get_request_bytes(self) -> bytes:
        request = f"GET / HTTP/1.1\r\n" \
                  f"Connection: close\r\n" \
                  f"Host: {self._host}\r\n\r\n"
        return request.encode()

    def connection_made(self, transport: Transport):
        print(f'Connection made to {self._host}')
        self._transport = transport
        self._transport.write(self._get_request_bytes())

    def data_received(self, data):
        print('Data received!')
        self._response_buffer = self._response_buffer + data

    def eof_received(self) -> Optional[bool]:
        self._future.set_result(self._response_buffer.decode())
        return False

    def connection_lost(self, exc: Optional[Exception]) -> None:
        if exc is None:
            print('Connection closed without error.')
        else:
            self._future.set_exception(exc)

"""Listing 14.2 — A server with context variables

Section 14.2. Needs: nothing. Listens: SERVICE_PORT.

What to watch: connect from several terminals (`python -m util telnet 9000`) and type lines: the
server prints "Got message b'...\\n' from ('127.0.0.1', <port>)" with the address of the client
that sent the line, although user_address is one ContextVar shared by every connection: each task
runs in its own copy of the context, taken when create_task is called. Nothing is sent back. Stop
it with Ctrl-C.

On Python 3.13 and later this book form is broken, and kept so on purpose: the stream protocol no
longer holds the StreamWriter handed to a plain-function callback (CPython gh-114914), and since
_client_connected keeps no reference to it, the writer is collected at once and its __del__
closes the connection. Clients are disconnected right after connecting and nothing is printed
(`python -W default` shows "ResourceWarning: unclosed <StreamWriter ...>"). On 3.11 and 3.12.1
it works as the book shows. See listing_14_2_fixed.py.

Differs from the book: the address comes from util.settings (SERVER_HOST, SERVICE_PORT; the
book's 127.0.0.1:9000 by default).
"""
import asyncio
from asyncio import StreamReader, StreamWriter
from contextvars import ContextVar

from util import settings


class Server:
    user_address = ContextVar('user_address')

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port

    async def start_server(self):
        server = await asyncio.start_server(self._client_connected, self.host, self.port)
        await server.serve_forever()

    def _client_connected(self, reader: StreamReader, writer: StreamWriter):
        self.user_address.set(writer.get_extra_info('peername'))
        asyncio.create_task(self.listen_for_messages(reader))

    async def listen_for_messages(self, reader: StreamReader):
        while data := await reader.readline():
            print(f'Got message {data} from {self.user_address.get()}')


async def main():
    server = Server(settings.SERVER_HOST, settings.SERVICE_PORT)
    await server.start_server()


if __name__ == "__main__":
    asyncio.run(main())

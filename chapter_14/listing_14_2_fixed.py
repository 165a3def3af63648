"""Listing 14.2 (fixed) — A server with context variables

Section 14.2. Needs: nothing. Listens: SERVICE_PORT.

What to watch: the same server as 14.2, working on every Python from 3.11 on. Connect from several
terminals (`python -m util telnet 9000`) and type lines: each "Got message b'...' from
('127.0.0.1', <port>)" names the client that sent the line, because each connection's task runs in
its own copy of the context, taken when create_task is called. Stop it with Ctrl-C.

Differs from the book: the writer is passed to listen_for_messages, which closes it when the
client disconnects, so it lives as long as the connection (since Python 3.13 the stream protocol
no longer keeps it alive, and the book's form loses every connection at once); the tasks are kept
in a set until they finish, as the asyncio docs advise. The address comes from util.settings
(SERVER_HOST, SERVICE_PORT; the book's 127.0.0.1:9000 by default).
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
        self._tasks = set()

    async def start_server(self):
        server = await asyncio.start_server(self._client_connected, self.host, self.port)
        await server.serve_forever()

    def _client_connected(self, reader: StreamReader, writer: StreamWriter):
        self.user_address.set(writer.get_extra_info('peername'))
        task = asyncio.create_task(self.listen_for_messages(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def listen_for_messages(self, reader: StreamReader, writer: StreamWriter):
        try:
            while data := await reader.readline():
                print(f'Got message {data} from {self.user_address.get()}')
        finally:
            writer.close()
            await writer.wait_closed()


async def main():
    server = Server(settings.SERVER_HOST, settings.SERVICE_PORT)
    await server.start_server()


if __name__ == "__main__":
    asyncio.run(main())

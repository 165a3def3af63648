"""Listing 14.2 (today: create_task context) — A server with context variables

Section 14.2. Needs: nothing. Listens: SERVICE_PORT.

What to watch: the server of 14.2 on port 9000 (SERVICE_PORT): connect from several terminals
(`python -m util telnet 9000`) and type lines; each "Got message b'...' from ('127.0.0.1', <port>)"
names the client that sent it. The address is no longer set in the accept callback's context and
inherited by accident: each connection gets a context of its own, built with
contextvars.Context().run, and its handler is started in that context with
`create_task(..., context=...)` inside a TaskGroup. The server's own context never holds a user
address; on Ctrl-C it prints "User address in the server's context: None" and exits, having closed
the connections.

What changed: asyncio.create_task, loop.create_task and TaskGroup.create_task take a
`context=` argument: the task runs in that contextvars.Context instead of a copy of the
current one.

Since: Python 3.11 (the context argument; TaskGroup).

Why it is better: the book's version works only because the stream protocol happens to call
the callback in a fresh copy of the context; setting the variable there depends on that detail.
Building the context explicitly says what the task sees, and lets related tasks share one
context (a request and its helpers) or start clean. What to watch out for: tasks given the same
Context share its variables (each step of a task enters the context and leaves it, so they can
run at the same time, but a set() in one is seen by the others): give each connection its own,
as here. A Context already entered cannot be entered again: Context.run inside its own run, or
from another thread meanwhile, raises RuntimeError.
"""
import asyncio
import contextlib
import contextvars
from asyncio import StreamReader, StreamWriter
from contextvars import ContextVar

from util import settings
from util.tools.companions import refuse_older_python


class Server:
    user_address = ContextVar('user_address', default=None)

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self._connections: set[StreamWriter] = set()

    async def start_server(self):
        async with asyncio.TaskGroup() as tg:
            def client_connected(reader: StreamReader, writer: StreamWriter):
                context = contextvars.Context()
                context.run(self.user_address.set, writer.get_extra_info('peername'))
                tg.create_task(self.listen_for_messages(reader, writer), context=context)

            server = await asyncio.start_server(client_connected, self.host, self.port)
            try:
                # Serve until cancelled. Not serve_forever(): cancelled, it waits in
                # server.wait_closed() for every client (3.12.1+) before we could close them.
                await asyncio.Event().wait()
            finally:
                server.close()
                for writer in list(self._connections):
                    writer.close()
                print(f"User address in the server's context: {self.user_address.get()}")

    async def listen_for_messages(self, reader: StreamReader, writer: StreamWriter):
        self._connections.add(writer)
        try:
            while data := await reader.readline():
                print(f'Got message {data} from {self.user_address.get()}')
        finally:
            self._connections.discard(writer)
            writer.close()


async def main():
    server = Server(settings.SERVER_HOST, settings.SERVICE_PORT)
    await server.start_server()


if __name__ == "__main__":
    refuse_older_python("14.2_context")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())

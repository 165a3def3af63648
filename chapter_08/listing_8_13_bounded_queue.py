"""Listing 8.13 (today: a queue per client) — A chat server

Section 8.6. Needs: nothing. Listens: SERVICE_PORT.

What to watch: the chat of 8.13, same protocol and messages (`CONNECT <name>`, "Welcome! <n>
user(s) are online!", "<name> connected!", "<name>: <line>", "<name> has left the chat"), on port
9000 (SERVICE_PORT), but one slow or vanished client can no longer stall everybody. Each user
has a bounded outgoing queue (100 messages) and a writer task that sends with a 5 s write
timeout. Broadcasting only puts messages in the queues, so a user who stops reading fills their
own queue and is dropped ("Dropping <name>: too slow" on stderr) while the others go on chatting.
A user who disconnects is removed at once and the others are told. Stop it with Ctrl-C: the
connections are closed and it exits at the first press, on every Python (how many presses the
book's server needs with users connected depends on the Python: see 8.13).

What changed: nothing new in asyncio; this is the design the book's broadcast loop lacks
(`write` then `await drain()` for each user in turn, so the slowest reader sets everyone's
pace, and a departed user is only noticed when a write to them fails). It uses asyncio.Queue with
maxsize, asyncio.timeout around drain (3.11), a TaskGroup per connection for its reader and
writer (3.11), and Server.close_clients on shutdown when available (3.13).

Since: —

Why it is better: back-pressure per client instead of for the whole room: memory per client is
bounded, one stuck TCP peer costs at most one queue and one timeout, never the others'
latency. What to watch out for: a dropped slow client loses messages by design; choose the
queue size and timeout for your traffic.
"""
import asyncio
import contextlib
import logging
from asyncio import StreamReader, StreamWriter

from util import settings
from util.tools.companions import refuse_older_python

QUEUE_SIZE = 100
WRITE_TIMEOUT = 5
IDLE_TIMEOUT = 60


class ChatServer:

    def __init__(self):
        self._outboxes: dict[str, asyncio.Queue] = {}
        self._writers: dict[str, StreamWriter] = {}
        self._connections: set[StreamWriter] = set()
        self._handlers: set[asyncio.Task] = set()

    async def start_chat_server(self, host: str, port: int):
        server = await asyncio.start_server(self.client_connected, host, port)
        try:
            # Serve until cancelled. Not serve_forever(): cancelled, it waits in
            # server.wait_closed() for every client before we could close them (3.12,
            # 3.13.0-3.13.14, 3.14.0-3.14.6; later ones close them first: see 8.13).
            await asyncio.Event().wait()
        finally:
            server.close()
            for writer in list(self._connections):
                writer.transport.abort()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            await server.wait_closed()

    async def client_connected(self, reader: StreamReader, writer: StreamWriter):
        self._connections.add(writer)
        self._handlers.add(handler := asyncio.current_task())
        try:
            await self._chat(reader, writer)
        finally:
            self._connections.discard(writer)
            self._handlers.discard(handler)

    async def _chat(self, reader: StreamReader, writer: StreamWriter):
        try:
            command = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
            print(f'CONNECTED {reader} {writer}')
            command, args = command.split(b' ')
            if command != b'CONNECT':
                raise ValueError(command)
        except (ValueError, TimeoutError, ConnectionError):
            logging.error('Got invalid command from client, disconnecting.')
            writer.close()
            return
        username = args.replace(b'\n', b'').decode()
        outbox = asyncio.Queue(QUEUE_SIZE)
        self._outboxes[username] = outbox
        self._writers[username] = writer
        outbox.put_nowait(f'Welcome! {len(self._outboxes)} user(s) are online!\n')
        self._notify_all(f'{username} connected!\n')
        try:
            async with asyncio.TaskGroup() as tg:
                sender = tg.create_task(self._send_messages(username, outbox, writer))
                await self._listen_for_messages(username, reader)
                sender.cancel()
        except* (ConnectionError, TimeoutError):
            pass
        finally:
            self._remove_user(username, writer)

    async def _send_messages(self, username: str, outbox: asyncio.Queue, writer: StreamWriter):
        while True:
            message = await outbox.get()
            writer.write(message.encode())
            try:
                async with asyncio.timeout(WRITE_TIMEOUT):
                    await writer.drain()
            except TimeoutError:
                logging.error(f'Dropping {username}: too slow')
                writer.transport.abort()
                raise

    async def _listen_for_messages(self, username: str, reader: StreamReader):
        while (data := await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)) != b'':
            self._notify_all(f'{username}: {data.decode()}')
            # Let the writers run between two lines: readline() does not suspend while lines
            # are buffered, and a burst would otherwise fill every queue, the sender's own too.
            await asyncio.sleep(0)

    def _remove_user(self, username: str, writer: StreamWriter):
        if self._writers.get(username) is writer:
            del self._writers[username]
            del self._outboxes[username]
            writer.close()
            self._notify_all(f'{username} has left the chat\n')

    def _notify_all(self, message: str):
        for username, outbox in list(self._outboxes.items()):
            try:
                outbox.put_nowait(message)
            except asyncio.QueueFull:
                logging.error(f'Dropping {username}: too slow')
                writer = self._writers[username]
                writer.transport.abort()
                del self._writers[username]
                del self._outboxes[username]
                self._notify_all(f'{username} has left the chat\n')


async def main():
    chat_server = ChatServer()
    with contextlib.suppress(asyncio.CancelledError):
        await chat_server.start_chat_server(settings.SERVER_HOST, settings.SERVICE_PORT)


if __name__ == "__main__":
    refuse_older_python("8.13_bounded_queue")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())

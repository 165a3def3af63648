"""Listing 3.10 (today: close_clients) — Graceful shutdown

Section 3.6.2. Needs: nothing. Listens: SERVER_PORT.

What to watch: the echo server of 3.10 ("got data!" per chunk, "boom" logged as
ERROR:root:Unexpected network error), now on asyncio.start_server, with every client handler in
one TaskGroup. On Ctrl-C or SIGTERM it prints "Shutting down: no new connections", stops
listening, and calls server.close_clients(): each connected client's transport is closed, its
handler reads end-of-file and ends, and the program exits with code 0 at once, whatever the
number of idle clients (the book's version gives them 2 s each, one after another). A client that
does not read what is echoed to it keeps its handler stuck in drain(): after a 2 s grace period
for all clients together, server.abort_clients() drops such connections ("Aborted the clients
still connected after 2 s"). Unix only (add_signal_handler).

What changed: Server.close_clients() closes every client transport of a server,
Server.abort_clients() aborts them (drops unsent data); asyncio.TaskGroup supervises the
handlers; asyncio.timeout bounds the grace period for all of them at once.

Since: Python 3.11, 3.13 (3.11: TaskGroup, timeout; 3.13: Server.close_clients,
Server.abort_clients).

Why it is better: the book keeps its own list of echo tasks, waits for them one by one with
wait_for and relies on cancelling tasks to close sockets. Here the server knows its clients,
closing them makes the handlers end normally, and the shutdown takes at most one grace period.
What to watch out for: from 3.12 `Server.wait_closed()` (and `async with server`) waits for
every connection to end (3.12.1 fixed a case where it still returned early; on 3.11 it returns
once the server stops listening), so a server that never closes its clients never finishes
closing.
"""
import asyncio
import logging
import signal
from asyncio import StreamReader, StreamWriter

from util import settings
from util.tools.companions import refuse_older_python

GRACE_PERIOD = 2


async def echo(reader: StreamReader, writer: StreamWriter) -> None:
    try:
        while data := await reader.read(1024):
            print('got data!')
            if data == b'boom\r\n':
                raise Exception("Unexpected network error")
            writer.write(data)
            await writer.drain()
    except Exception as ex:
        logging.exception(ex)
    finally:
        writer.close()


async def main():
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signame in ('SIGINT', 'SIGTERM'):
        loop.add_signal_handler(getattr(signal, signame), stop.set)

    async with asyncio.TaskGroup() as handlers:
        def client_connected(reader: StreamReader, writer: StreamWriter) -> None:
            print(f"Got a connection from {writer.get_extra_info('peername')}")
            handlers.create_task(echo(reader, writer))

        server = await asyncio.start_server(client_connected,
                                            settings.SERVER_HOST, settings.SERVER_PORT)
        await stop.wait()
        print('Shutting down: no new connections')
        server.close()
        server.close_clients()
        try:
            async with asyncio.timeout(GRACE_PERIOD):
                await server.wait_closed()
        except TimeoutError:
            server.abort_clients()
            print(f'Aborted the clients still connected after {GRACE_PERIOD} s')
            await server.wait_closed()


if __name__ == "__main__":
    refuse_older_python("3.10_close_clients")
    asyncio.run(main())

"""Listing 14.4 (fixed) — Using uvloop as the event loop

Section 14.4. Needs: nothing. Listens: SERVICE_PORT.

What to watch: the same one-line echo server on uvloop, started the modern way with
uvloop.run(main()) (on 3.12+ that is asyncio.run(main(), loop_factory=uvloop.new_event_loop)).
Connect with `python -m util telnet localhost 9000`, type a line: it comes back and the connection
closes. The server prints nothing; stop it with Ctrl-C.

Differs from the book: uvloop.run(main()) replaces uvloop.install() plus asyncio.run(main()).
install() is deprecated from Python 3.12 and relies on event-loop policies, which are deprecated
in 3.14 and due for removal in 3.16. The port comes from util.settings (SERVICE_PORT; the
book's 9000 by default).
"""
import asyncio
from asyncio import StreamReader, StreamWriter

import uvloop

from util import settings


async def connected(reader: StreamReader, writer: StreamWriter):
    line = await reader.readline()
    writer.write(line)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(connected, port=settings.SERVICE_PORT)
    await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(main())

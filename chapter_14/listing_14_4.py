"""Listing 14.4 — Using uvloop as the event loop

Section 14.4. Needs: nothing. Listens: SERVICE_PORT.

What to watch: a one-line echo server that runs on uvloop instead of asyncio's own loop, with no
other change to the code: `uvloop.install()` before asyncio.run is all it takes. Connect with
`python -m util telnet localhost 9000` (it listens on every interface, IPv4 and IPv6), type a line:
it comes back and the server closes the connection. The server prints nothing; stop it with Ctrl-C.
Needs the uvloop package (installed with the project; not available on Windows).

uvloop.install() sets an event-loop policy: it is deprecated from Python 3.12 (a
DeprecationWarning, visible with `python -W default`), and policies themselves are deprecated in
3.14 and due for removal in 3.16. listing_14_4_fixed.py uses uvloop.run(main()), the form that
keeps working.

Differs from the book: the port comes from util.settings (SERVICE_PORT; the book's 9000 by
default).
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
    uvloop.install()
    asyncio.run(main())

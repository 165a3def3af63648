"""Listing 8.2 — Using the protocol

Section 8.2. Needs: example-site.

What to watch: "Connection made to <host>" first, then one "Data received!" per chunk the
socket delivered, then the raw HTTP response (status line, headers, blank line, the "Example
Domain" page) and last "Connection closed without error.": the task that prints the response
wakes up before the transport runs its connection_lost callback.

Differs from the book: the book requests www.example.com on port 80; here host and port come
from util.settings.EXAMPLE_URL (the local stand-in, http://127.0.0.1:8765 by default; set
EXAMPLE_URL=http://www.example.com to go online as the book does). asyncio.run is under
`if __name__ == "__main__":`, so make_request can be imported.
"""
import asyncio
from asyncio import AbstractEventLoop
from urllib.parse import urlsplit

from chapter_08.listing_8_1 import HTTPGetClientProtocol
from util import settings


async def make_request(host: str, port: int, loop: AbstractEventLoop) -> str:
    def protocol_factory():
        return HTTPGetClientProtocol(host, loop)

    _, protocol = await loop.create_connection(protocol_factory, host=host, port=port)

    return await protocol.get_response()


async def main():
    loop = asyncio.get_running_loop()
    example = urlsplit(settings.EXAMPLE_URL)
    result = await make_request(example.hostname, example.port or 80, loop)
    print(result)


if __name__ == "__main__":
    asyncio.run(main())

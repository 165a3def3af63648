"""Listing 8.3 — Making an HTTP request with stream writers and readers

Section 8.3. Needs: example-site.

What to watch: the same raw HTTP response as 8.2 (status line, headers, blank line, page), but
without any callback messages: open_connection hands back a StreamReader and a StreamWriter,
the request goes out with write() plus drain(), and the async generator read_until_empty
yields one decoded line at a time until the server closes the connection. The finally block
closes the writer and waits until it is closed.

Differs from the book: the book connects to www.example.com on port 80; here host and port
come from util.settings.EXAMPLE_URL (the local stand-in by default; set
EXAMPLE_URL=http://www.example.com to go online). asyncio.run is under
`if __name__ == "__main__":`, so read_until_empty can be imported.
"""
import asyncio
from asyncio import StreamReader
from typing import AsyncGenerator
from urllib.parse import urlsplit

from util import settings


async def read_until_empty(stream_reader: StreamReader) -> AsyncGenerator[str, None]:
    while response := await stream_reader.readline():
        yield response.decode()


async def main():
    example = urlsplit(settings.EXAMPLE_URL)
    host: str = example.hostname
    request: str = f"GET / HTTP/1.1\r\n" \
                   f"Connection: close\r\n" \
                   f"Host: {host}\r\n\r\n"

    stream_reader, stream_writer = await asyncio.open_connection(host, example.port or 80)

    try:
        stream_writer.write(request.encode())
        await stream_writer.drain()

        responses = [response async for response in read_until_empty(stream_reader)]

        print(''.join(responses))
    finally:
        stream_writer.close()
        await stream_writer.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 11.12 — Using the upload API in a file server

Section 11.4. Needs: nothing. Listens: SERVICE_PORT.

What to watch: upload a file with `nc -N 127.0.0.1 9000 < somefile` (OpenBSD netcat needs
-N to send EOF when its input ends). The server answers nothing, closes the connection after
the client's EOF and prints the whole upload as one bytes repr, e.g. b'hello world\\n'.
Nothing is printed at startup or on connect; Ctrl-C stops it with a KeyboardInterrupt
traceback. The upload_event attribute is never used, as in the book, and the dump task's handle
is not kept (an Event waiter keeps it alive here; in general, keep tasks in a set).

Differs from the book: host and port come from util.settings (SERVER_HOST, SERVICE_PORT;
default 127.0.0.1:9000).
"""
import asyncio
from asyncio import StreamReader, StreamWriter

from chapter_11.listing_11_11 import FileUpload
from util import settings


class FileServer:

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self.upload_event = asyncio.Event()

    async def start_server(self):
        server = await asyncio.start_server(self._client_connected,
                                            self.host,
                                            self.port)
        await server.serve_forever()

    async def dump_contents_on_complete(self, upload: FileUpload):
        file_contents = await upload.get_contents()
        print(file_contents)

    def _client_connected(self, reader: StreamReader, writer: StreamWriter):
        upload = FileUpload(reader, writer)
        upload.listen_for_uploads()
        asyncio.create_task(self.dump_contents_on_complete(upload))


async def main():
    server = FileServer(settings.SERVER_HOST, settings.SERVICE_PORT)
    await server.start_server()


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 11.11 — A file upload API

Section 11.4. Needs: nothing.

What to watch: a library for listing 11.12; importing it prints nothing. listen_for_uploads()
(call it inside a running loop) starts a background task, kept on the instance so it cannot be
garbage-collected, that reads 1,024 bytes at a time until the client closes its sending side,
then sets an Event and closes the connection. get_contents() waits on that Event and returns
every byte received.
"""
import asyncio
from asyncio import StreamReader, StreamWriter


class FileUpload:
    def __init__(self,
                 reader: StreamReader,
                 writer: StreamWriter):
        self._reader = reader
        self._writer = writer
        self._finished_event = asyncio.Event()
        self._buffer = b''
        self._upload_task = None

    def listen_for_uploads(self):
        self._upload_task = asyncio.create_task(self._accept_upload())

    async def _accept_upload(self):
        while data := await self._reader.read(1024):
            self._buffer = self._buffer + data
        self._finished_event.set()
        self._writer.close()
        await self._writer.wait_closed()

    async def get_contents(self):
        await self._finished_event.wait()
        return self._buffer

"""Listing 8.5 — An asynchronous standard input reader

Section 8.4. Needs: nothing.

What to watch: nothing happens when you run this module; 8.6, 8.10, 8.11 and 8.14 use
create_stdin_reader(). It registers standard input with the running loop through
connect_read_pipe, so `await reader.readline()` or `await reader.read(1)` waits for input
without blocking the loop. Standard input must be a terminal, a pipe or a socket: redirected
from a regular file (`< file`) connect_read_pipe raises ValueError. POSIX only. The pipe
transport leaves the file descriptor in non-blocking mode.
"""
import asyncio
import sys
from asyncio import StreamReader


async def create_stdin_reader() -> StreamReader:
    stream_reader = asyncio.StreamReader()
    protocol = asyncio.StreamReaderProtocol(stream_reader)
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: protocol, sys.stdin)
    return stream_reader

"""A network on one machine: a TCP proxy that holds every byte for a one-way latency.

    python -m util.tools.latency_proxy --latency MS [--jitter MS] PORT=HOST:PORT [...]

Each PORT=HOST:PORT route listens on 127.0.0.1:PORT and forwards every connection to HOST:PORT.
Each direction of a connection is chapter 8's streams: a task reads chunks from one side and
puts them, stamped with the time they may leave, on a bounded asyncio.Queue; a second task takes
them off, sleeps until their time, writes them to the other side and awaits drain(). A request
and its answer each wait once, so a round trip through the proxy takes twice the latency, as it
does over a network (the book's 5.8 ran against a Postgres about 1 ms away: `util run 5.8
--latency 1` shows its timings on one machine).

What to watch:
- Order is kept: one task sends the chunks in the order they were read, so jitter (a random
  extra 0 to --jitter ms) delays a chunk, and those behind it, but never lets one overtake
  another, as on a TCP connection.
- Buffering is bounded: the queue holds at most QUEUE_CHUNKS chunks of at most CHUNK bytes, and
  drain() bounds what waits in the transport. When a receiver stops reading, the queue fills,
  the reading task waits at `put` and stops reading, and the sender's kernel buffers fill in
  turn: a slow receiver slows the sender down. The price is a bandwidth cap of QUEUE_CHUNKS *
  CHUNK bytes (1 MiB) per latency, far more than the listings send.
- An end of file is passed on after the latency as a half-close (write_eof), and the other
  direction keeps flowing; when both have ended both connections are closed. When either side
  fails (a reset), both are reset.
- With --latency 0 nothing sleeps, yet a round trip still costs the proxy's extra hops: about
  0.1 ms on the project's 2-core machine (a median of 112 µs against 24 µs direct), so local
  Postgres queries, a few tens of microseconds each, already look slower through it.
- A chunk leaves on time to a fraction of a millisecond: asyncio's epoll waits round every
  timeout up to a whole millisecond (a 0.5 ms sleep took over 1 ms: a round trip at 0.5 ms cost
  2.5 ms, as much as at 1 ms), so an Alarm thread, whose waits are finer, wakes the loop instead
  (1.4 ms at 0.5 ms).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import signal
import socket
import struct
import sys

from util.tools.alarm import Alarm

CHUNK = 64 * 1024  # bytes read at a time
QUEUE_CHUNKS = 16  # chunks waiting out their latency, per direction
MAX_MS = 10_000  # the longest latency or jitter accepted


class LatencyProxy:
    """Forwards connections to target_host:target_port, each direction delayed by `latency` s
    plus a random 0 to `jitter` s. `held` counts the bytes read but not yet written, `peak` its
    highest value (so a test can see the bound)."""

    def __init__(self, target_host: str, target_port: int, latency: float, jitter: float = 0.0):
        self.target = (target_host, target_port)
        self.latency, self.jitter = latency, jitter
        self.held = self.peak = 0
        self._alarm: Alarm | None = None

    async def serve(self, host: str, port: int) -> asyncio.Server:
        return await asyncio.start_server(self.connection, host, port)

    async def connection(self, client_reader: asyncio.StreamReader,
                         client_writer: asyncio.StreamWriter) -> None:
        """One client, forwarded until both sides end. When the proxy stops, the connection
        is cancelled quietly (3.11 and 3.12 would log a cancelled handler as an error)."""
        with contextlib.suppress(asyncio.CancelledError):
            await self.forward(client_reader, client_writer)

    async def forward(self, client_reader: asyncio.StreamReader,
                      client_writer: asyncio.StreamWriter) -> None:
        try:
            target_reader, target_writer = await asyncio.open_connection(*self.target)
        except OSError:
            reset(client_writer)  # the client sees the refusal
            return
        writers = (client_writer, target_writer)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self.carry(client_reader, target_writer))
                group.create_task(self.carry(target_reader, client_writer))
        except* OSError:  # a reset on one side: the other is reset too
            for writer in writers:
                reset(writer)
        finally:
            for writer in writers:
                writer.close()

    async def carry(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One direction: read, stamp, queue; take, wait, write, drain; end of file last."""
        loop = asyncio.get_running_loop()
        if self._alarm is None or self._alarm.loop is not loop:
            self._alarm = Alarm(loop)
        alarm = self._alarm
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(QUEUE_CHUNKS)

        async def receive() -> None:
            while True:
                chunk = await reader.read(CHUNK)  # b"" at end of file
                due = loop.time() + self.latency + random.uniform(0, self.jitter)
                self._hold(len(chunk))
                await queue.put((due, chunk))  # waits while the queue is full
                if not chunk:
                    return

        async def send() -> None:
            while True:
                due, chunk = await queue.get()
                await alarm.until(due)
                if not chunk:
                    if writer.can_write_eof():
                        writer.write_eof()  # a half-close: the other direction goes on
                    return
                writer.write(chunk)
                await writer.drain()  # waits while the receiver is slow
                self._hold(-len(chunk))

        async with asyncio.TaskGroup() as group:
            group.create_task(receive())
            group.create_task(send())

    def _hold(self, size: int) -> None:
        self.held += size
        self.peak = max(self.peak, self.held)


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a reset (RST), as a refused or broken connection ends, not an end of file."""
    if (sock := writer.get_extra_info("socket")) is not None:
        with contextlib.suppress(OSError):  # already closed by the other side's reset
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def milliseconds(text: str, option: str = "--latency") -> float:
    """`text` as a number of milliseconds, 0 to MAX_MS; ValueError with one clear line if not."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a number of milliseconds") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{option} {text}: give a number of milliseconds from 0 up")
    if value > MAX_MS:
        raise ValueError(f"{option} {text}: at most {MAX_MS} milliseconds")
    return value


def route(text: str) -> tuple[int, str, int]:
    """PORT=HOST:PORT as (listen port, target host, target port)."""
    listen, _, target = text.partition("=")
    host, _, port = target.rpartition(":")
    if not (listen.isdigit() and port.isdigit() and host):
        raise ValueError(f"{text!r} is not a route PORT=HOST:PORT")
    return int(listen), host, int(port)


async def main(routes: list[tuple[int, str, int]], latency_ms: float, jitter_ms: float) -> None:
    servers = []  # kept, as the loop keeps only what it calls back
    for listen, host, port in routes:
        proxy = LatencyProxy(host, port, latency_ms / 1000, jitter_ms / 1000)
        servers.append(await proxy.serve("127.0.0.1", listen))
        print(f"latency proxy: 127.0.0.1:{listen} -> {host}:{port}, {latency_ms:g} ms each way"
              f"{f' (+0 to {jitter_ms:g} ms jitter)' if jitter_ms else ''}", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    await stop.wait()  # asyncio.run then cancels the connections, which close both sides


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m util.tools.latency_proxy",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", required=True, type=milliseconds, help="one-way, in ms")
    parser.add_argument("--jitter", default=0.0, help="ms, at most: random, never reorders",
                        type=lambda text: milliseconds(text, "--jitter"))
    parser.add_argument("routes", nargs="+", type=route, metavar="PORT=HOST:PORT")
    options = parser.parse_args()
    try:
        asyncio.run(main(options.routes, options.latency, options.jitter))
    except OSError as error:
        sys.exit(f"latency proxy: {error}")

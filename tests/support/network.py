"""Ports and sockets for the tests: waiting for a port, one connect-with-retry, `receive`, one
echo round trip (a free port: util.tools.processes.free_port)."""
from __future__ import annotations

import socket
import subprocess
from typing import Protocol

from util.tools.processes import Timeout, port_open, wait_until


class Watched(Protocol):
    """A running program whose exit ends the wait (tests.support.processes.Program)."""

    def running(self) -> bool: ...


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 20,
                  process: subprocess.Popen | None = None) -> None:
    """Wait until something accepts connections on host:port (fails early if `process`
    exits)."""
    try:
        wait_until(lambda: port_open(host, port), timeout,
                   f"something listening on {host}:{port}", interval=0.05,
                   give_up=None if process is None else lambda: process.poll() is not None)
    except Timeout as error:
        raise AssertionError(str(error)) from None


def connect(port: int, host: str = "127.0.0.1", timeout: float = 20,
            server: Watched | None = None) -> socket.socket:
    """A client socket (5 s timeout on each operation); retries until the server listens, fails
    as soon as `server` has exited. Connecting is the probe: use it where a probe connection
    would count as one more client."""
    def attempt() -> socket.socket | None:
        try:
            return socket.create_connection((host, port), timeout=5)
        except OSError:
            return None

    try:
        return wait_until(attempt, timeout, f"a connection to {host}:{port}", interval=0.05,
                          give_up=None if server is None else lambda: not server.running())
    except Timeout as error:
        raise AssertionError(f"{error}\n{server or ''}") from None


def receive(client: socket.socket, until: int | bytes, timeout: float = 5) -> bytes:
    """Read `until` bytes (an int), or up to and including the first `until` text (bytes) and
    not a byte past it; fewer if the peer closes first. Fails if nothing ends the read within
    `timeout` s, showing what came."""
    client.settimeout(timeout)
    data = b""
    while len(data) < until if isinstance(until, int) else until not in data:
        try:
            chunk = client.recv(until - len(data) if isinstance(until, int)
                                else len(until) - _overlap(data, until))
        except TimeoutError:
            raise AssertionError(f"no {until!r} within {timeout} s; received {data!r}") from None
        if not chunk:
            break
        data += chunk
    return data


def _overlap(data: bytes, text: bytes) -> int:
    """The length of the longest end of `data` that begins `text`: reading len(text) minus it
    can complete `text` and never reads past it."""
    return next((k for k in range(min(len(data), len(text) - 1), 0, -1)
                 if data.endswith(text[:k])), 0)


def echo(client: socket.socket, message: bytes, timeout: float = 5) -> bytes:
    """Send `message` and read back as many bytes (fewer if the server closes first)."""
    client.sendall(message)
    return receive(client, len(message), timeout)

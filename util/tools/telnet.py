"""A line client ending each line with CR LF, as telnet does: `python -m util telnet [HOST] PORT`.

The book talks to its socket servers with telnet, which sends every line with CR LF; several of
them (3.2, 3.3, the "boom" of 3.8 and 3.10) wait for exactly that, so plain `nc`, which sends a
bare LF, leaves them waiting. 8.13's chat server is the other way round: it strips only the LF
from `CONNECT <name>`, so telnet's CR stays in the name; `--lf` ends each line with LF alone, as
plain `nc` does, for it. This client works on every OS, from a terminal or a pipe: it reads
lines from standard input and sends each with CR LF (or LF), writes what the server sends to
standard output as it arrives, and ends with one line on standard error: when the server
closes, or after the end of input (Ctrl-D, or the end of a pipe; it first waits a moment for the
last answers), or on Ctrl-C. A refused connection is one line and exit status 2.
"""
from __future__ import annotations

import os
import socket
import sys
import threading
import time

DEFAULT_HOST = "127.0.0.1"
QUIET_AFTER_EOF = 1.0  # seconds of silence from the server, after the end of input, to stop
CR_LF = b"\r\n"


def parse_address(words: list[str]) -> tuple[str, int]:
    """`[HOST] PORT` as the reader types it; ValueError with the reason."""
    if len(words) == 1:
        host, port = DEFAULT_HOST, words[0]
    elif len(words) == 2:
        host, port = words
    else:
        raise ValueError("give [HOST] PORT, e.g. `python -m util telnet 8000`")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{port!r} is not a port number")
    return host, int(port)


def _send_lines(connection: socket.socket, ended: threading.Event, line_end: bytes) -> None:
    """Standard input to the server, one line at a time ending in `line_end`. os.read, not
    sys.stdin: this thread may still be waiting when the program ends, and must hold no lock
    then."""
    pending = b""
    try:
        while chunk := os.read(sys.stdin.fileno(), 4096):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                connection.sendall(line.rstrip(b"\r") + line_end)
        if pending:
            connection.sendall(pending.rstrip(b"\r") + line_end)
    except OSError:
        pass  # the server has gone: the receiving side says so
    finally:
        ended.set()


def talk(host: str, port: int, quiet_after_eof: float = QUIET_AFTER_EOF,
         line_end: bytes = CR_LF) -> int:
    try:
        connection = socket.create_connection((host, port), timeout=10)
    except ConnectionResetError:  # accepted, then reset before connect() looked (14.10 exits)
        print("Connection closed by foreign host.", file=sys.stderr)
        return 0
    except ConnectionRefusedError:
        print(f"error: could not connect to {host}:{port}: connection refused (is the server "
              f"running?)", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: could not connect to {host}:{port}: {error.strerror or error}",
              file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        print(f"Connected to {host}:{port}. Type lines; Ctrl-D or Ctrl-C to quit.",
              file=sys.stderr)
    connection.settimeout(0.1)
    input_ended = threading.Event()
    threading.Thread(target=_send_lines, args=(connection, input_ended, line_end),
                     daemon=True).start()
    last_heard = time.monotonic()  # the server's last answer, or the end of input if later
    eof_seen = False
    out = sys.stdout.buffer
    try:
        while True:
            try:
                data = connection.recv(4096)
            except TimeoutError:
                if input_ended.is_set() and not eof_seen:
                    eof_seen, last_heard = True, time.monotonic()
                if eof_seen and time.monotonic() - last_heard >= quiet_after_eof:
                    print("Connection closed.", file=sys.stderr)
                    return 0
                continue
            except OSError:
                data = b""  # reset by the server
            if not data:
                print("Connection closed by foreign host.", file=sys.stderr)
                return 0
            out.write(data)
            out.flush()
            last_heard = time.monotonic()
    except KeyboardInterrupt:
        print("Connection closed.", file=sys.stderr)
        return 130
    finally:
        connection.close()


def main(words: list[str], lf: bool = False) -> int:
    try:
        host, port = parse_address(words)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return talk(host, port, line_end=b"\n" if lf else CR_LF)

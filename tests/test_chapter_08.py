"""Chapter 8: streams, driven as a reader drives them.

The HTTP clients (8.2, 8.3) fetch the session's www.example.com stand-in; 8.1 is driven in-process
against a tiny stub of our own that records the request. The stdin programs (8.4-8.6) read real
pipes. The terminal programs (8.10, 8.11, 8.14) run in a real pseudo-terminal (pexpect), without
PYTHONUNBUFFERED as a reader runs them, and what they write is fed to `Screen`, a small VT100
interpreter for exactly the sequences the chapter uses (tests.support.terminal; it fails on any
other), so the tests assert what the reader sees row by row. The servers (8.12, 8.13) run on
free ports with real asyncio clients and are stopped with Ctrl-C (SIGINT).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pexpect
import psutil
import pytest
from pexpect.popen_spawn import PopenSpawn

from tests.support import (
    REPO,
    Listing,
    Run,
    assert_about,
    connect,
    free_port,
    listing_env,
    module_name,
    ok,
    receive,
    run_listing,
    start_server,
    startup_shim,
    wait_for_stderr,
    wait_until,
    wait_until_async,
)
from tests.support.terminal import Screen, Terminal

HOST = "127.0.0.1"
ESC = "\x1b"
CSI = ESC + "["
ENTER = "\r"  # what the Enter key sends; the terminal (ICRNL) hands the program "\n"

# Python 3.12.0 and 3.12.1: tty.setcbreak also cleared ICRNL, Enter arrives as CR and the
# book's read_line (8.8) never returns (CPython gh-114328, fixed in 3.12.2).
CBREAK_BUG = sys.version_info[:3] in ((3, 12, 0), (3, 12, 1))
needs_fixed_cbreak = pytest.mark.skipif(
    CBREAK_BUG, reason="tty.setcbreak on 3.12.0/3.12.1 turns Enter into CR: use Python 3.12.2+")

# Ctrl-C with clients connected (8.12, 8.13): 3.11's Server.wait_closed() does not wait for
# them; from 3.12.1 it waits until every client connection has closed (run by serve_forever,
# cancelled by Ctrl-C, and by `async with server`); from 3.13.15 and 3.14.7 (and on 3.15)
# serve_forever closes the clients' connections before it waits (CPython gh-123720).
VERSION = sys.version_info[:3]
WAIT_CLOSED_WAITS_FOR_CLIENTS = ((3, 12, 1) <= VERSION < (3, 13, 15)
                                 or (3, 14) <= VERSION < (3, 14, 7))


# --------------------------------------------------------------------------- the screen

def test_the_screen_interpreter_follows_the_sequences_the_chapter_uses():
    screen = Screen(4, 10)
    screen.feed("junk\r\n\x1b[H\x1b[2J\x1b[3J\x1b[3E")  # clear, then 8.7's move to the bottom
    screen.feed("ab\x1b[1D \x1b[1Dc")  # 8.8's echo and erase
    screen.feed("\x1b7\x1b[H\x1b[2Kfirst\r\n\x1b[2Ksecond\r\n\x1b8")  # a redraw
    assert screen.lines() == ["first", "second", "", "ac"]
    screen.feed("d\x1b[2K\x1b[0Gx")  # typing continues at the saved position; clear_line
    assert screen.lines() == ["first", "second", "", "x"]
    screen.feed("\x1b")  # a sequence split across reads waits for its end
    screen.feed("[2K")
    assert screen.line(4) == ""
    with pytest.raises(AssertionError, match="unexpected"):
        screen.feed("\x1b[5S")


# --------------------------------------------------------------------------- 8.0, 8.1 - 8.3

BODY = b"<html><body><h1>Stub page</h1></body></html>"


RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(BODY), BODY))
PIECES = 4  # the stub's response in this many writes, 50 ms apart: one data_received each


def pieces(data: bytes, count: int = PIECES) -> list[bytes]:
    size = -(-len(data) // count)
    return [data[start:start + size] for start in range(0, len(data), size)]


async def http_stub(requests: list[bytes], reset: bool = False) -> asyncio.Server:
    """A one-page HTTP/1.1 server that answers in PIECES writes, 50 ms apart, and closes after
    each answer (or resets the connection)."""
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        if reset:
            writer.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return
        for piece in pieces(RESPONSE):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.05)
        writer.close()
        await writer.wait_closed()

    return await asyncio.start_server(answer, HOST, 0)


@pytest.mark.listing("8.1")
def test_8_1_the_protocol_gets_a_response_through_its_callbacks(capsys):
    from chapter_08.listing_8_1 import HTTPGetClientProtocol

    requests: list[bytes] = []

    async def main():
        server = await http_stub(requests)
        port = server.sockets[0].getsockname()[1]
        loop = asyncio.get_running_loop()
        async with server:
            _, protocol = await loop.create_connection(
                lambda: HTTPGetClientProtocol("stub.example", loop), HOST, port)
            response = await protocol.get_response()
            printed_by_then = capsys.readouterr().out

            def closed_reported() -> str | None:
                printed = capsys.readouterr().out
                return printed if "Connection closed" in printed else None

            later = await wait_until_async(closed_reported, 5, "connection_lost reported",
                                           interval=0.01)
        return response, printed_by_then, later

    response, printed, later = asyncio.run(main())
    assert isinstance(response, str)
    assert response == RESPONSE.decode(), "the pieces put together, in order"
    lines = printed.splitlines()
    assert lines[0] == "Connection made to stub.example"
    assert lines[1:] and set(lines[1:]) == {"Data received!"}
    assert len(lines[1:]) >= 2, "the response came in several data_received calls"
    assert "Connection closed" not in printed  # the awaiting task resumes first
    assert later == "Connection closed without error.\n"
    assert requests == [b"GET / HTTP/1.1\r\nConnection: close\r\nHost: stub.example\r\n\r\n"]


@pytest.mark.listing("8.1")
def test_8_1_a_reset_connection_raises_from_get_response(capsys):
    from chapter_08.listing_8_1 import HTTPGetClientProtocol

    async def main():
        server = await http_stub([], reset=True)
        port = server.sockets[0].getsockname()[1]
        loop = asyncio.get_running_loop()
        async with server:
            _, protocol = await loop.create_connection(
                lambda: HTTPGetClientProtocol(HOST, loop), HOST, port)
            await asyncio.wait_for(protocol.get_response(), 10)

    with pytest.raises(ConnectionResetError):
        asyncio.run(main())
    assert "Connection closed without error." not in capsys.readouterr().out


@pytest.mark.listing("8.2")
def test_8_2_prints_the_callbacks_then_the_raw_response(example_site):
    example_site.reset()
    run = ok(run_listing("8.2", env=example_site.env, timeout=30))
    lines = run.lines
    assert lines[0] == "Connection made to 127.0.0.1"
    status = lines.index("HTTP/1.1 200 OK")
    assert status > 1 and set(lines[1:status]) == {"Data received!"}
    assert "Connection: close" in lines[status:]
    assert "<h1>Example Domain</h1>" in lines
    assert [line for line in lines if line][-1] == "Connection closed without error."
    assert lines.index("</html>") < len(lines) - 1
    assert example_site.stats()["completed"] == 1


@pytest.mark.listing("8.2")
def test_8_2_puts_a_response_in_several_pieces_together():
    """A server of the test's own stands in for example.com and answers in PIECES writes,
    50 ms apart: the listing prints one "Data received!" per piece, then the whole response."""
    with socket.create_server((HOST, 0)) as server:
        port = server.getsockname()[1]

        def answer() -> bytes:
            connection, _ = server.accept()
            with connection:
                request = b""
                while not request.endswith(b"\r\n\r\n"):
                    request += connection.recv(1024) or b"\r\n\r\n"
                for piece in pieces(RESPONSE):
                    connection.sendall(piece)
                    time.sleep(0.05)
            return request

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            request = pool.submit(answer)
            run = ok(run_listing("8.2", env={"EXAMPLE_URL": f"http://{HOST}:{port}",
                                             "EXAMPLE_HOST": HOST, "EXAMPLE_PORT": str(port)},
                                 timeout=30))
            assert request.result(10).startswith(b"GET / HTTP/1.1\r\n")
    received = run.lines.count("Data received!")
    assert received >= 2, str(run)
    assert run.lines[:received + 1] == ["Connection made to 127.0.0.1",
                                        *["Data received!"] * received]
    assert run.stdout.split("\n", received + 1)[-1] == (
        RESPONSE.decode().replace("\r\n", "\n") + "\nConnection closed without error.\n"), str(run)


def run_raw(listing: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a listing and keep its output as bytes (CR LF stays CR LF)."""
    return subprocess.run([sys.executable, "-u", "-m", module_name(listing)], cwd=REPO,
                          env=listing_env(env), capture_output=True, timeout=30)


@pytest.mark.listing("8.3")
def test_8_3_prints_the_raw_response_and_nothing_else(example_site):
    example_site.reset()
    result = ok(run_raw("8.3", example_site.env))
    assert result.stderr == b""
    head, separator, body = result.stdout.partition(b"\r\n\r\n")
    assert separator
    header_lines = head.split(b"\r\n")
    assert header_lines[0] == b"HTTP/1.1 200 OK"
    assert b"Connection: close" in header_lines
    assert all(b"\n" not in line for line in header_lines)  # every header line ended by CR LF
    assert b"<h1>Example Domain</h1>" in body
    assert body.endswith(b"</html>\n\n")  # the page, then print's own newline
    assert b"Connection made" not in result.stdout and b"Data received" not in result.stdout
    assert example_site.stats()["completed"] == 1


@pytest.mark.listing("8.3")
def test_8_3_read_until_empty_yields_decoded_lines_until_eof():
    from chapter_08.listing_8_3 import read_until_empty

    async def main():
        reader = asyncio.StreamReader()
        reader.feed_data(b"first\r\nsecond\n")
        reader.feed_data(b"last without newline")
        reader.feed_eof()
        return [line async for line in read_until_empty(reader)]

    assert asyncio.run(main()) == ["first\r\n", "second\n", "last without newline"]


# --------------------------------------------------------------------------- 8.4 - 8.6

PROMPT = "Enter a time to sleep:"


def piped(listing_or_args: str | list[str]) -> PopenSpawn:
    """A program with stdin and stdout as pipes, for expect()."""
    args = (["-u", "-m", module_name(listing_or_args)] if isinstance(listing_or_args, str)
            else listing_or_args)
    return PopenSpawn([sys.executable, *args], cwd=str(REPO), env=listing_env(),
                      encoding="utf-8", timeout=15)


def kill(child: PopenSpawn) -> None:
    if child.proc.poll() is None:
        child.kill(signal.SIGKILL)
    child.proc.wait()


@pytest.mark.listing("8.4")
def test_8_4_tasks_never_start_while_input_blocks():
    child = piped("8.4")
    try:
        child.send("1\n2\n")
        for _ in range(3):
            child.expect_exact(PROMPT)  # both answers read, and blocked in input() again
        # delay(1) would print at once and finish within a second, if it ever got to run
        index = child.expect_exact(["sleeping", pexpect.TIMEOUT], timeout=2)
        assert index == 1, f"a task ran while input() blocked: {child.before!r}"
        assert child.proc.poll() is None
    finally:
        kill(child)


@pytest.mark.listing("8.4")
def test_8_4_at_end_of_input_the_tasks_only_start_and_are_cancelled():
    run = run_listing("8.4", input="1\n2\n", timeout=30)
    assert run.returncode == 1, str(run)
    assert run.stderr.rstrip().splitlines()[-1] == "EOFError: EOF when reading a line"
    assert run.stdout == (PROMPT * 3 + "sleeping for 1 second(s)\n"
                          "sleeping for 2 second(s)\n")


READ_STDIN = """\
import asyncio
from chapter_08.listing_8_5 import create_stdin_reader

async def main():
    reader = await create_stdin_reader()
    print("ready", flush=True)
    print(repr(await reader.readline()), flush=True)
    print(repr(await reader.readline()), flush=True)

asyncio.run(main())
"""


@pytest.mark.listing("8.5")
def test_8_5_reads_a_pipe_line_by_line_until_eof():
    child = piped(["-c", READ_STDIN])
    try:
        child.expect_exact("ready")
        child.send("hello\n")
        child.expect_exact("b'hello\\n'")
        child.sendeof()
        child.expect_exact("b''")
        child.expect(pexpect.EOF)
        assert child.proc.wait(10) == 0
    finally:
        kill(child)


@pytest.mark.listing("8.5")
def test_8_5_a_regular_file_on_stdin_is_refused(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("hello\n")
    with answers.open() as stdin:
        result = subprocess.run([sys.executable, "-c", READ_STDIN], cwd=REPO, env=listing_env(),
                                stdin=stdin, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stdout == ""
    last = result.stderr.rstrip().splitlines()[-1]
    assert last.startswith("ValueError: Pipe transport is")


@pytest.mark.listing("8.6")
def test_8_6_delays_overlap_while_stdin_is_awaited():
    with Listing("8.6", stdin=subprocess.PIPE) as listing:
        listing.process.stdin.write("3\n")
        listing.process.stdin.flush()
        listing.wait_for_line("^sleeping for 3 second", timeout=15)
        time.sleep(0.2)  # the reader types the second number a moment later
        listing.process.stdin.write("1\n")
        listing.process.stdin.flush()
        wrote_one = time.monotonic() - listing.started
        listing.wait_for_line("^finished sleeping for 3 second", timeout=15)
        lines = [line for _, line in listing.timed_lines]
        when = {line: moment for moment, line in listing.timed_lines}
        assert lines == ["sleeping for 3 second(s)", "sleeping for 1 second(s)",
                         "finished sleeping for 1 second(s)", "finished sleeping for 3 second(s)"]
        assert_about(when["sleeping for 1 second(s)"] - wrote_one, 0, late=1)  # at once, no waiting
        one = when["finished sleeping for 1 second(s)"] - when["sleeping for 1 second(s)"]
        three = when["finished sleeping for 3 second(s)"] - when["sleeping for 3 second(s)"]
        assert_about(one, 1, early=0.05, late=0.4)
        # both in about 3 s; one after the other would take 4
        assert_about(three, 3, early=0.05, late=0.6)
        listing.process.stdin.close()
        run = listing.wait(15)
    assert run.returncode == 1
    assert (run.stderr.rstrip().splitlines()[-1]
            == "ValueError: invalid literal for int() with base 10: b''")


# --------------------------------------------------------------------------- 8.7 - 8.9

@pytest.mark.listing("8.7")
def test_8_7_each_helper_writes_its_escape_sequence(capsys, monkeypatch):
    from chapter_08 import listing_8_7 as helpers

    expected = {
        helpers.save_cursor_position: ESC + "7",
        helpers.restore_cursor_position: ESC + "8",
        helpers.move_to_top_of_screen: CSI + "H",
        helpers.delete_line: CSI + "2K",
        helpers.clear_line: CSI + "2K" + CSI + "0G",
        helpers.move_back_one_char: CSI + "1D",
    }
    for function, sequence in expected.items():
        assert function() is None
        assert capsys.readouterr().out == sequence, function.__name__
    monkeypatch.setattr(helpers.shutil, "get_terminal_size", lambda: os.terminal_size((80, 24)))
    assert helpers.move_to_bottom_of_screen() == 24
    assert capsys.readouterr().out == CSI + "23E"


@pytest.mark.listing("8.7")
def test_8_7_the_star_import_brings_the_helpers_and_sys():
    namespace: dict = {}
    exec("from chapter_08.listing_8_7 import *", namespace)
    assert namespace["sys"] is sys
    assert {"save_cursor_position", "restore_cursor_position", "move_to_top_of_screen",
            "delete_line", "clear_line", "move_back_one_char",
            "move_to_bottom_of_screen"} <= set(namespace)


def read_line_from(data: bytes, monkeypatch) -> tuple[str, str]:
    """What 8.8's read_line returns for `data`, and what it wrote to stdout."""
    from chapter_08.listing_8_8 import read_line

    output = io.StringIO()
    monkeypatch.setattr(sys, "stdout", output)

    async def main():
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        return await asyncio.wait_for(read_line(reader), 5)

    return asyncio.run(main()), output.getvalue()


@pytest.mark.listing("8.8")
def test_8_8_echoes_erases_and_returns_the_line(monkeypatch):
    line, written = read_line_from(b"ab\x7fc\n", monkeypatch)
    assert line == "ac"
    assert written == "ab" + CSI + "1D " + CSI + "1D" + "c" + CSI + "2K" + CSI + "0G"


@pytest.mark.listing("8.8")
def test_8_8_backspace_on_an_empty_line_writes_nothing(monkeypatch):
    line, written = read_line_from(b"\x7f\x7fx\n", monkeypatch)
    assert line == "x"
    assert written == "x" + CSI + "2K" + CSI + "0G"
    line, written = read_line_from(b"\x7f\n", monkeypatch)
    assert (line, written) == ("", CSI + "2K" + CSI + "0G")


@pytest.mark.listing("8.9")
def test_8_9_keeps_the_last_messages_and_calls_back_after_each_append():
    from chapter_08.listing_8_9 import MessageStore

    snapshots = []

    async def callback(items):
        snapshots.append(list(items))

    async def main():
        store = MessageStore(callback, 2)
        for item in "abc":
            await store.append(item)

    asyncio.run(main())
    assert snapshots == [["a"], ["a", "b"], ["b", "c"]]


# --------------------------------------------------------------------------- 8.10, 8.11

@needs_fixed_cbreak
@pytest.mark.listing("8.10")
@pytest.mark.listing("8.8")
def test_8_10_delays_report_at_the_top_while_you_type_at_the_bottom():
    with Terminal("8.10", rows=12, cols=80) as terminal:
        terminal.wait_for_raw(CSI + "2J")  # cleared: cbreak is on, typing is safe
        terminal.type("3" + ENTER)
        started_three = terminal.wait_for_row(1, "Starting delay 3")
        terminal.type("1" + ENTER)
        started_one = terminal.wait_for_row(2, "Starting delay 1")
        finished_one = terminal.wait_for_row(3, "Finished delay 1")
        finished_three = terminal.wait_for_row(4, "Finished delay 3")
        assert terminal.screen.lines() == ["Starting delay 3", "Starting delay 1",
                                           "Finished delay 1", "Finished delay 3"] + [""] * 8
        assert_about(finished_one - started_one, 1, early=0.05, late=0.4)
        # concurrently: 3 s, not 4
        assert_about(finished_three - started_three, 3, early=0.05, late=0.8)

        terminal.type("12\x7f")  # Backspace erases on the bottom row
        terminal.wait_for_row(12, "1")
        terminal.wait_for(lambda screen: "\x1b[1D \x1b[1D" in terminal.raw, "the erase")
        assert terminal.screen.lines()[:11] == ["Starting delay 3", "Starting delay 1",
                                                "Finished delay 1", "Finished delay 3"] + [""] * 7

        terminal.type("\x7f")
        terminal.wait_for_row(12, "")
        for count in range(1, 5):  # 8 more messages: 11 rows keep the last 11
            terminal.type("0" + ENTER)
            terminal.wait_for(lambda screen, n=count: screen.lines().count("Finished delay 0") == n,
                              f"Finished delay 0 (x{count})")
        # each message redraws the whole screen; wait for the last redraw to settle (a frame
        # caught half-way can hold a row twice), then the screen must be exactly this
        expected = (["Starting delay 1", "Finished delay 1", "Finished delay 3"]
                    + ["Starting delay 0", "Finished delay 0"] * 4 + [""])
        terminal.wait_for(lambda screen: screen.lines() == expected, "the last 11 messages")
        assert terminal.screen.lines() == expected
        terminal.child.sendintr()
        status, signum = terminal.wait_exit()
    assert "KeyboardInterrupt" in terminal.raw
    assert signum == signal.SIGINT and status is None


@needs_fixed_cbreak
@pytest.mark.listing("8.10")
def test_8_10_a_line_that_is_not_a_number_crashes_it():
    with Terminal("8.10", rows=12, cols=80) as terminal:
        terminal.wait_for_raw(CSI + "2J")
        terminal.type("abc" + ENTER)
        status, signum = terminal.wait_exit()
    assert (status, signum) == (1, None)
    assert ("ValueError: invalid literal for int() with base 10: 'abc'"  # (3.13 colours it)
            in terminal.screen.lines())


# --------------------------------------------------------------------------- 8.12 - 8.14

def stop_with_ctrl_c(server: Listing, clients_connected: bool) -> Run:
    """Press Ctrl-C (SIGINT) until the server stops, and check how many presses it took.

    On 3.11 one is enough. On 3.12.1 to 3.13.14 and 3.14.0 to 3.14.6 `Server.wait_closed()`
    waits for the open client connections: the first Ctrl-C cancels serve_forever, which then
    waits in wait_closed; the second interrupts that, but asyncio.run's clean-up cancels the
    main task once more and it waits again in `async with server`'s exit; the third, with no
    handler left, ends it. From 3.13.15 and 3.14.7 serve_forever closes the connections first:
    one is enough."""
    expect_hang = clients_connected and WAIT_CLOSED_WAITS_FOR_CLIENTS
    expected = 3 if expect_hang else 1
    for presses in range(1, expected + 1):
        server.send_signal(signal.SIGINT)
        try:
            server.process.wait(1.5 if presses < expected else 10)
            break
        except subprocess.TimeoutExpired:
            pass
    run = server.wait(1)
    assert presses == expected, f"stopped after {presses} Ctrl-C, expected {expected}"
    assert run.returncode == -signal.SIGINT, str(run)
    assert "\nKeyboardInterrupt\n" in run.stderr  # (then, after 3 presses, pending tasks)
    return run


class Client:
    """A line-based TCP client; every read has a deadline."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int) -> Client:
        return cls(*await asyncio.open_connection(HOST, port))

    @classmethod
    async def join(cls, port: int, name: str, online: int) -> Client:
        """A chat client (8.13) that has sent CONNECT and been welcomed with `online` users."""
        client = await cls.connect(port)
        await client.send(f"CONNECT {name}")
        assert await client.lines(2) == [f"Welcome! {online} user(s) are online!",
                                         f"{name} connected!"]
        return client

    async def send(self, line: str) -> None:
        self.writer.write(f"{line}\n".encode())
        await self.writer.drain()

    async def line(self, timeout: float = 5) -> str:
        data = await asyncio.wait_for(self.reader.readline(), timeout)
        assert data.endswith(b"\n"), f"connection ended: {data!r}"
        return data.decode()[:-1]

    async def lines(self, count: int) -> list[str]:
        return [await self.line() for _ in range(count)]

    async def nothing_within(self, seconds: float) -> None:
        with pytest.raises(TimeoutError):
            data = await asyncio.wait_for(self.reader.readline(), seconds)
            pytest.fail(f"unexpected {data!r}")

    async def eof(self, timeout: float = 5) -> None:
        assert await asyncio.wait_for(self.reader.read(), timeout) == b""

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()

    async def reset(self) -> None:
        """Close with a TCP reset (RST) instead of a normal close."""
        self.writer.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()
        await self.writer.wait_closed()  # the socket is closed once the loop has run


@pytest.mark.skipif(sys.version_info[:3] == (3, 12, 1), reason=(
    "on Python 3.12.1 the server stopped with Ctrl-C never exits, even after its last client "
    "leaves and a second Ctrl-C (observed); 3.11 and 3.13 exit: use another Python"))
@pytest.mark.listing("8.12")
def test_8_12_welcomes_echoes_to_the_sender_only_and_announces_departures():
    server, port = start_server("8.12", "SERVER_PORT")
    with server:
        async def main():
            first = await Client.connect(port)
            assert await first.lines(2) == ["Welcome! 1 user(s) are online!",
                                            "New user connected!"]
            second = await Client.connect(port)
            assert await second.lines(2) == ["Welcome! 2 user(s) are online!",
                                             "New user connected!"]
            assert await first.line() == "New user connected!"
            await second.send("hello")
            assert await second.line() == "hello"
            await first.send("me too")
            assert await first.line() == "me too"
            await first.nothing_within(0.5)  # not second's hello
            await second.nothing_within(0.1)  # nor first's line
            await second.close()
            assert await first.line() == "Client disconnected. 1 user(s) are online!"
            server.send_signal(signal.SIGINT)
            if WAIT_CLOSED_WAITS_FOR_CLIENTS:  # it waits for the connected client
                with pytest.raises(subprocess.TimeoutExpired):
                    server.process.wait(1.5)
                await first.send("still served")
                assert await first.line() == "still served"
                await first.close()  # the last client leaves: it exits
            run = server.wait(10)
            assert await first.reader.read() == b""
            return run

        run = asyncio.run(main())
    assert run.returncode == -signal.SIGINT
    assert run.stdout == ""
    assert run.stderr.rstrip().endswith("KeyboardInterrupt")
    assert "ERROR:root" not in run.stderr  # no client error was logged


@pytest.mark.listing("8.13")
def test_8_13_chat_transcript():
    server, port = start_server("8.13", "SERVICE_PORT")
    with server:
        async def main():
            alice = await Client.join(port, "alice", online=1)
            bob = await Client.join(port, "bob", online=2)
            assert await alice.line() == "bob connected!"
            await bob.send("hi all")
            assert await bob.line() == "bob: hi all"  # the sender gets its own line too
            assert await alice.line() == "bob: hi all"
            await bob.close()
            assert await alice.line() == "bob has left the chat"
            await alice.send("anyone?")
            assert await alice.line() == "alice: anyone?"
            wait_for_stderr(server, "Could not write to client.")  # bob dropped only now
            await alice.send("again")
            assert await alice.line() == "alice: again"
            await alice.nothing_within(0.3)
            await alice.close()

        asyncio.run(main())
        assert server.stderr.count("Could not write to client.") == 1
        # then _remove_user's wait_closed() raises the failed write's error again, logged too
        wait_for_stderr(server, "Error closing client writer, ignoring.")
        assert server.stderr.count("Error closing client writer, ignoring.") == 1
        assert "BrokenPipeError: [Errno 32] Broken pipe" in server.stderr, server.stderr
        run = stop_with_ctrl_c(server, clients_connected=True)  # alice is never dropped
    connected = [line for line in run.lines if line.startswith("CONNECTED")]
    assert len(connected) == 2 == len(run.lines)
    for line in connected:
        assert re.fullmatch(r"CONNECTED <StreamReader .*> <StreamWriter .*>", line), line


TIMEOUT_SHIM = """\
\"\"\"Chapter 8 tests' start-up shim: every asyncio.wait_for and asyncio.timeout delay times
CH08_TIMEOUT_SCALE.\"\"\"
import asyncio
import os

_scale = float(os.environ["CH08_TIMEOUT_SCALE"])
_wait_for = asyncio.wait_for
_timeout = asyncio.timeout


async def wait_for(awaitable, timeout):
    return await _wait_for(awaitable, None if timeout is None else timeout * _scale)


def timeout(delay):
    return _timeout(None if delay is None else delay * _scale)


asyncio.wait_for = wait_for
asyncio.timeout = timeout
"""


@pytest.mark.listing("8.13")
def test_8_13_a_silent_user_is_disconnected_after_60_s_scaled_to_1_s(tmp_path):
    """The listing's own 60 s idle timeout, run with every asyncio.wait_for timeout scaled by
    1/60 (a start-up shim in the child: the listing is unchanged): a user who stays silent is
    dropped one scaled minute after joining; one who speaks every half-minute stays."""
    port = free_port()
    env = {"SERVER_HOST": HOST, "SERVICE_PORT": str(port), "CH08_TIMEOUT_SCALE": str(1 / 60),
           **startup_shim(tmp_path, TIMEOUT_SHIM)}
    with Listing("8.13", env=env) as server:
        server.wait_until_listening(port)

        async def main():
            silent = await Client.join(port, "silent", online=1)
            joined = time.monotonic()
            talker = await Client.join(port, "talker", online=2)
            assert await silent.line() == "talker connected!"

            async def talk():  # a line every 0.5 s (30 scaled seconds): never idle for 60
                for number in range(5):
                    await talker.send(f"line {number}")
                    assert await talker.line() == f"talker: line {number}"
                    await asyncio.sleep(0.5)

            talking = asyncio.create_task(talk())
            heard = await asyncio.wait_for(silent.reader.read(), 10)  # until the server closes
            dropped = time.monotonic() - joined
            await talking
            return dropped, heard.decode().splitlines()

        dropped, heard = asyncio.run(main())
        assert_about(dropped, 1.0, early=0.05, late=0.4, what="60 s of silence, scaled by 1/60")
        assert heard == [f"talker: line {number}" for number in range(len(heard))], heard
        wait_for_stderr(server, "ERROR:root:Error reading from client.")
        assert "TimeoutError" in server.stderr
        assert server.stderr.count("Error reading from client.") == 1, "the talker stayed"
        server.kill()


@pytest.mark.listing("8.13_bounded_queue")
def test_8_13_bounded_queue_drops_a_silent_user_after_60_s_scaled_to_1_s(tmp_path):
    """IDLE_TIMEOUT, 60 s scaled by 1/60 (TIMEOUT_SHIM): a client that never sends its CONNECT
    line and a user who stays silent are each dropped one scaled minute later, and the room is
    told of the user; one who speaks every half-minute stays."""
    port = free_port()
    env = {"SERVER_HOST": HOST, "SERVICE_PORT": str(port), "CH08_TIMEOUT_SCALE": str(1 / 60),
           **startup_shim(tmp_path, TIMEOUT_SHIM)}
    with Listing("8.13_bounded_queue", env=env) as server:
        server.wait_until_listening(port)

        async def main():
            mute = await Client.connect(port)
            connected = time.monotonic()
            silent = await Client.join(port, "silent", online=1)
            joined = time.monotonic()
            talker = await Client.join(port, "talker", online=2)
            assert await silent.line() == "talker connected!"

            async def talk():  # a line every 0.5 s (30 scaled seconds): never idle for 60
                for number in range(5):
                    await talker.send(f"line {number}")
                    await asyncio.sleep(0.5)

            talking = asyncio.create_task(talk())
            await mute.eof(10)
            mute_dropped = time.monotonic() - connected
            heard = await asyncio.wait_for(silent.reader.read(), 10)  # until the server closes
            silent_dropped = time.monotonic() - joined
            await talking
            return mute_dropped, silent_dropped, heard.decode().splitlines(), await talker.lines(6)

        mute_dropped, silent_dropped, heard, talker_heard = asyncio.run(main())
        assert_about(mute_dropped, 1.0, early=0.05, late=0.4, what="no CONNECT line in 60 s")
        assert_about(silent_dropped, 1.0, early=0.05, late=0.4, what="60 s of silence")
        assert heard == [f"talker: line {number}" for number in range(len(heard))], heard
        assert sorted(talker_heard) == sorted(
            [f"talker: line {number}" for number in range(5)] + ["silent has left the chat"])
        assert server.running(), "the talker is still in the room"
        wait_for_stderr(server, "ERROR:root:Got invalid command from client, disconnecting.")
        server.kill()


@contextlib.contextmanager
def room_with_a_reader_who_stalls(tmp_path, scale: float):
    """8.13_bounded_queue with its timeouts times `scale` (TIMEOUT_SHIM); alice, whose every
    byte received a thread collects, and bob, with a small receive buffer, who never reads
    after joining. Yields (server, alice's socket, what alice received)."""
    port = free_port()
    env = {"SERVER_HOST": HOST, "SERVICE_PORT": str(port), "CH08_TIMEOUT_SCALE": str(scale),
           **startup_shim(tmp_path, TIMEOUT_SHIM)}
    with Listing("8.13_bounded_queue", env=env) as server, \
            socket.socket() as bob:
        server.wait_until_listening(port)
        alice = connect(port, server=server)
        with alice:
            alice.sendall(b"CONNECT alice\n")
            assert receive(alice, b"alice connected!\n") == (b"Welcome! 1 user(s) are online!\n"
                                                         b"alice connected!\n")
            bob.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            bob.settimeout(5)
            bob.connect((HOST, port))
            bob.sendall(b"CONNECT bob\n")
            assert receive(alice, b"\n") == b"bob connected!\n"
            heard = bytearray()

            def collect():
                while chunk := alice.recv(1 << 20):
                    heard.extend(chunk)

            alice.settimeout(30)
            collector = threading.Thread(target=collect, daemon=True)
            collector.start()
            try:
                yield server, alice, heard
            finally:
                alice.shutdown(socket.SHUT_RDWR)
                collector.join(10)


@pytest.mark.listing("8.13_bounded_queue")
def test_8_13_bounded_queue_drops_a_reader_who_stalls_once_his_outbox_is_full(tmp_path):
    """Alice floods the room with 1,000-byte lines; with the write timeout out of the way
    (scaled to over an hour), the bounded outbox alone drops bob: once his buffers are full,
    the 101st line waiting for him does. Alice is told, and chats on."""
    with room_with_a_reader_who_stalls(tmp_path, scale=1000) as (server, alice, heard):
        line = b"x" * 999 + b"\n"
        for _ in range(20):  # at most 10 MB, more than bob's buffers hold
            alice.sendall(line * 500)
            if "Dropping bob: too slow" in server.stderr:
                break
        wait_for_stderr(server, "ERROR:root:Dropping bob: too slow")
        wait_until(lambda: b"bob has left the chat\n" in heard, 10, "alice told bob left")
        alice.sendall(b"still here\n")
        wait_until(lambda: b"alice: still here\n" in heard, 10, "alice's own line")


@pytest.mark.listing("8.13_bounded_queue")
def test_8_13_bounded_queue_drops_a_reader_stalled_for_the_write_timeout(tmp_path):
    """Alice sends 95 lines of 60,000 bytes: enough to fill bob's buffers, too few to fill his
    outbox of 100. What drops him is the 5 s write timeout (scaled to 2 s): about 2 s after the
    lines began, not at once, and not ten times later."""
    with room_with_a_reader_who_stalls(tmp_path, scale=0.4) as (server, alice, heard):
        line = b"y" * 59_999 + b"\n"
        started = time.monotonic()
        for _ in range(95):
            alice.sendall(line)
        wait_for_stderr(server, "ERROR:root:Dropping bob: too slow", timeout=12)
        dropped = time.monotonic() - started
        wait_until(lambda: b"bob has left the chat\n" in heard, 10, "alice told bob left")
    assert_about(dropped, 2, late=0.6, what="bob dropped after the lines began")


@pytest.mark.listing("8.13")
def test_8_13_an_invalid_first_line_is_logged_and_disconnected():
    server, port = start_server("8.13", "SERVICE_PORT")
    with server:
        async def main():
            intruder = await Client.connect(port)
            await intruder.send("HELLO x")
            await intruder.eof()

        asyncio.run(main())
        wait_for_stderr(server, "ERROR:root:Got invalid command from client, disconnecting.")
        server.wait_for_line("^CONNECTED ")

        async def no_name():  # a first line without exactly one space
            nameless = await Client.connect(port)
            await nameless.send("CONNECT")
            await nameless.eof()

        asyncio.run(no_name())
        wait_for_stderr(server, "ValueError: not enough values to unpack")
        assert "Unhandled exception in client_connected_cb" in server.stderr
        server.wait_for_line("^CONNECTED ")
        stop_with_ctrl_c(server, clients_connected=False)  # both connections were closed


@pytest.mark.listing("8.13")
def test_8_13_a_client_that_resets_is_dropped_and_the_others_chat_on():
    server, port = start_server("8.13", "SERVICE_PORT")
    with server:
        async def main():
            alice = await Client.join(port, "alice", online=1)
            carol = await Client.join(port, "carol", online=2)
            assert await alice.line() == "carol connected!"
            await carol.reset()
            wait_for_stderr(server, "ERROR:root:Error reading from client.")
            assert "ConnectionResetError" in server.stderr
            await alice.send("still here?")
            assert await alice.line() == "alice: still here?"  # no notice about carol
            dave = await Client.join(port, "dave", online=2)
            assert await alice.line() == "dave connected!"
            assert server.running()
            stop_with_ctrl_c(server, clients_connected=True)
            for client in (alice, dave):
                assert await client.reader.read() == b""
                client.writer.close()

        asyncio.run(main())


@pytest.mark.listing("8.13")
def test_8_13_users_are_known_by_their_exact_names():
    """"Ann" and "ann" are two users, each hearing the other; when "Ann" is gone (a reset),
    she is dropped under her own name, and a newcomer is welcomed with the two still there."""
    server, port = start_server("8.13", "SERVICE_PORT")
    with server:
        async def main():
            upper = await Client.join(port, "Ann", online=1)
            lower = await Client.join(port, "ann", online=2)
            assert await upper.line() == "ann connected!"
            await lower.send("hi")
            assert await lower.line() == "ann: hi"
            assert await upper.line() == "ann: hi"
            await upper.reset()
            wait_for_stderr(server, "ERROR:root:Error reading from client.")
            bob = await Client.join(port, "Bob", online=2)
            assert await lower.line() == "Bob connected!"
            await bob.send("hello")
            assert await bob.line() == "Bob: hello"
            assert await lower.line() == "Bob: hello"
            assert "Could not write to client." not in server.stderr  # Ann was dropped
            stop_with_ctrl_c(server, clients_connected=True)
            for client in (lower, bob):
                assert await client.reader.read() == b""
                client.writer.close()

        asyncio.run(main())


def log_in(terminal: Terminal, username: str) -> None:
    terminal.wait_for_row(terminal.screen.rows, "Enter username:")
    terminal.type(username)
    terminal.wait_for_row(terminal.screen.rows, f"Enter username: {username}")  # echoed
    terminal.type(ENTER)


@needs_fixed_cbreak
@pytest.mark.listing("8.14")
def test_8_14_two_chat_clients_in_terminals():
    server, port = start_server("8.13", "SERVICE_PORT")
    env = {"SERVER_HOST": HOST, "SERVICE_PORT": str(port)}
    with server, Terminal("8.14", 8, 60, env) as alice, Terminal("8.14", 8, 60, env) as bob:
        log_in(alice, "alice")
        alice.wait_for_row(2, "alice connected!")
        assert alice.screen.lines()[:2] == ["Welcome! 1 user(s) are online!", "alice connected!"]
        assert alice.screen.line(8) == ""  # the input row was cleared on Enter

        log_in(bob, "bob")
        bob.wait_for_row(2, "bob connected!")
        alice.wait_for_row(3, "bob connected!")
        bob.type("hello alice")
        bob.wait_for_row(8, "hello alice")  # typed on the bottom row
        bob.type(ENTER)
        alice.wait_for_row(4, "bob: hello alice")
        bob.wait_for_row(3, "bob: hello alice")
        assert alice.screen.lines() == ["Welcome! 1 user(s) are online!", "alice connected!",
                                        "bob connected!", "bob: hello alice", "", "", "", ""]
        assert bob.screen.lines() == ["Welcome! 2 user(s) are online!", "bob connected!",
                                      "bob: hello alice", "", "", "", "", ""]

        stop_with_ctrl_c(server, clients_connected=True)
        alice.wait_for_row(5, "Server closed connection.")
        bob.wait_for_row(4, "Server closed connection.")
        assert alice.wait_exit() == (0, None)
        assert bob.wait_exit() == (0, None)


@needs_fixed_cbreak
@pytest.mark.listing("8.14")
def test_8_14_util_run_starts_the_chat_server_for_the_client(tmp_path):
    """`python -m util run 8.14` (Needs: tty, peer (8.13)) starts the server until it listens,
    runs the client in the terminal, and stops the server after."""
    port = free_port()
    env = {"SERVER_HOST": HOST, "SERVICE_PORT": str(port), "ASYNCIO_DATA_DIR": str(tmp_path)}
    with Terminal("8.14", 8, 60, env, args=("-m", "util", "run", "8.14")) as reader:
        log_in(reader, "carol")
        reader.wait_for_row(2, "carol connected!")
        assert reader.screen.line(1) == "Welcome! 1 user(s) are online!"
        server = next(process for process in psutil.Process(reader.child.pid).children()
                      if "chapter_08.listing_8_13" in process.cmdline())
        reader.child.sendintr()
        reader.wait_exit()
        server.wait(10)  # raises psutil.TimeoutExpired if the server were left running
        assert not server.is_running()
    assert "CONNECTED <StreamReader" in (tmp_path / "listing_8_13.log").read_text()


@needs_fixed_cbreak
@pytest.mark.listing("8.11")
def test_8_11_queries_run_concurrently_and_report_at_the_top(products_db):
    queries = ["SELECT * FROM product",
               "SELECT brand_id FROM brand WHERE brand_id < 0",
               "SELEC oops",
               "SELECT count(*) FROM sku"]
    messages = ["Fetched 3 rows from: SELECT * FROM product",  # 3 columns, not rows
                "Got exception object of type 'NoneType' has no len() from: "
                "SELECT brand_id FROM brand WHERE brand_id < 0",
                'Got exception syntax error at or near "SELEC" from: SELEC oops',
                "Fetched 1 rows from: SELECT count(*) FROM sku"]
    slow = "SELECT pg_sleep(2), 1"
    with Terminal("8.11", 12, 120, products_db.env) as terminal:  # messages fit a row
        terminal.wait_for_raw(CSI + "2J")
        # The pool opens its six connections (min_size=6) before the first query.
        wait_until(lambda: products_db.client_connections() == 6, 15,
                   "the pool's six connections", interval=0.05)
        typed_slow = terminal.type(slow + ENTER)
        for row, (query, message) in enumerate(zip(queries, messages, strict=True), 1):
            terminal.type(query + ENTER)
            terminal.wait_for_row(row, message)  # answered while pg_sleep still runs
        fast_done = time.monotonic() - terminal.started
        slow_done = terminal.wait_for_row(5, f"Fetched 2 rows from: {slow}")
        assert fast_done < slow_done
        assert_about(slow_done - typed_slow, 2, early=0.1, late=0.6)
        assert products_db.client_connections() == 6, "five queries at once, no new connection"
        assert terminal.screen.lines() == [*messages, f"Fetched 2 rows from: {slow}"] + [""] * 7
        terminal.child.sendintr()
        status, signum = terminal.wait_exit()
    assert signum == signal.SIGINT and status is None

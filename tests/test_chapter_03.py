"""Chapter 3: the echo servers, driven by real sockets, each on a free port (SERVER_PORT).

Every server runs as the reader runs it (`python -m chapter_03.listing_3_N`, unbuffered) in its
own process group and is killed at the end of its test. Clients connect with retries until the
server listens, send CR LF lines like telnet, and are closed at the end of the test.
"""
from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import (
    REPO,
    Listing,
    assert_about,
    assert_smallest,
    connect,
    echo,
    free_port,
    listing_env,
    ok,
    receive,
    run_listing,
    wait_for_stderr,
    wait_for_stdout,
    wait_until,
)
from tests.support.terminal import Terminal

HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_env(port: int) -> dict[str, str]:
    return {"SERVER_HOST": HOST, "SERVER_PORT": str(port)}


class Server:
    """A chapter 3 server listing running on a free port, and the clients connected to it."""

    def __init__(self, listing: Listing, port: int):
        self.listing = listing
        self.port = port
        self.clients: list[socket.socket] = []

    def connect(self, timeout: float = 20) -> socket.socket:
        """A new client; retries until the server listens (fails if the server has exited)."""
        self.clients.append(connect(self.port, HOST, timeout, server=self.listing))
        return self.clients[-1]

    def close_clients(self) -> None:
        for client in self.clients:
            client.close()

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server process has used so far."""
        stat = Path(f"/proc/{self.listing.process.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()  # fields[0] is field 3 (state)
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def cpu_share(self, seconds: float) -> float:
        """CPU seconds used per wall-clock second over the next `seconds`."""
        cpu, started = self.cpu_seconds(), time.monotonic()
        time.sleep(seconds)  # the measuring window
        return (self.cpu_seconds() - cpu) / (time.monotonic() - started)

    def runnable_seconds(self) -> float:
        """Seconds the server's thread has spent on a CPU or waiting in the run queue for one
        (/proc/PID/schedstat): everything but sleeping."""
        on_cpu, waiting, _ = Path(f"/proc/{self.listing.process.pid}/schedstat").read_text().split()
        return (int(on_cpu) + int(waiting)) / 1e9

    def runnable_share(self, seconds: float) -> float:
        """The share of the next `seconds` the server wanted a CPU: about 1 for a busy loop
        however loaded the machine (load moves time from the CPU to the queue), 0 asleep."""
        runnable, started = self.runnable_seconds(), time.monotonic()
        time.sleep(seconds)
        return (self.runnable_seconds() - runnable) / (time.monotonic() - started)



@pytest.fixture
def serve():
    """serve("3.8") starts the listing on a free port and returns a Server; everything it
    started (process, clients) is stopped after the test."""
    with contextlib.ExitStack() as stack:
        def start(listing_id: str, python_args: tuple[str, ...] = ()) -> Server:
            port = free_port()
            listing = stack.enter_context(Listing(listing_id, env=server_env(port),
                                                  python_args=python_args))
            server = Server(listing, port)
            stack.callback(server.close_clients)
            return server

        yield start


def read_within(client: socket.socket, seconds: float) -> bytes | None:
    """What the client receives within `seconds`: data, b'' for EOF, None for nothing."""
    client.settimeout(seconds)
    try:
        return client.recv(1024)
    except TimeoutError:
        return None


def reset_mid_message(client: socket.socket, partial: bytes = b"hal") -> None:
    """Send part of a line, then abort the connection: SO_LINGER 0 makes close() send a RST."""
    client.sendall(partial)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()


def data_line(chunk: bytes) -> str:
    return f"I got data: {chunk!r}!"


def exception_names(stderr: str) -> set[str]:
    """The exceptions that tracebacks on `stderr` end with."""
    return set(re.findall(r"^([\w.]+(?:Error|Exception|Interrupt|Exit))(?::|$)", stderr,
                          re.MULTILINE))


def process_state(pid: int) -> str:
    """The process's state letter (/proc/PID/stat): R running, S sleeping, T stopped, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def in_time_wait(port: int) -> bool:
    """Whether a TCP connection with local port `port` is in TIME_WAIT (Linux /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "06":
            return True
    return False


async def echo_load(port: int, clients: int, messages: int) -> int:
    """Connect `clients` clients at once; each sends `messages` lines, awaiting each echo.
    Returns the number of bytes echoed back intact."""
    async def converse(number: int, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> int:
        echoed = 0
        for index in range(messages):
            message = f"client {number} message {index}\r\n".encode()
            writer.write(message)
            await writer.drain()
            received = await reader.readexactly(len(message))
            assert received == message, (number, index, received)
            echoed += len(received)
        return echoed

    connections = await asyncio.gather(
        *(asyncio.open_connection(HOST, port) for _ in range(clients)))
    try:
        return sum(await asyncio.gather(
            *(converse(number, reader, writer)
              for number, (reader, writer) in enumerate(connections))))
    finally:
        for _, writer in connections:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for _, writer in connections),
                             return_exceptions=True)


def run_load(server: Server, clients: int = 500, messages: int = 100) -> float:
    started = time.monotonic()
    expected = sum(len(f"client {number} message {index}\r\n")
                   for number in range(clients) for index in range(messages))
    echoed = asyncio.run(asyncio.wait_for(echo_load(server.port, clients, messages), 60))
    assert echoed == expected
    return time.monotonic() - started


# 3.1 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.1")
def test_3_1_prints_the_one_client_and_exits(serve):
    server = serve("3.1")
    client = server.connect()
    connected = time.monotonic()
    run = ok(server.listing.wait(timeout=10))
    assert_about(time.monotonic() - connected, 0, late=3)
    assert run.lines == [f"I got a connection from ('127.0.0.1', {client.getsockname()[1]})!"]
    assert run.stderr == ""


# 3.2 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.2")
def test_3_2_reads_a_line_in_two_byte_chunks(serve):
    server = serve("3.2")
    client = server.connect()
    client.sendall(b"testing123\r\n")
    run = ok(server.listing.wait(timeout=10))
    assert run.lines == [
        f"I got a connection from ('127.0.0.1', {client.getsockname()[1]})!",
        *(data_line(chunk) for chunk in (b"te", b"st", b"in", b"g1", b"23", b"\r\n")),
        "All the data is: b'testing123\\r\\n'",
    ]
    assert run.stderr == ""
    assert receive(client, 1024) == b"", "nothing is sent back, only EOF"


@pytest.mark.listing("3.2")
def test_3_2_a_reset_ends_the_data_like_a_close(serve):
    server = serve("3.2")
    client = server.connect()
    port = client.getsockname()[1]
    reset_mid_message(client, b"test")
    run = ok(server.listing.wait(timeout=10))
    assert run.lines == [f"I got a connection from ('127.0.0.1', {port})!",
                         data_line(b"te"), data_line(b"st"), "All the data is: b'test'"]
    assert run.stderr == ""


# 3.3 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.3")
def test_3_3_blocking_server_serves_one_client_at_a_time(serve):
    server = serve("3.3")
    a = server.connect()
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    a.sendall(b"a2\r\n")
    assert read_within(a, 0.7) is None, "the server is blocked in accept(): no echo yet"
    b = server.connect()
    assert receive(a, b"\r\n") == b"a2\r\n", "a new client unblocks accept(), then A is served"
    assert echo(b, b"b1\r\n") == b"b1\r\n"
    server.listing.wait_for_line(r"^All the data is: b'b1\\r\\n'$")
    run = server.listing.stop(signal.SIGTERM)
    assert run.returncode == -signal.SIGTERM, "still serving until killed"
    assert run.lines == [
        f"I got a connection from ('127.0.0.1', {a.getsockname()[1]})!",
        data_line(b"a1"), data_line(b"\r\n"), "All the data is: b'a1\\r\\n'",
        f"I got a connection from ('127.0.0.1', {b.getsockname()[1]})!",
        data_line(b"a2"), data_line(b"\r\n"), "All the data is: b'a2\\r\\n'",
        data_line(b"b1"), data_line(b"\r\n"), "All the data is: b'b1\\r\\n'",
    ]
    assert run.stderr == ""


@pytest.mark.listing("3.3")
def test_3_3_a_silent_client_stalls_the_next_until_it_leaves(serve):
    server = serve("3.3")
    a = server.connect()
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    b = server.connect()
    b.sendall(b"b1\r\n")
    assert read_within(b, 0.7) is None, "the server is blocked reading silent A"
    a.close()
    assert receive(b, b"\r\n") == b"b1\r\n", "A has left: its recv returns b'', then B is served"
    b.sendall(b"b2\r\n")
    c = server.connect()
    assert receive(b, b"\r\n") == b"b2\r\n"
    assert echo(c, b"c1\r\n") == b"c1\r\n"
    server.listing.wait_for_line(r"^All the data is: b'c1\\r\\n'$")
    assert [line for line in server.listing.stdout.splitlines() if "All the data" in line] == [
        "All the data is: b'a1\\r\\n'",
        "All the data is: b''", "All the data is: b'b1\\r\\n'",  # A has left but stays listed
        "All the data is: b''", "All the data is: b'b2\\r\\n'", "All the data is: b'c1\\r\\n'",
    ]
    assert server.listing.running()
    assert server.listing.stderr == ""


@pytest.mark.listing("3.3")
def test_3_3_a_client_resetting_mid_message_does_not_stop_the_server(serve):
    server = serve("3.3")
    a = server.connect()
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    a.sendall(b"a2\r\n")
    reset_mid_message(server.connect())  # read after A's a2: 'ha', 'l', then the reset
    assert receive(a, b"\r\n") == b"a2\r\n"
    a.sendall(b"a3\r\n")
    c = server.connect()
    assert receive(a, b"\r\n") == b"a3\r\n"
    assert echo(c, b"c1\r\n") == b"c1\r\n"
    assert server.listing.running()
    assert "All the data is: b'hal'" not in server.listing.stdout
    assert server.listing.stderr == ""


# 3.4 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.4")
def test_3_4_makes_a_non_blocking_socket_quietly():
    run = ok(run_listing("3.4", env=server_env(free_port()), timeout=30))
    assert run.stdout == "" and run.stderr == ""


@pytest.mark.listing("3.4")
def test_3_4_leaves_a_listening_non_blocking_socket_without_so_reuseaddr():
    """The program as `python -m` runs it (runpy, as __main__), its socket read afterwards:
    bound to SERVER_PORT, listening, non-blocking, SO_REUSEADDR off."""
    port = free_port()
    code = """if True:
    import json, runpy, socket
    server = runpy.run_module("chapter_03.listing_3_4", run_name="__main__")["server_socket"]
    print(json.dumps({"address": list(server.getsockname()), "blocking": server.getblocking(),
                      "listening": server.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
                      "reuseaddr": server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)}))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO,
                            env=listing_env(server_env(port)), capture_output=True, text=True,
                            timeout=30)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert json.loads(result.stdout) == {"address": [HOST, port], "blocking": False,
                                         "listening": 1, "reuseaddr": 0}


@pytest.mark.listing("3.4")
def test_3_4_without_so_reuseaddr_fails_while_a_connection_is_in_time_wait(serve):
    # A chapter 3 server (3.1, which sets SO_REUSEADDR) closes its end of a connection first:
    # the port then holds a connection in TIME_WAIT for about a minute.
    server = serve("3.1")
    client = server.connect()
    ok(server.listing.wait(timeout=10))
    assert receive(client, 1024) == b""
    client.close()
    wait_until(lambda: in_time_wait(server.port), 5, "a TIME_WAIT connection on the server's port")

    run = run_listing("3.4", env=server_env(server.port), timeout=30)
    assert run.returncode == 1, run
    assert run.stderr.splitlines()[-1] == (
        f"OSError: [Errno {errno.EADDRINUSE}] {os.strerror(errno.EADDRINUSE)}")

    with socket.socket() as plain, pytest.raises(OSError) as refused:
        plain.bind((HOST, server.port))
    assert refused.value.errno == errno.EADDRINUSE
    with socket.socket() as reusing:
        reusing.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        reusing.bind((HOST, server.port))
        reusing.listen()
    assert in_time_wait(server.port), "the TIME_WAIT connection was there all along"


# 3.5 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.5")
def test_3_5_non_blocking_accept_raises_blocking_io_error():
    run = run_listing("3.5", env=server_env(free_port()), timeout=30)
    assert run.returncode == 1, run
    assert run.stdout == ""
    assert "server_socket.accept()" in run.stderr
    assert run.stderr.splitlines()[-1].startswith("BlockingIOError:")


# 3.6 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.6")
def test_3_6_echoes_every_client_without_stalls(serve):
    server = serve("3.6")
    a = server.connect()
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    assert echo(a, b"a2\r\n", timeout=2) == b"a2\r\n", "no second client needed (unlike 3.3)"
    b = server.connect()
    assert echo(b, b"b1\r\n") == b"b1\r\n"
    assert echo(a, b"a3\r\n", timeout=2) == b"a3\r\n"
    server.listing.wait_for_line(r"^All the data is: b'a3\\r\\n'$")
    assert [line for line in server.listing.stdout.splitlines() if "All the data" in line] == [
        "All the data is: b'a1\\r\\n'", "All the data is: b'a2\\r\\n'",
        "All the data is: b'b1\\r\\n'", "All the data is: b'a3\\r\\n'"]
    assert server.listing.stderr == ""


@pytest.mark.listing("3.6")
def test_3_6_busy_waits_even_when_idle(serve):
    server = serve("3.6")
    server.connect()  # connected and silent
    share = server.runnable_share(1.5)
    assert share >= 0.9, f"a polling loop never sleeps, but slept {1 - share:.0%} of the time"


@pytest.mark.listing("3.6")
def test_3_6_forgets_clients_that_leave_or_reset(serve):
    server = serve("3.6")
    a, b = server.connect(), server.connect()
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    a.close()
    reset_mid_message(server.connect())
    for line in (b"b1\r\n", b"b2\r\n"):  # the second pass certainly saw A's EOF and the reset
        assert echo(b, line) == line
    server.listing.wait_for_line(r"^All the data is: b'b2\\r\\n'$")
    assert "All the data is: b''" not in server.listing.stdout, "no b'' flood"
    assert server.listing.running()
    assert server.listing.stderr == ""


@pytest.mark.listing("3.6")
def test_3_6_a_client_that_leaves_does_not_make_the_pass_skip_the_next_one():
    """One pass of the loop handles every client in the order they connected. Ctrl-S in the
    server's terminal freezes it at its next print (accepting C); meanwhile A leaves and B and
    Y, connected after A in that order, each send a line. After Ctrl-Q a single pass drops A,
    echoes B, then Y. Removing A from the very list the loop walks would skip B in that pass
    (Y's line would come first)."""
    port = free_port()
    with Terminal("3.6", rows=24, cols=200, env=server_env(port)) as terminal, \
            contextlib.ExitStack() as clients:
        a, b, y = (clients.enter_context(connect(port, HOST)) for _ in range(3))
        terminal.wait_for(lambda screen: terminal.raw.count("I got a connection from") == 3,
                          "A, B and Y accepted", 10)
        terminal.type("\x13")  # Ctrl-S: the terminal stops taking the server's output
        time.sleep(0.2)  # the line discipline takes the Ctrl-S in a moment
        clients.enter_context(connect(port, HOST))  # C: printing its connection blocks
        wait_until(lambda: process_state(terminal.child.pid) == "S", 5,
                   "the polling server asleep, blocked printing C's connection")
        a.close()
        b.sendall(b"b1\r\n")
        y.sendall(b"y1\r\n")
        terminal.type("\x11")  # Ctrl-Q: output flows again
        terminal.wait_for_raw("All the data is: b'y1\\r\\n'", timeout=10)
    assert re.findall(r"All the data is: (.*)\r\n", terminal.raw) == [
        "b'b1\\r\\n'", "b'y1\\r\\n'"], "B's line first, in the same pass as A's leaving"


# 3.7 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.7")
def test_3_7_selector_server_echoes_all_clients_and_sleeps_when_idle(serve):
    server = serve("3.7")
    idle = "No events, waiting a bit more!"
    for _ in range(3):
        server.listing.wait_for_line(f"^{idle}$", timeout=10)
    idle_lines = [when for when, line in server.listing.timed_lines if line == idle][:3]
    assert_smallest([later - earlier for earlier, later in itertools.pairwise(idle_lines)], 1,
                    what="select(timeout=1): one idle line a second")
    a, b = server.connect(), server.connect()
    assert echo(a, b"hi\r\n") == b"hi\r\n"
    assert echo(b, b"yo\r\n") == b"yo\r\n"
    assert echo(a, b"hi again\r\n") == b"hi again\r\n"
    server.listing.wait_for_line(r"^I got some data: b'hi again\\r\\n'$")
    assert [line for line in server.listing.stdout.splitlines()
            if not line.startswith("No events")] == [
        f"I got a connection from {a.getsockname()}", f"I got a connection from {b.getsockname()}",
        "I got some data: b'hi\\r\\n'", "I got some data: b'yo\\r\\n'",
        "I got some data: b'hi again\\r\\n'"]
    share = server.cpu_share(2)
    assert share < 0.1, f"select() sleeps in the OS, used {share:.2f} of a core"
    run = server.listing.stop(signal.SIGTERM)
    assert run.returncode == -signal.SIGTERM
    assert run.stderr == ""


@pytest.mark.listing("3.7")
def test_3_7_unregisters_clients_that_leave_or_reset(serve):
    server = serve("3.7")
    a, b = server.connect(), server.connect()
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    a.close()
    reset_mid_message(server.connect())
    for line in (b"b1\r\n", b"b2\r\n"):
        assert echo(b, line) == line
    server.listing.wait_for_line(r"^I got some data: b'b2\\r\\n'$")
    share = server.cpu_share(1)
    assert share < 0.1, f"no busy loop on a closed socket, used {share:.2f} of a core"
    assert "I got some data: b''" not in server.listing.stdout, "no b'' flood"
    assert echo(b, b"b3\r\n") == b"b3\r\n"
    assert server.listing.stderr == ""


@pytest.mark.listing("3.7")
def test_3_7_load_500_clients_100_messages_each(serve):
    server = serve("3.7")
    server.connect().close()
    seconds = run_load(server)
    assert_about(seconds, 0, late=45)
    assert server.listing.running()
    wait_for_stdout(server.listing, "I got a connection from", 501)
    assert server.listing.stdout.count("I got a connection from") == 501
    assert "I got some data: b''" not in server.listing.stdout
    assert server.listing.stderr == ""


# 3.8 and its variants ------------------------------------------------------------------------

@pytest.mark.listing("3.8")
def test_3_8_asyncio_server_echoes_concurrent_clients(serve):
    server = serve("3.8")
    a, b, silent = server.connect(), server.connect(), server.connect()
    a.sendall(b"hello\r\n")
    b.sendall(b"world\r\n")
    assert receive(b, b"\r\n") == b"world\r\n"
    assert receive(a, b"\r\n") == b"hello\r\n"
    started = time.monotonic()
    assert echo(b, b"again\r\n") == b"again\r\n"
    assert_about(time.monotonic() - started, 0, late=1,
                 what="a silent client delays nobody (unlike 3.3)")
    for client in (a, b, silent):
        assert server.listing.read_line() == f"Got a connection from {client.getsockname()}"
    a.close()
    c = server.connect()
    assert server.listing.read_line() == f"Got a connection from {c.getsockname()}", (
        "nothing printed for the client that left")
    assert echo(c, b"new\r\n") == b"new\r\n"
    assert echo(b, b"still\r\n") == b"still\r\n"
    assert server.listing.running()
    assert server.listing.stderr == ""


@pytest.mark.listing("3.8")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_3_8_stops_on_a_signal(serve, signum):
    server = serve("3.8")
    client = server.connect()
    assert echo(client, b"hello\r\n") == b"hello\r\n"
    run = server.listing.stop(signum)
    assert run.returncode == -signum, run
    if signum == signal.SIGINT:
        assert run.stderr.splitlines()[-1] == "KeyboardInterrupt"
    else:
        assert run.stderr == ""


@pytest.mark.listing("3.8")
def test_3_8_a_client_resetting_mid_message_does_not_stop_the_server(serve):
    server = serve("3.8")
    a = server.connect()
    reset_mid_message(server.connect())
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    c = server.connect()
    assert echo(c, b"c1\r\n") == b"c1\r\n"
    assert echo(a, b"a2\r\n") == b"a2\r\n"
    assert server.listing.running()
    # The book's echo does not handle errors: a reset can only surface as the dead task's
    # "Task exception was never retrieved" report, never as anything else.
    assert exception_names(server.listing.stderr) <= {"ConnectionResetError", "BrokenPipeError"}


@pytest.mark.listing("3.8")
def test_3_8_load_500_clients_100_messages_each(serve):
    server = serve("3.8")
    server.connect().close()
    seconds = run_load(server)
    assert_about(seconds, 0, late=45)
    assert server.listing.running()
    wait_for_stdout(server.listing, "Got a connection from", 501)
    assert server.listing.stdout.count("Got a connection from") == 501
    assert server.listing.stderr == ""


@pytest.mark.listing("3.8")
def test_3_8_variant_unhandled_error_kills_the_task_silently(serve):
    server = serve("3.8_unhandled_error")
    a, b = server.connect(), server.connect()
    assert echo(a, b"hi\r\n") == b"hi\r\n"
    a.sendall(b"boom\r\n")
    wait_for_stderr(server.listing, "Task exception was never retrieved")
    a.sendall(b"hi again\r\n")
    assert read_within(a, 1) in (None, b""), "A's task is dead: no more echoes"
    assert echo(b, b"yo\r\n") == b"yo\r\n"
    assert echo(server.connect(), b"new\r\n") == b"new\r\n"
    assert server.listing.running()
    stderr = server.listing.stderr
    assert stderr.rstrip().splitlines()[-1] == "Exception: Unexpected network error"
    assert "ERROR:root" not in stderr
    assert "got data!" not in server.listing.stdout


@pytest.mark.listing("3.8")
def test_3_8_variant_logged_error_logs_at_once_and_closes_the_client(serve):
    # Python warns of a socket left for the garbage collector to close: the finally block
    # closes A's itself.
    server = serve("3.8_logged_error", python_args=("-W", "default::ResourceWarning"))
    a, b = server.connect(), server.connect()
    assert echo(a, b"hi\r\n") == b"hi\r\n"
    server.listing.wait_for_line("^got data!$")
    a.sendall(b"boom\r\n")
    assert receive(a, 1024) == b"", "the finally block closes A's connection"
    wait_for_stderr(server.listing, "Exception: Unexpected network error")
    stderr = server.listing.stderr
    assert stderr.startswith("ERROR:root:Unexpected network error\nTraceback (most recent call")
    assert stderr.rstrip().splitlines()[-1] == "Exception: Unexpected network error"
    assert "never retrieved" not in stderr
    assert echo(b, b"yo\r\n") == b"yo\r\n"
    assert server.listing.running()
    run = server.listing.stop(signal.SIGTERM)
    assert "ResourceWarning" not in run.stderr, "A's socket was left to the garbage collector"


# 3.9 -----------------------------------------------------------------------------------------

@pytest.mark.listing("3.9")
def test_3_9_sigint_cancels_the_main_task():
    with Listing("3.9") as listing:
        assert listing.read_line() == "sleeping for 10 second(s)"
        signalled = time.monotonic()
        run = listing.stop(signal.SIGINT, timeout=10)
        assert_about(time.monotonic() - signalled, 0, late=2)
    assert run.returncode == 1, run
    assert run.lines == ["sleeping for 10 second(s)", "Got a SIGINT!", "Cancelling 1 task(s)."]
    assert run.stderr.splitlines()[-1] == "asyncio.exceptions.CancelledError"
    assert "KeyboardInterrupt" not in run.stderr


@pytest.mark.listing("3.9")
def test_3_9_undisturbed_sleeps_ten_seconds():
    run = ok(run_listing("3.9", timeout=30))
    assert run.lines == ["sleeping for 10 second(s)", "finished sleeping for 10 second(s)"]
    (start, _), (end, _) = run.timed_lines
    assert_about(end - start, 10, early=0.1, late=1.5)
    assert run.stderr == ""


# 3.10 ----------------------------------------------------------------------------------------

@pytest.mark.listing("3.10")
def test_3_10_echoes_and_logs_an_error_in_one_client_only(serve):
    server = serve("3.10")
    a, b = server.connect(), server.connect()
    assert echo(a, b"hello\r\n") == b"hello\r\n"
    assert echo(b, b"world\r\n") == b"world\r\n"
    a.sendall(b"boom\r\n")
    assert receive(a, 1024) == b"", "A's connection is closed"
    wait_for_stderr(server.listing, "Exception: Unexpected network error")
    stderr = server.listing.stderr
    assert stderr.startswith("ERROR:root:Unexpected network error\nTraceback (most recent call")
    assert stderr.rstrip().splitlines()[-1] == "Exception: Unexpected network error"
    assert echo(b, b"still\r\n") == b"still\r\n"
    wait_for_stdout(server.listing, "got data!", 4)
    assert server.listing.stdout.splitlines() == [
        f"Got a connection from {a.getsockname()}", f"Got a connection from {b.getsockname()}",
        "got data!", "got data!", "got data!", "got data!"]


@pytest.mark.listing("3.10")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_3_10_shutdown_gives_an_idle_client_two_seconds(serve, signum):
    server = serve("3.10")
    client = server.connect()
    assert echo(client, b"hello\r\n") == b"hello\r\n"
    server.listing.wait_for_line("^got data!$")
    signalled = time.monotonic()
    run = server.listing.stop(signum, timeout=15)
    seconds = time.monotonic() - signalled
    ok(run)
    assert_about(seconds, 2, early=0.2, late=0.8, what="one idle client's 2 s grace")
    assert run.stderr == ""
    assert read_within(client, 5) == b"", "the cancelled echo task closed the connection"


@pytest.mark.listing("3.10")
def test_3_10_shutdown_waits_for_idle_clients_one_after_another(serve):
    server = serve("3.10")
    a, b = server.connect(), server.connect()
    for client in (a, b):
        assert echo(client, b"hi\r\n") == b"hi\r\n"
    signalled = time.monotonic()
    server.listing.send_signal(signal.SIGTERM)
    assert read_within(a, 5) == b"", "A's task is cancelled after its 2 s"
    first = time.monotonic() - signalled
    assert server.listing.running(), "still waiting for B's task"
    assert read_within(b, 5) == b"", "B's task is cancelled after 2 s more"
    second = time.monotonic() - signalled
    run = server.listing.wait(timeout=15)
    total = time.monotonic() - signalled
    ok(run)
    assert_about(first, 2, early=0.2, late=0.8, what="A's 2 s grace")
    assert_about(second - first, 2, early=0.2, late=0.8, what="then B's own 2 s grace")
    assert_about(total, 4, early=0.2, late=1.0, what="2 s per idle client")
    assert run.stderr == ""


@pytest.mark.listing("3.10")
def test_3_10_shutdown_with_no_clients_is_immediate(serve):
    server = serve("3.10")
    client = server.connect()
    client.close()
    server.listing.wait_for_line("^Got a connection from")
    signalled = time.monotonic()
    run = server.listing.stop(signal.SIGTERM, timeout=15)
    assert_about(time.monotonic() - signalled, 0, late=1.5)
    ok(run)
    assert run.stderr == ""


@pytest.mark.listing("3.10")
def test_3_10_a_client_resetting_mid_message_does_not_stop_the_server(serve):
    server = serve("3.10")
    a = server.connect()
    reset_mid_message(server.connect())
    assert echo(a, b"a1\r\n") == b"a1\r\n"
    b = server.connect()
    assert echo(b, b"b1\r\n") == b"b1\r\n"
    assert server.listing.running()
    a.close()
    b.close()
    run = ok(server.listing.stop(signal.SIGTERM, timeout=15))
    assert exception_names(run.stderr) <= {"ConnectionResetError", "BrokenPipeError"}

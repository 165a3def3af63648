"""Chapter 14: advanced asyncio, then a toy event loop built from generators, send(), a
CustomFuture, selectors and a CustomTask.

Scripts run as the reader runs them (`python -m chapter_14.listing_14_N`, unbuffered); servers run
on free ports (SERVICE_PORT, SERVER_PORT) and are driven with real sockets. The library listings
(14.8, 14.11, 14.12) are also exercised in-process with small inputs: socket pairs, a fake loop.
"""
from __future__ import annotations

import asyncio
import contextlib
import inspect
import re
import selectors
import signal
import socket
import sys
import time

import pytest

from chapter_14.listing_14_1 import TaskRunner
from chapter_14.listing_14_5_fixed import coroutine as types_coroutine
from chapter_14.listing_14_8 import CustomFuture
from chapter_14.listing_14_11 import CustomTask
from chapter_14.listing_14_12 import EventLoop
from tests.support import (
    Listing,
    assert_about,
    assert_smallest,
    connect,
    free_port,
    ok,
    run_listing,
    wait_for_stderr,
)

HOST = "127.0.0.1"


def receive_all(client: socket.socket, timeout: float = 5) -> bytes:
    """Everything the server sends until it closes the connection."""
    client.settimeout(timeout)
    received = b""
    while chunk := client.recv(1024):
        received += chunk
    return received


def nothing_to_read(client: socket.socket) -> bool:
    """True if the server has sent nothing (and not closed): a non-blocking recv would block."""
    client.setblocking(False)
    try:
        client.recv(1024)
    except BlockingIOError:
        return True
    finally:
        client.setblocking(True)
    return False


def peer_closed(client: socket.socket, timeout: float = 5) -> bool:
    """True once the server has closed (EOF) or reset the connection, within `timeout`."""
    client.settimeout(timeout)
    try:
        return client.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_chapter_14_is_a_package():
    import chapter_14

    assert chapter_14.__file__.endswith("__init__.py")


# 14.1 ---------------------------------------------------------------------------------------

@pytest.mark.listing("14.1")
def test_14_1_runs_coroutines_and_functions_through_one_api():
    """Run twice: the two 1 s sleeps overlap, both finish about 1 s after the first start, not
    2 s (the smallest of the two runs; a 1.5 s sleep fails)."""
    sleeps = []
    for _ in range(2):
        run = ok(run_listing("14.1", python_args=("-W", "default")))
        assert run.lines == [
            "Running coroutine, sleeping!",
            "Running coroutine, sleeping!",
            "Hello from a regular function!",
            "Finished sleeping!",
            "Finished sleeping!",
        ], run
        started = run.arrivals("Running coroutine, sleeping!")[0]
        finished = run.arrivals("Finished sleeping!")
        sleeps.append(finished[0] - started)
        assert_about(finished[1] - finished[0], 0, late=0.3, what=run.timed_lines)
        # the runner's loop is never closed, as in the book; and no deprecated API is used
        assert "ResourceWarning: unclosed event loop" in run.stderr, run
        assert "DeprecationWarning" not in run.stderr, run
    assert_smallest(sleeps, 1, early=0.1, what="the two overlapping 1 s sleeps")


@pytest.mark.listing("14.1")
def test_14_1_task_runner_with_a_mix_of_callables():
    calls = []

    def plain(name):
        return lambda: calls.append(name)

    async def sleeper(seconds):
        calls.append(f"start {seconds}")
        await asyncio.sleep(seconds)
        calls.append(f"end {seconds}")

    async def quick():
        calls.append("quick")

    elapsed = []
    for _ in range(3):  # run() returns once the longest is done: 0.5 s, the smallest of three
        calls.clear()
        runner = TaskRunner()
        try:
            runner.add_task(plain("first"))
            runner.add_task(quick)
            runner.add_task(sleeper(0.5))
            runner.add_task(plain("second"))
            runner.add_task(sleeper(0.25))
            started = time.monotonic()
            runner.run()
            elapsed.append(time.monotonic() - started)
        finally:
            runner.loop.close()
        # each plain function called once, each coroutine run to completion
        assert sorted(calls) == sorted(["first", "second", "quick", "start 0.5", "start 0.25",
                                        "end 0.25", "end 0.5"])
        # the coroutines overlap: both started before either finished
        assert calls.index("start 0.25") < calls.index("end 0.5")
        assert calls.index("start 0.5") < calls.index("end 0.25")
        assert calls[-1] == "end 0.5"
    assert_smallest(elapsed, 0.5, early=0, what="run() of a 0.5 s and a 0.25 s sleep")


# 14.2 ---------------------------------------------------------------------------------------

def stream_protocol_keeps_writer() -> bool:
    """Whether asyncio's stream protocol holds the StreamWriter it hands to the connection
    callback (up to 3.12.x); since 3.13 (gh-114914) it does not, which breaks the book's 14.2."""
    source = inspect.getsource(asyncio.streams.StreamReaderProtocol.connection_made)
    return "self._stream_writer = StreamWriter(" in source


def drive_context_server(listing: Listing, port: int) -> None:
    """Two clients interleave lines (one split over two sends, trailing fragments without a
    newline); each printed line must carry the address of the client that sent it."""
    a = connect(port, HOST, server=listing)
    b = connect(port, HOST, server=listing)
    with a, b:
        address = {a: repr((HOST, a.getsockname()[1])), b: repr((HOST, b.getsockname()[1]))}

        def expect(client, message: bytes):
            line = listing.read_line(timeout=10)
            assert line == f"Got message {message!r} from {address[client]}", str(listing)

        a.sendall(b"hello from a\n")
        expect(a, b"hello from a\n")
        b.sendall(b"hello from b\n")
        expect(b, b"hello from b\n")
        a.sendall(b"split ")
        b.sendall(b"second from b\n")
        expect(b, b"second from b\n")
        a.sendall(b"line from a\n")
        expect(a, b"split line from a\n")
        b.sendall(b"fragment from b")
        b.close()
        expect(b, b"fragment from b")
        a.sendall(b"last from a\nfragment from a")
        expect(a, b"last from a\n")
        assert nothing_to_read(a)  # the server never replies
        a.close()
        expect(a, b"fragment from a")
    assert listing.running()


@pytest.mark.listing("14.2")
def test_14_2_book_form_on_this_python():
    if sys.version_info >= (3, 13):
        assert not stream_protocol_keeps_writer()
    port = free_port()
    with Listing("14.2", env={"SERVER_HOST": HOST, "SERVICE_PORT": str(port)},
                 python_args=("-W", "default")) as listing:
        if stream_protocol_keeps_writer():
            # up to 3.12: each connection's task sees its own peer address
            drive_context_server(listing, port)
        else:
            # 3.13+: the unreferenced writer is collected and closes each connection at once
            with connect(port, HOST, server=listing) as client:
                assert peer_closed(client), str(listing)
                with contextlib.suppress(OSError):
                    client.sendall(b"hello\n")
            wait_for_stderr(listing, "unclosed <StreamWriter")
            assert listing.running()
            assert listing.stdout == "", str(listing)


@pytest.mark.listing("14.2")
def test_14_2_fixed_keeps_per_connection_context():
    port = free_port()
    with Listing("14.2_fixed", env={"SERVER_HOST": HOST, "SERVICE_PORT": str(port)},
                 python_args=("-W", "default")) as listing:
        drive_context_server(listing, port)
        run = listing.stop(signal.SIGINT)
    assert "unclosed" not in run.stderr, run
    assert "Task was destroyed" not in run.stderr, run


# 14.3 ---------------------------------------------------------------------------------------

@pytest.mark.listing("14.3")
def test_14_3_sleep_zero_starts_tasks_at_once():
    run = ok(run_listing("14.3"))
    assert run.lines == [
        "--- Testing without asyncio.sleep(0) ---",
        "Gathering tasks:",
        "sleeping for 1 second(s)",
        "sleeping for 2 second(s)",
        "finished sleeping for 1 second(s)",
        "finished sleeping for 2 second(s)",
        "--- Testing with asyncio.sleep(0) ---",
        "sleeping for 1 second(s)",
        "sleeping for 2 second(s)",
        "Gathering tasks:",
        "finished sleeping for 1 second(s)",
        "finished sleeping for 2 second(s)",
    ], run
    first = run.arrivals("--- Testing without asyncio.sleep(0) ---")[0]
    second = run.arrivals("--- Testing with asyncio.sleep(0) ---")[0]
    end = run.timed_lines[-1][0]
    # 2 s per half: the delays run together (3 s, one after the other, fails)
    halves = [second - first, end - second]
    assert_smallest(halves, 2, early=0.1, what=run.timed_lines)
    assert_about(max(halves), 2, early=0.1, late=0.9, what=run.timed_lines)
    # within each half, the 1 s delay ends 1 s after its "sleeping" line
    ones = [finished - started for started, finished in
            zip(run.arrivals("sleeping for 1 second(s)"),
                run.arrivals("finished sleeping for 1 second(s)"), strict=True)]
    assert_smallest(ones, 1, early=0.1, what=run.timed_lines)


@pytest.mark.listing("14.3")
def test_14_3_each_sleep_zero_starts_the_task_just_created(capsys):
    """The sleep(0) after each create_task: every task has started (its "sleeping" line)
    before the next one is even created. (A task factory on the loop prints when a task is
    created; with one sleep(0) after both, the two would start together, after the second.)"""
    from chapter_14.listing_14_3 import create_tasks_sleep

    def factory(loop, coro, **kwargs):
        print("created a task")
        return asyncio.Task(coro, loop=loop, **kwargs)

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_task_factory(factory)
        try:
            await create_tasks_sleep()
        finally:  # not the tasks asyncio.run creates as it shuts down
            loop.set_task_factory(None)

    asyncio.run(main())
    assert capsys.readouterr().out.splitlines() == [
        "created a task",
        "sleeping for 1 second(s)",
        "created a task",
        "sleeping for 2 second(s)",
        "Gathering tasks:",
        "finished sleeping for 1 second(s)",
        "finished sleeping for 2 second(s)",
    ]


# 14.4 ---------------------------------------------------------------------------------------

LOOP_PROBE = """\
import asyncio, runpy, sys
start_server = asyncio.start_server
async def probe(*args, **kwargs):
    loop = type(asyncio.get_running_loop())
    print(f"loop {loop.__module__}.{loop.__qualname__}", flush=True)
    return await start_server(*args, **kwargs)
asyncio.start_server = probe
runpy.run_module(sys.argv[-1], run_name="__main__", alter_sys=True)
"""


def ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.listing("14.4")
@pytest.mark.parametrize("listing_id", ["14.4", "14.4_fixed"])
def test_14_4_uvloop_echo_server(listing_id):
    port = free_port()
    with Listing(listing_id, env={"SERVICE_PORT": str(port)}) as listing:
        for host in [HOST, "localhost"]:
            with connect(port, host, server=listing) as client:
                client.sendall(b"hello uvloop\n")
                assert receive_all(client) == b"hello uvloop\n"
        # no newline: the half-close ends the line
        with connect(port, HOST, server=listing) as client:
            client.sendall(b"no newline")
            client.shutdown(socket.SHUT_WR)
            assert receive_all(client) == b"no newline"
        assert listing.running()
        assert listing.stdout == ""


@pytest.mark.listing("14.4")
@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine; "
                    "enable IPv6 on the loopback interface to test it")
def test_14_4_listens_on_ipv6_too():
    port = free_port()
    with Listing("14.4", env={"SERVICE_PORT": str(port)}) as listing:
        with connect(port, "::1", server=listing) as client:
            assert client.family == socket.AF_INET6
            client.sendall(b"hello uvloop\n")
            assert receive_all(client) == b"hello uvloop\n"


@pytest.mark.listing("14.4")
@pytest.mark.parametrize("listing_id", ["14.4", "14.4_fixed", "14.2_fixed"])
def test_14_4_runs_on_the_uvloop_loop(listing_id):
    """The listing's own startup code installs uvloop: start_server runs on a uvloop.Loop
    (14.2, plain asyncio, is the control: the probe tells the loops apart)."""
    port = free_port()
    env = {"SERVICE_PORT": str(port), "SERVER_HOST": HOST}
    with Listing(listing_id, env=env, python_args=("-c", LOOP_PROBE)) as listing:
        line = listing.read_line(timeout=20)
        listing.wait_for_port(port)
    if listing_id == "14.2_fixed":
        assert line == "loop asyncio.unix_events._UnixSelectorEventLoop", str(listing)
    else:
        assert line == "loop uvloop.Loop", str(listing)


# 14.5 ---------------------------------------------------------------------------------------

@pytest.mark.listing("14.5")
def test_14_5_book_form_fails_without_asyncio_coroutine():
    assert not hasattr(asyncio, "coroutine")  # removed in Python 3.11
    run = run_listing("14.5")
    assert run.returncode == 1, run
    assert run.stdout == "", run
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("AttributeError: module 'asyncio' has no attribute 'coroutine'"), run


@pytest.mark.listing("14.5")
def test_14_5_fixed_generator_coroutine_sleeps_one_second():
    gaps = []
    for _ in range(2):  # the smallest of two runs: a 1.5 s sleep fails
        run = ok(run_listing("14.5_fixed"))
        assert run.lines == ["Sleeping!", "Finished!"], run
        gaps.append(run.arrivals("Finished!")[0] - run.arrivals("Sleeping!")[0])
    assert_smallest(gaps, 1, what="the generator's asyncio.sleep(1)")


@pytest.mark.listing("14.5")
def test_14_5_asyncio_run_and_the_generator_itself(capsys):
    """Why 14.5 (fixed) awaits the generator from an async def: asyncio.run(generator) ran it on
    3.11 (a generator was still a coroutine to asyncio), raises ValueError on 3.12 and 3.13,
    and from 3.14 runs it again, since asyncio.run wraps any awaitable (CPython gh-120284)."""
    generator = types_coroutine()
    if (3, 12) <= sys.version_info < (3, 14):
        with pytest.raises(ValueError, match="a coroutine was expected, got <generator object"):
            asyncio.run(generator)
        generator.close()
        assert capsys.readouterr().out == ""
    else:
        assert asyncio.run(generator) is None
        assert capsys.readouterr().out == "Sleeping!\nFinished!\n"


# 14.6, 14.7, 14.9 -----------------------------------------------------------------------------

@pytest.mark.listing("14.6")
def test_14_6_interleaves_two_generators():
    run = ok(run_listing("14.6"))
    assert run.lines == ["1", "5", "2", "6", "3", "7", "4", "8", "None", "9", "None", "None"]


@pytest.mark.listing("14.7")
def test_14_7_send_runs_the_coroutine_to_stop_iteration():
    run = run_listing("14.7", python_args=("-W", "default"))
    assert run.returncode == 1, run
    assert run.lines == ["Hello!", "Goodbye!"], run
    assert run.stderr.strip().splitlines()[-1] == "StopIteration", run
    assert "never awaited" not in run.stderr, run


@pytest.mark.listing("14.9")
def test_14_9_drives_a_custom_future_by_hand():
    run = ok(run_listing("14.9"))
    assert run.lines == [
        "Checking future...",
        "Future is not done...",
        "Checking future...",
        "Future is not done...",
        "Setting future value...",
        "Checking future...",
        "Value is: Finished!",
    ], run


@pytest.mark.parametrize("listing_id", [
    pytest.param("14.8", marks=pytest.mark.listing("14.8")),
    pytest.param("14.11", marks=pytest.mark.listing("14.11")),
    pytest.param("14.12", marks=pytest.mark.listing("14.12")),
])
def test_library_listings_run_quietly(listing_id):
    run = run_listing(listing_id, python_args=("-W", "default"))
    assert (run.returncode, run.stdout, run.stderr) == (0, "", ""), run


# 14.8 ---------------------------------------------------------------------------------------

@pytest.mark.listing("14.8")
def test_14_8_custom_future_state_and_callback():
    future = CustomFuture()
    assert (future.is_finished(), future.result()) == (False, None)
    first, second = [], []
    future.add_done_callback(first.append)
    future.add_done_callback(second.append)  # one slot: replaces the first
    future.set_result("x")
    assert (future.is_finished(), future.result()) == (True, "x")
    assert (first, second) == ([], ["x"])
    future.set_result("y")  # no guard: overwrites and calls again
    assert (future.result(), second) == ("y", ["x", "y"])
    late = []
    future.add_done_callback(late.append)  # not called for a finished future
    assert late == []


@pytest.mark.listing("14.8")
def test_14_8_await_yields_the_future_until_it_has_a_result():
    future = CustomFuture()
    awaiting = future.__await__()
    assert awaiting.send(None) is future
    future.set_result(42)
    with pytest.raises(StopIteration) as stop:
        awaiting.send("ignored")
    assert stop.value.value == 42
    with pytest.raises(StopIteration) as stop:  # already finished: no yield at all
        future.__await__().send(None)
    assert stop.value.value == 42

    other = CustomFuture()

    async def c():
        return await other

    coro = c()
    assert coro.send(None) is other
    other.set_result("done")
    with pytest.raises(StopIteration) as stop:
        coro.send(None)
    assert stop.value.value == "done"


@pytest.mark.listing("14.8")
def test_14_8_custom_future_is_not_an_asyncio_awaitable():
    async def main():
        await CustomFuture()

    bad_yield = r"Task got bad yield: <chapter_14\.listing_14_8\.CustomFuture object"
    with pytest.raises(RuntimeError, match=bad_yield):
        asyncio.run(main())


# 14.10 --------------------------------------------------------------------------------------

@pytest.mark.listing("14.10")
def test_14_10_one_connection_wakes_the_selector():
    port = free_port()
    with Listing("14.10", env={"SERVER_HOST": HOST, "SERVER_PORT": str(port)}) as listing:
        assert [listing.read_line(20) for _ in range(3)] == [
            "Waiting for socket connection!",
            "Registering socket to listen for connections",
            "Pausing to listen for connections...",
        ], str(listing)
        # listen() came before the first line, so a single connection is all it sees
        connected = time.monotonic()
        try:
            client = socket.create_connection((HOST, port), timeout=5)
        except ConnectionResetError:  # on a loaded machine 14.10 may exit, resetting the
            client = None             # never-accepted connection, before connect() returns
        with client or contextlib.nullcontext():
            run = listing.wait(timeout=10)
            assert_about(time.monotonic() - connected, 0, late=2, what=run)
            assert client is None or peer_closed(client), "the pending connection is never accepted"
    ok(run)
    assert run.stderr == "", run
    server_socket = (rf"<socket\.socket fd=\d+, family=(2|AddressFamily\.AF_INET), "
                     rf"type=(1|SocketKind\.SOCK_STREAM), proto=0, "
                     rf"laddr=\('127\.0\.0\.1', {port}\)>")
    lines = run.lines
    assert lines[3] == "Processing selector events...", run
    assert re.fullmatch(f"We got a connection from {server_socket}!", lines[4]), run
    assert re.fullmatch(f"Got a connection {server_socket}!", lines[5]), run
    assert lines[6:] == ["Application finished!"], run


# 14.11 --------------------------------------------------------------------------------------

class FakeLoop:
    """Only records register_task, as CustomTask's constructor needs."""

    def __init__(self):
        self.registered = []

    def register_task(self, task):
        self.registered.append(task)


@pytest.mark.listing("14.11")
def test_14_11_task_registers_and_resumes_inside_set_result():
    loop = FakeLoop()
    future = CustomFuture()
    progress = []

    async def plus_one():
        progress.append("started")
        value = await future
        progress.append("resumed")
        return value + 1

    task = CustomTask(plus_one(), loop)
    assert loop.registered == [task]
    assert progress == [] and not task.is_finished()  # not started before the first step
    task.step()
    assert progress == ["started"]
    assert future._done_callback == task._future_done
    task.step()  # stepping again only re-attaches the same callback
    assert progress == ["started"] and loop.registered == [task]
    future.set_result(1)  # resumes the task synchronously
    assert progress == ["started", "resumed"]
    assert task.is_finished() and task.result() == 2


@pytest.mark.listing("14.11")
def test_14_11_task_awaiting_nothing_finishes_on_first_step():
    async def immediate():
        return "now"

    loop = FakeLoop()
    task = CustomTask(immediate(), loop)
    assert loop.registered == [task]
    task.step()
    assert task.is_finished() and task.result() == "now"


# 14.12 --------------------------------------------------------------------------------------

@pytest.fixture
def socket_pair():
    pairs = []

    def make():
        pairs.append(socket.socketpair())
        return pairs[-1]

    yield make
    for a, b in pairs:
        a.close()
        b.close()


@pytest.mark.listing("14.12")
def test_14_12_sock_recv_returns_what_the_peer_sent(socket_pair, capsys):
    a, b = socket_pair()
    loop = EventLoop()

    async def main():
        return await loop.sock_recv(a)

    b.send(b"hi")
    assert loop.run(main()) == b"hi"
    assert capsys.readouterr().out.splitlines() == [
        "Registering socket to listen for data...",
        "Selector has an event, processing...",
    ]
    loop.selector.close()


@pytest.mark.listing("14.12")
def test_14_12_sock_accept_and_sock_close(capsys):
    loop = EventLoop()
    with socket.socket() as server, socket.socket() as client:
        server.bind((HOST, 0))
        server.listen()
        client.connect(server.getsockname())

        async def main():
            return await loop.sock_accept(server)

        connection, address = loop.run(main())
        with connection:
            assert address == client.getsockname()
            assert connection.getpeername() == client.getsockname()
        assert capsys.readouterr().out.splitlines() == [
            "Registering socket to accept connections...",
            "Selector has an event, processing...",
        ]
        assert loop.selector.get_key(server).events == selectors.EVENT_READ
        fd = server.fileno()
        loop.sock_close(server)
        with pytest.raises(KeyError):
            loop.selector.get_key(fd)  # unregistered
        assert server.fileno() == -1  # and closed
    loop.selector.close()


@pytest.mark.listing("14.12")
def test_14_12_tasks_progress_while_main_waits(socket_pair, capsys):
    main_a, main_b = socket_pair()
    task_a, task_b = socket_pair()
    loop = EventLoop()
    seen = []

    async def background():
        data = await loop.sock_recv(task_a)
        seen.append(("task got", data))
        main_b.send(b"from the task")  # main's data only exists once the task has run
        return len(data)

    async def main():
        data = await loop.sock_recv(main_a)
        seen.append(("main got", data, task.is_finished(), list(loop._tasks_to_run)))
        return data

    task = CustomTask(background(), loop)
    assert loop._tasks_to_run == [task]
    task_b.send(b"for the task")
    assert loop.run(main()) == b"from the task"
    assert seen == [("task got", b"for the task"), ("main got", b"from the task", True, [])]
    assert task.result() == len(b"for the task")
    out = capsys.readouterr().out.splitlines()
    assert out.count("Registering socket to listen for data...") == 2
    assert out.count("Selector has an event, processing...") == 2
    loop.selector.close()


# 14.13 --------------------------------------------------------------------------------------

@pytest.mark.listing("14.13")
def test_14_13_custom_loop_serves_clients_concurrently():
    port = free_port()
    sock = (r"<socket\.socket fd=\d+, family=(2|AddressFamily\.AF_INET), "
            r"type=(1|SocketKind\.SOCK_STREAM), proto=0, ")
    listening = rf"{sock}laddr=\('127\.0\.0\.1', {port}\)>"

    def accepted(client_port):
        return [
            "Selector has an event, processing...",
            re.escape("I got a new connection from ") + listening + "!",
            "Waiting for connection\\.\\.\\.",
            "Registering socket to accept connections\\.\\.\\.",
            re.escape("Reading data from client ") + rf"{sock}laddr=\('127\.0\.0\.1', {port}\), "
            rf"raddr=\('127\.0\.0\.1', {client_port}\)>",
            "Registering socket to listen for data\\.\\.\\.",
        ]

    def got(data: bytes):
        return ["Selector has an event, processing\\.\\.\\.",
                re.escape(f"Got {data!r} from client!"),
                "Registering socket to listen for data\\.\\.\\."]

    expected = ["Waiting for connection\\.\\.\\.",
                "Registering socket to accept connections\\.\\.\\."]
    with Listing("14.13", env={"SERVER_HOST": HOST, "SERVER_PORT": str(port)}) as listing:

        def step(patterns):
            """Wait for the lines this step must print, and check them."""
            expected.extend(patterns)
            for pattern in patterns:
                line = listing.read_line(timeout=10)
                assert re.fullmatch(pattern, line), f"{line!r} !~ {pattern!r}\n{listing}"

        assert [listing.read_line(20), listing.read_line(10)] == [
            "Waiting for connection...", "Registering socket to accept connections..."]
        a = socket.create_connection((HOST, port), timeout=5)
        b = None
        try:
            step(accepted(a.getsockname()[1]))
            a.sendall(b"hello from a\n")
            step(got(b"hello from a\n"))
            b = socket.create_connection((HOST, port), timeout=5)
            step(accepted(b.getsockname()[1]))
            b.sendall(b"hello from b\n")
            step(got(b"hello from b\n"))
            a.sendall(b"second from a\n")
            step(got(b"second from a\n"))
            assert nothing_to_read(a)  # the server never replies
            a.close()
            step(["Selector has an event, processing\\.\\.\\."])  # and nothing else
            b.sendall(b"second from b\n")
            step(got(b"second from b\n"))
            assert nothing_to_read(b)
            b.close()
            step(["Selector has an event, processing\\.\\.\\."])  # B leaves quietly too
        finally:
            a.close()
            if b is not None:
                b.close()
        run = listing.stop(signal.SIGTERM)
    assert run.returncode == -signal.SIGTERM, run
    assert run.stderr == "", run  # A's disconnect raised nothing
    assert len(run.lines) == len(expected), "\n".join(run.lines)
    got_lines = [line for line in run.lines if line.startswith("Got ")]
    assert got_lines == [f"Got {data!r} from client!" for data in
                         (b"hello from a\n", b"hello from b\n", b"second from a\n",
                          b"second from b\n")]

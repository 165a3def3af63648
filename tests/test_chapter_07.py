"""Chapter 7: threads with asyncio, run as the reader runs them.

The echo servers listen on free ports (SERVER_PORT) and are driven by real sockets; the requests
listings fetch a stand-in with a short latency and the tests poll its /__stats while they run,
to see how many requests were in flight at once; the deadlocks are shown still hanging, then
killed; the Tk listings run on an Xvfb display of this module's own, driven with xdotool as a
user would (clicks, typing, closing the window), their widgets read back with Tk's `send`.
"""
from __future__ import annotations

import ast
import asyncio
import contextlib
import importlib
import itertools
import json
import os
import re
import runpy
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.request

import psutil
import pytest

from tests.support import (
    REPO,
    Listing,
    assert_about,
    assert_smallest,
    async_timed_shape,
    echo,
    free_port,
    listing_env,
    module_name,
    ok,
    run_listing,
    startup_shim,
    wait_until,
)
from tests.support import connect as connect_with_retry
from tests.support.display import TkProbe, pump_tk_until, start_xvfb
from tests.support.shutdown import assert_shutdown_interrupted

HOST = "127.0.0.1"
LATENCY = 0.02  # the stand-in's answer time for the requests listings (seconds)
REQUESTS = 1000


def default_workers() -> int:
    """ThreadPoolExecutor's default size in this Python (the listings run in the same one)."""
    cpus = os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()
    return min(32, (cpus or 1) + 4)


@pytest.fixture(scope="module")
def fast_site(example_site_factory):
    """A stand-in answering after LATENCY seconds."""
    return example_site_factory(LATENCY)


# --- 7.1 and 7.2: thread-per-connection echo servers ------------------------------------

@contextlib.contextmanager
def echo_server(listing_id: str):
    port = free_port()
    server = Listing(listing_id, env={"SERVER_HOST": HOST, "SERVER_PORT": str(port)})
    clients: list[socket.socket] = []

    def connect() -> socket.socket:
        """A client; retries until the server listens (a probe connection would show up in
        the server's output as one more client)."""
        clients.append(connect_with_retry(port, HOST, server=server))
        return clients[-1]

    with server:
        try:
            yield server, connect
        finally:
            for client in clients:
                client.close()


def threads_of(server: Listing) -> int:
    return psutil.Process(server.process.pid).num_threads()


def wait_for_accepting_threads(server: Listing, count: int) -> None:
    wait_until(lambda: threads_of(server) == count, message=f"{count} threads in the server")


@pytest.mark.listing("7.1")
def test_7_1_threads_serve_clients_at_once_and_outlive_ctrl_c():
    with echo_server("7.1") as (server, connect):
        client_a, client_b = connect(), connect()
        assert echo(client_a, b"hello") == b"hello"
        assert echo(client_b, b"abc") == b"abc"  # while A is still connected
        assert echo(client_a, b"more") == b"more"
        server.wait_for_line(r"^Received b'more', sending!$")
        assert "Received b'hello', sending!" in server.stdout
        assert "Received b'abc', sending!" in server.stdout
        wait_for_accepting_threads(server, 3)  # main + one per client

        # The fix: a client that leaves ends its thread instead of spinning on b''.
        client_b.close()
        wait_for_accepting_threads(server, 2)
        assert "Received b''" not in server.stdout

        # Ctrl-C stops the main thread only: a traceback from accept(), yet the process lives
        # on and client A can still chat, because its thread is not a daemon.
        server.send_signal(signal.SIGINT)
        wait_until(lambda: "KeyboardInterrupt" in server.stderr, message="a traceback")
        assert "accept" in server.stderr
        with pytest.raises(subprocess.TimeoutExpired):
            server.process.wait(0.5)
        assert echo(client_a, b"still here") == b"still here"

        # Once the last client leaves, the last thread ends and the process with it.
        client_a.close()
        result = server.wait(10)
        assert result.returncode == -signal.SIGINT, result
        assert "Received b''" not in result.stdout


@pytest.mark.listing("7.1")
def test_7_1_a_second_ctrl_c_ends_it_with_a_client_still_connected():
    """The second Ctrl-C interrupts Python's wait for the client's thread at exit, reported in
    each Python's words (tests.support.shutdown)."""
    with echo_server("7.1") as (server, connect):
        client = connect()
        assert echo(client, b"hello") == b"hello"
        server.send_signal(signal.SIGINT)
        wait_until(lambda: "KeyboardInterrupt" in server.stderr, message="a traceback")
        with pytest.raises(subprocess.TimeoutExpired):
            server.process.wait(0.5)
        server.send_signal(signal.SIGINT)
        result = server.wait(10)
    assert result.returncode == -signal.SIGINT, result
    assert_shutdown_interrupted(result.stderr)


@pytest.mark.listing("7.2")
def test_7_2_ctrl_c_closes_every_client_and_exits_cleanly():
    with echo_server("7.2") as (server, connect):
        client_a, client_b = connect(), connect()
        assert echo(client_a, b"hello\n") == b"hello\n"
        assert echo(client_b, b"abc") == b"abc"
        client_b.close()
        server.wait_for_line(r"^Thread interrupted by Connection closed! exception")
        wait_for_accepting_threads(server, 2)

        server.send_signal(signal.SIGINT)
        client_a.settimeout(5)
        received = b""
        while chunk := client_a.recv(2048):
            received += chunk
        assert received == b"Shutting down!"  # then EOF
        result = ok(server.wait(5))
        assert result.lines == [
            "Received b'hello\\n', sending!",
            "Received b'abc', sending!",
            "Thread interrupted by Connection closed! exception, shutting down!",
            "Shutting down!",
            "Thread interrupted by Connection closed! exception, shutting down!",
        ]
        assert "Traceback" not in result.stderr


# --- 7.3 to 7.8: requests in threads ------------------------------------------------------

class InFlight:
    """Polls the stand-in's /__stats while a listing runs: the most requests it was answering
    at once, as seen between two polls."""

    def __init__(self, site):
        self.site = site
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            with urllib.request.urlopen(f"{self.site.url}/__stats", timeout=5) as response:
                stats = json.load(response)
            self.most = max(self.most,
                            stats["started"] - stats["completed"] - stats["cancelled"])
            self._stop.wait(0.01)

    def __enter__(self) -> InFlight:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(10)


@pytest.mark.listing("7.3")
def test_7_3_two_blocking_requests(fast_site):
    fast_site.reset()
    result = ok(run_listing("7.3", env=fast_site.env))
    assert result.lines == ["200", "200"]
    assert fast_site.stats()["started"] == 2


@pytest.mark.listing("7.3")
def test_7_3_prints_the_status_it_gets(fast_site):
    result = ok(run_listing("7.3", env={"EXAMPLE_URL": f"{fast_site.url}/?status=404"}))
    assert result.lines == ["404", "404"]


@pytest.mark.listing("7.4")
def test_7_4_thread_pool_map(fast_site):
    fast_site.reset()
    with InFlight(fast_site) as in_flight:
        result = run_listing("7.4", env=fast_site.env, timeout=120)
    ok(result)
    assert result.lines[:-1] == ["200"] * REQUESTS
    match = re.fullmatch(r"finished requests in (\d+\.\d{4}) second\(s\)", result.lines[-1])
    assert match, result.lines[-1]
    assert fast_site.stats()["started"] == REQUESTS
    sequential = REQUESTS * LATENCY
    # the pool's threads wait together: about 3 s here idle, 10 s seen under load; one thread
    # takes the full 20 s (the count of requests in flight pins the pool's size)
    assert float(match[1]) < 0.75 * sequential
    # ...and never less than the pool's threads need at most in flight: the timer is started
    # before the requests and read after them.
    assert float(match[1]) >= sequential / default_workers()
    assert 3 <= in_flight.most <= default_workers()


@pytest.mark.parametrize("listing", [
    pytest.param("7.5", marks=pytest.mark.listing("7.5")),
    pytest.param("7.6", marks=pytest.mark.listing("7.6")),
    pytest.param("7.7", marks=pytest.mark.listing("7.7")),
])
def test_7_5_to_7_7_executors_with_asyncio(fast_site, listing):
    """run_in_executor with a pool (7.5), with the default executor (7.6), to_thread (7.7)."""
    fast_site.reset()
    with InFlight(fast_site) as in_flight:
        result = run_listing(listing, env=fast_site.env, timeout=120)
    ok(result)
    shape, seconds = async_timed_shape(result.lines)
    assert shape[0] == "starting main () {}"
    assert ast.literal_eval(shape[1]) == [200] * REQUESTS
    assert shape[2:] == ["finished main"]
    assert fast_site.stats()["started"] == REQUESTS
    assert seconds[0] < 0.5 * REQUESTS * LATENCY
    assert 3 <= in_flight.most <= default_workers()


@pytest.mark.listing("7.8")
def test_7_8_progress_from_a_lock_protected_counter(example_site_factory):
    site = example_site_factory(0.05)  # 200 requests take a couple of seconds
    result = ok(run_listing("7.8", env=site.env, timeout=120))
    shape, _ = async_timed_shape(result.lines)
    assert shape[0] == "starting main () {}"
    assert shape[-1] == "finished main"
    progress = [re.fullmatch(r"Finished (\d+)/200 requests", line) for line in shape[1:-2]]
    assert progress and all(progress), shape
    counts = [int(match[1]) for match in progress]
    assert counts[0] <= 10  # the reporter starts with the requests (a loaded machine may
    # let a few finish before its first line)
    assert counts == sorted(counts) and counts[-1] < 200
    assert len(counts) >= 2  # a report every 0.5 s while the threads work
    reported = [when for when, line in result.timed_lines if line.startswith("Finished ")]
    assert_smallest([later - earlier for earlier, later in itertools.pairwise(reported)], 0.5,
                    what="the reporter's 0.5 s interval")
    assert ast.literal_eval(shape[-2]) == [200] * 200
    assert site.stats()["started"] == 200


# A listing run as __main__ (its module's code executed in globals of this dict subclass, which
# the interpreter then reads through __getitem__), where a worker thread pauses after reading the
# global `counter`, before writing it back.
WIDENED_COUNTER = """if True:
    import importlib.util, sys, threading, time

    class PausingGlobals(dict):
        def __getitem__(self, name):
            value = dict.__getitem__(self, name)
            if name == "counter" and threading.current_thread() is not threading.main_thread():
                time.sleep(0.005)
            return value

    spec = importlib.util.find_spec(sys.argv[1])
    code = compile(spec.loader.get_source(sys.argv[1]), spec.origin, "exec")
    exec(code, PausingGlobals(__name__="__main__", __file__=spec.origin,
                              __builtins__=__builtins__))
"""


@pytest.mark.listing("7.8")
def test_7_8_the_lock_keeps_every_increment_when_read_and_write_are_apart(example_site_factory):
    """5 ms between a worker's read of the counter and its write (as a busy scheduler may
    leave): with the lock the threads take turns, the count reaches 200 and the reporter stops.
    Without it, two threads would read the same count, one increment would be lost, and the
    reporter would wait for a 200 that never comes."""
    site = example_site_factory(0.05)
    result = None
    with contextlib.suppress(subprocess.TimeoutExpired):
        result = subprocess.run([sys.executable, "-u", "-c", WIDENED_COUNTER, module_name("7.8")],
                                cwd=REPO, env=listing_env(site.env), capture_output=True,
                                text=True, timeout=20)
    assert result is not None, "still running after 20 s: increments lost, no end of reports"
    ok(result)
    shape, _ = async_timed_shape(result.stdout.splitlines())
    assert ast.literal_eval(shape[-2]) == [200] * 200
    assert shape[-1] == "finished main"


# --- 7.9 to 7.11: locks and deadlocks ---------------------------------------------------

def still_hanging(listing_id: str, seconds: float) -> str:
    """Run a listing that deadlocks; returns its output after `seconds`, having shown it is
    still running then, and kills it."""
    with Listing(listing_id) as running:
        with pytest.raises(subprocess.TimeoutExpired):
            running.process.wait(seconds)
        assert running.running()
        time.sleep(0.1)  # let the reader thread take the last lines
        return running.stdout


@pytest.mark.listing("7.9")
def test_7_9_recursive_acquire_of_a_lock_deadlocks():
    assert still_hanging("7.9", 2) == (
        "Waiting to acquire lock...\nAcquired lock.\nSumming rest of list.\n"
        "Waiting to acquire lock...\n")


@pytest.mark.listing("7.9")
def test_7_9_ctrl_c_presses_to_stop_it():
    """On 3.11 and 3.12 the first Ctrl-C ends it: interrupted, join() releases the thread's
    lock (a workaround for bpo-45274) so Python no longer waits for that thread; from 3.13
    join() is built differently, Python still waits at exit, and a second press ends it."""
    with Listing("7.9") as running:
        running.wait_for_line("^Waiting to acquire lock...$")
        running.wait_for_line("^Waiting to acquire lock...$")  # the recursive call: stuck
        time.sleep(1)  # the main thread is back from thread.start(), in join()
        running.send_signal(signal.SIGINT)
        if sys.version_info < (3, 13):
            result = running.wait(10)
        else:
            wait_until(lambda: "KeyboardInterrupt" in running.stderr, message="a traceback")
            with pytest.raises(subprocess.TimeoutExpired):
                running.process.wait(1)
            running.send_signal(signal.SIGINT)
            result = running.wait(10)
    assert result.returncode == -signal.SIGINT, result
    assert "thread.join()" in result.stderr
    if sys.version_info < (3, 13):
        assert result.stderr.count("Traceback") == 1 and "_shutdown" not in result.stderr
    else:
        assert_shutdown_interrupted(result.stderr)


@pytest.mark.listing("7.9_fixed")
def test_7_9_fixed_rlock_lets_the_recursion_finish(capsys):
    result = ok(run_listing("7.9_fixed", timeout=20))
    round_ = ["Waiting to acquire lock...", "Acquired lock.", "Summing rest of list."]
    assert result.lines == round_ * 4 + [
        "Waiting to acquire lock...", "Acquired lock.", "Finished summing."]
    fixed = importlib.import_module("chapter_07.listing_7_9_fixed")
    assert fixed.sum_list([1, 2, 3, 4]) == 10


@pytest.mark.listing("7.10")
def test_7_10_method_calling_method_with_the_same_lock_deadlocks():
    assert still_hanging("7.10", 2) == ""


@pytest.mark.listing("7.10_fixed")
def test_7_10_fixed_rlock():
    result = ok(run_listing("7.10_fixed", timeout=20))
    assert result.stdout == "" and result.stderr == ""
    # The program again, as `python -m` runs it (runpy, as __main__): its list ends all 2s.
    program = runpy.run_module("chapter_07.listing_7_10_fixed", run_name="__main__")
    assert program["threadsafe_list"]._inner_list == [2, 2, 2, 2, 2]
    fixed = importlib.import_module("chapter_07.listing_7_10_fixed")
    threadsafe_list = fixed.IntListThreadsafe([1, 2, 1, 2, 1])
    threadsafe_list.find_and_replace(1, 2)
    assert threadsafe_list._inner_list == [2, 2, 2, 2, 2]
    assert threadsafe_list.indices_of(2) == [0, 1, 2, 3, 4]


@pytest.mark.listing("7.11")
def test_7_11_two_locks_in_opposite_orders_deadlock():
    output = still_hanging("7.11", 3)
    a, b = "Acquired lock a from method a!", "Acquired lock b from method b!"
    # Both print at the same moment; unbuffered, a line's text and its newline are two
    # writes, so another thread's text may come between them ("...a!Acquired lock b...").
    assert output.count("\n") == 2, output
    assert output.replace("\n", "") in (a + b, b + a), output


# 7.11 run as `python -m` does (runpy, as __main__), with b's thread started 0.3 s late.
LATE_B = """if True:
    import runpy, sys, threading, time
    start = threading.Thread.start

    def start_b_late(thread):
        if thread.name.endswith("(b)"):  # Thread(target=b) is named "Thread-N (b)"
            time.sleep(0.3)
        start(thread)

    threading.Thread.start = start_b_late
    runpy.run_module(sys.argv[1], run_name="__main__")
"""


@pytest.mark.listing("7.11")
def test_7_11_the_sleep_makes_the_deadlock_certain():
    """a holds lock_a for a second before it asks for lock_b: b, even started 0.3 s late (a
    slow thread start), takes lock_b within that second, and each waits for the other."""
    with pytest.raises(subprocess.TimeoutExpired) as hanging:
        subprocess.run([sys.executable, "-u", "-c", LATE_B, module_name("7.11")], cwd=REPO,
                       env=listing_env(), capture_output=True, timeout=2.5)
    assert (hanging.value.stdout or b"").decode().splitlines() == [
        "Acquired lock a from method a!", "Acquired lock b from method b!"]


@pytest.mark.listing("7.11_fixed")
def test_7_11_fixed_one_lock_order_finishes():
    result = ok(run_listing("7.11_fixed", timeout=20))
    lines = result.lines
    assert sorted(lines) == sorted([
        "Acquired lock a from method a!", "Acquired both locks from method a!",
        "Acquired lock a from method b!", "Acquired both locks from method b!"])
    for method in "ab":  # each function runs its two steps without the other in between
        first = lines.index(f"Acquired lock a from method {method}!")
        assert lines[first + 1] == f"Acquired both locks from method {method}!"
    assert_about(result.seconds, 0, late=10, what="no deadlock")


# A start-up shim for 7.11 (fixed): the main thread says when it has started b's thread. print
# writes its text and its newline apart, so the main thread's line could land inside a thread's:
# here every print holds a lock of its own (a leaf: it takes no other lock while held).
B_STARTED = """\
import builtins
import threading

_start = threading.Thread.start
_print = builtins.print
_printing = threading.Lock()


def start(thread):
    _start(thread)
    if thread.name.endswith("(b)"):  # Thread(target=b) is named "Thread-N (b)"
        print("[shim] b started")


def whole_line_print(*args, **kwargs):
    with _printing:
        _print(*args, **kwargs)


threading.Thread.start = start
builtins.print = whole_line_print
"""


@pytest.mark.listing("7.11_fixed")
def test_7_11_fixed_b_waits_for_lock_a_while_a_holds_it_for_a_second(tmp_path):
    """Both threads start at once: b is under way (waiting for lock_a, or done with it) before
    a has slept its second holding lock_a, which it holds for that second."""
    result = ok(run_listing("7.11_fixed", env=startup_shim(tmp_path, B_STARTED), timeout=20))
    lines = result.lines
    assert len(lines) == 5, result
    assert lines.index("[shim] b started") < lines.index("Acquired both locks from method a!")
    held = (result.arrivals("Acquired both locks from method a!")[0]
            - result.arrivals("Acquired lock a from method a!")[0])
    assert_about(held, 1, early=0.05, late=0.4, what="a holds lock_a through its 1 s sleep")


# --- 7.12 to 7.15: Tk, with an X server of our own ----------------------------------------

@pytest.fixture(scope="module")
def xdisplay():
    with start_xvfb() as display:
        yield display


@pytest.fixture
def tk_probe(xdisplay):
    probe = TkProbe(xdisplay.name)
    yield probe
    probe.close()


@pytest.mark.listing("7.12")
def test_7_12_hello_button_prints_on_each_click(xdisplay):
    with Listing("7.12", env=xdisplay.env) as app:
        window = xdisplay.find_window("Hello world app")
        # xdotool's search ignores case: the title bar shows exactly this
        assert xdisplay.xdotool("getwindowname", str(window)) == "Hello world app"
        assert xdisplay.geometry(window) == (200, 100)
        xdisplay.click(window, 100, 10)  # the button is packed at the top, centred
        assert app.read_line(10) == "Hello there!"
        xdisplay.click(window, 100, 10)
        assert app.read_line(10) == "Hello there!"
        xdisplay.click(window, 100, 80)  # below the button: nothing
        xdisplay.close(window)
        result = app.wait(10)
    ok(result)
    assert result.lines == ["Hello there!", "Hello there!"]


@pytest.mark.listing("7.12")
def test_7_12_needs_a_display():
    result = run_listing("7.12", env={"DISPLAY": ""}, timeout=30)
    assert result.returncode == 1
    assert "_tkinter.TclError" in result.stderr


@pytest.fixture
def background_loop():
    """An asyncio loop running forever in a daemon thread, as 7.15 runs it."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop

    async def finish():
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(finish(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.mark.listing("7.13")
def test_7_13_stress_test_reports_every_percent(fast_site, background_loop):
    from chapter_07.listing_7_13 import StressTest

    fast_site.reset()
    calls = []
    callback_threads = set()

    def callback(completed, total):
        calls.append((completed, total))
        callback_threads.add(threading.current_thread())

    test = StressTest(background_loop, fast_site.url, 1000, callback)
    test.start()
    assert test._load_test_future.result(timeout=60) is None
    assert calls == [(10 * i, 1000) for i in range(1, 101)]
    assert threading.current_thread() not in callback_threads  # it runs in the loop's thread
    assert fast_site.stats()["started"] == 1000


@pytest.mark.listing("7.13")
def test_7_13_a_remainder_still_reports_the_last_request(fast_site, background_loop):
    """205 requests: a report every 2 (205 // 100), up to 204, then one for the 205th, which
    no multiple of 2 reaches: the `completed == total` clause's callback."""
    from chapter_07.listing_7_13 import StressTest

    calls = []
    test = StressTest(background_loop, fast_site.url, 205, lambda *args: calls.append(args))
    test.start()
    assert test._load_test_future.result(timeout=30) is None
    assert calls == [(2 * i, 205) for i in range(1, 103)] + [(205, 205)]


@pytest.mark.listing("7.13")
def test_7_13_cancel_stops_the_requests(fast_site, background_loop):
    from chapter_07.listing_7_13 import StressTest

    fast_site.reset()
    calls = []
    test = StressTest(background_loop, f"{fast_site.url}/?delay=5", 20_000,
                      lambda *args: calls.append(args))
    test.start()
    wait_until(lambda: fast_site.stats()["started"] >= 50, 30, "requests in flight")
    test.cancel()
    future = test._load_test_future
    wait_until(future.cancelled, 2, "the future cancelled")
    assert calls == []
    stats = wait_until(lambda: (s := fast_site.stats())["cancelled"] == s["started"] and s,
                       message="the server sees every request abandoned")
    assert stats["started"] <= 100  # aiohttp's 100 connections; the rest never left
    assert stats["completed"] == 0


@pytest.mark.listing("7.13")
def test_7_13_fewer_than_100_requests_report_each_one(fast_site, background_loop):
    """The project's fix: the book's refresh rate of 0 raised ZeroDivisionError here."""
    from chapter_07.listing_7_13 import StressTest

    calls = []
    test = StressTest(background_loop, fast_site.url, 50, lambda *args: calls.append(args))
    test.start()
    assert test._load_test_future.result(timeout=30) is None
    assert calls == [(n, 50) for n in range(1, 51)]


@pytest.mark.listing("7.14")
def test_7_14_load_tester_window(xdisplay, fast_site, background_loop):
    from chapter_07.listing_7_14 import LoadTester

    fast_site.reset()
    app = LoadTester(background_loop, screenName=xdisplay.name)
    try:
        assert app.title() == "URL Requester"
        app._url_field.insert(0, fast_site.url)
        app._request_field.insert(0, "1000")
        app._submit.invoke()
        assert app._submit["text"] == "Cancel"
        values = []
        pump_tk_until(app, lambda: (values.append(float(app._pb["value"])) or
                                 app._submit["text"] == "Submit"), 60, "the run finishing")
        assert float(app._pb["value"]) == 99  # as in the book: 100 only resets the button
        assert values == sorted(values) and 0 < values[len(values) // 2] < 99
        assert fast_site.stats()["started"] == 1000

        # A second run, cancelled after a second: the button says Submit again at once.
        fast_site.reset()
        app._url_field.delete(0, "end")
        app._url_field.insert(0, f"{fast_site.url}/?delay=5")
        app._request_field.delete(0, "end")
        app._request_field.insert(0, "20000")
        app._submit.invoke()
        test = app._load_test
        pump_tk_until(app, lambda: fast_site.stats()["started"] >= 50, 20, "requests in flight")
        app._submit.invoke()
        assert app._submit["text"] == "Submit"
        assert app._load_test is None
        pump_tk_until(app, test._load_test_future.cancelled, 5, "the stress test cancelled")
        assert fast_site.stats()["started"] <= 100
    finally:
        app.destroy()


@pytest.mark.listing("7.15")
def test_7_15_load_tester_app_driven_with_mouse_and_keyboard(xdisplay, tk_probe, fast_site):
    fast_site.reset()
    with Listing("7.15", env=xdisplay.env | fast_site.env) as running:
        window = xdisplay.find_window("URL Requester")
        app = tk_probe.app()

        def widget(path: str, *command: str) -> str:
            return tk_probe.send(app, path, *command)

        def centre(path: str) -> tuple[int, int]:
            x, y = (int(tk_probe.send(app, "winfo", coordinate, path)) for coordinate in "xy")
            width, height = (int(tk_probe.send(app, "winfo", size, path))
                             for size in ("width", "height"))
            return x + width // 2, y + height // 2

        # The widgets, named by Tk after their classes, in the order 7.14 creates them.
        url, count, submit, bar = ".!entry", ".!entry2", ".!button", ".!progressbar"
        assert widget(url, "get") == fast_site.url  # the stand-in, filled in for the reader
        assert widget(submit, "cget", "-text") == "Submit"

        xdisplay.click(window, *centre(count))
        xdisplay.type("2000")
        wait_until(lambda: widget(count, "get") == "2000", message="the typed count")
        xdisplay.click(window, *centre(submit))
        wait_until(lambda: widget(submit, "cget", "-text") == "Cancel", message="Cancel")
        wait_until(lambda: 0 < float(widget(bar, "cget", "-value")) < 99, 20,
                   "a partly filled bar")
        wait_until(lambda: widget(submit, "cget", "-text") == "Submit", 60, "the run's end")
        assert float(widget(bar, "cget", "-value")) == 99
        assert fast_site.stats()["started"] == 2000

        # Type a slow URL after the stand-in's, start 20,000 requests and cancel them.
        fast_site.reset()
        xdisplay.click(window, *centre(url))
        xdisplay.xdotool("key", "End")
        xdisplay.type("/?delay=5")
        wait_until(lambda: widget(url, "get") == f"{fast_site.url}/?delay=5",
                   message="the typed URL")
        xdisplay.click(window, *centre(count))
        xdisplay.xdotool("key", "End")
        xdisplay.type("0")
        wait_until(lambda: widget(count, "get") == "20000", message="the typed count")
        xdisplay.click(window, *centre(submit))
        wait_until(lambda: fast_site.stats()["started"] >= 50, 20, "requests in flight")
        xdisplay.click(window, *centre(submit))
        wait_until(lambda: widget(submit, "cget", "-text") == "Submit", message="Submit")
        frozen = widget(bar, "cget", "-value")
        stats = wait_until(lambda: (s := fast_site.stats())["cancelled"] == s["started"] and s,
                           message="the server sees every request abandoned")
        assert stats["started"] <= 100 and stats["completed"] == 0
        assert widget(bar, "cget", "-value") == frozen

        xdisplay.close(window)
        result = running.wait(10)
    ok(result)
    assert result.stdout == ""


# --- 7.16 to 7.19: work that releases the GIL ---------------------------------------------

# A listing run as `python -m` does (runpy, as __main__), in a fresh interpreter, with one
# library function wrapped to record each call: in which thread, with what, returning what.
TRACED_RUN = """if True:
    import hashlib, json, runpy, sys, threading, time
    import numpy
    calls = []
    scrypt, mean = hashlib.scrypt, numpy.mean

    def traced_scrypt(password, *, salt, n, r, p, **rest):
        call = {"main_thread": threading.current_thread() is threading.main_thread(),
                "password": password.hex(), "salt": salt.hex(), "n": n, "r": r, "p": p,
                "started": time.time()}
        result = scrypt(password, salt=salt, n=n, r=r, p=p, **rest)
        calls.append(call | {"ended": time.time()})
        return result

    def traced_mean(*args, **kwargs):
        result = mean(*args, **kwargs)
        calls.append({"main_thread": threading.current_thread() is threading.main_thread(),
                      "axis": kwargs.get("axis"), "result": numpy.asarray(result).tolist()})
        return result

    hashlib.scrypt, numpy.mean = traced_scrypt, traced_mean
    runpy.run_module(sys.argv[1], run_name="__main__")
    print(json.dumps(calls))
"""


def traced_run(listing: str, env: dict[str, str]) -> tuple[list[str], list[dict]]:
    """The listing's output lines (the last, the calls, taken off) and the calls recorded."""
    result = subprocess.run([sys.executable, "-c", TRACED_RUN, module_name(listing)], cwd=REPO,
                            env=listing_env(env), capture_output=True, text=True, timeout=120)
    ok(result)
    *lines, calls = result.stdout.splitlines()
    return lines, json.loads(calls)


def check_hashes(calls: list[dict], count: int) -> None:
    """`count` scrypt calls, one per password, each with a fresh 16-byte salt, n=2048."""
    assert len(calls) == count, calls
    assert len({call["password"] for call in calls}) == count, "every password hashed once"
    assert all(len(bytes.fromhex(call["password"])) == 10 for call in calls)
    assert all(len(bytes.fromhex(call["salt"])) == 16 for call in calls)
    assert len({call["salt"] for call in calls}) == count, "a fresh random salt each time"
    assert {(call["n"], call["r"], call["p"]) for call in calls} == {(2048, 8, 1)}


def row_means(points: int, rows: int = 50) -> list[float]:
    """np.arange(points).reshape(rows, -1)'s row means: row r holds r*c .. r*c + c - 1."""
    columns = points // rows
    return [row * columns + (columns - 1) / 2 for row in range(rows)]


@pytest.mark.listing("7.16")
def test_7_16_hashes_each_password_with_a_fresh_salt_in_the_main_thread():
    lines, calls = traced_run("7.16", {"PASSWORD_COUNT": "40"})
    assert len(lines) == 1
    check_hashes(calls, 40)
    # The printed time spans the hashing: from before the first hash to after the last.
    hashing = max(call["ended"] for call in calls) - min(call["started"] for call in calls)
    assert float(lines[0]) >= hashing > 0
    assert all(call["main_thread"] for call in calls), "7.16 hashes one by one, in a loop"


@pytest.mark.listing("7.17")
def test_7_17_hashes_each_password_in_a_worker_thread():
    lines, calls = traced_run("7.17", {"PASSWORD_COUNT": "40"})
    assert async_timed_shape(lines)[0] == ["starting main () {}", "finished main"]
    check_hashes(calls, 40)
    assert not any(call["main_thread"] for call in calls), "hashing runs in the pool's threads"


@pytest.mark.listing("7.18")
def test_7_18_computes_the_row_means():
    lines, calls = traced_run("7.18", {"MATRIX_POINTS": "500000"})
    assert len(lines) == 1 and float(lines[0]) >= 0
    assert [call["axis"] for call in calls] == [1], calls
    assert calls[0]["result"] == row_means(500_000)


@pytest.mark.listing("7.19")
def test_7_19_computes_each_row_mean_in_a_worker_thread():
    lines, calls = traced_run("7.19", {"MATRIX_POINTS": "500000"})
    assert async_timed_shape(lines)[0] == ["starting main () {}", "finished main"]
    assert sorted(call["result"] for call in calls) == row_means(500_000), "each row's mean"
    assert not any(call["main_thread"] for call in calls), "the means run in the pool's threads"


@pytest.mark.parametrize("listing, name, variable, book", [
    pytest.param("7.16", "password_count", "PASSWORD_COUNT", 10_000,
                 marks=pytest.mark.listing("7.16")),
    pytest.param("7.17", "password_count", "PASSWORD_COUNT", 10_000,
                 marks=pytest.mark.listing("7.17")),
    pytest.param("7.18", "data_points", "MATRIX_POINTS", 400_000_000,
                 marks=pytest.mark.listing("7.18")),
    pytest.param("7.19", "data_points", "MATRIX_POINTS", 400_000_000,
                 marks=pytest.mark.listing("7.19")),
])
def test_7_16_to_7_19_the_books_sizes_unless_the_environment_says_otherwise(
        listing, name, variable, book, monkeypatch):
    """The tests run these listings smaller; without the variable they hash the book's 10,000
    passwords and average the book's 400 million numbers."""
    monkeypatch.delenv(variable, raising=False)
    module = importlib.reload(importlib.import_module(module_name(listing)))
    assert getattr(module, name) == book
    monkeypatch.setenv(variable, "1000")
    assert getattr(importlib.reload(module), name) == 1000


@pytest.mark.listing("7.16")
def test_7_16_hashes_in_a_loop_and_prints_the_seconds():
    result = ok(run_listing("7.16", env={"PASSWORD_COUNT": "200"}, timeout=60))
    assert len(result.lines) == 1
    assert float(result.lines[0]) > 0


@pytest.mark.listing("7.16")
def test_7_16_hash_and_random_password():
    listing = importlib.import_module("chapter_07.listing_7_16")
    password = listing.random_password(10)
    assert len(password) == 10
    assert set(password.decode()) <= set(string.ascii_lowercase)
    first, second = listing.hash(password), listing.hash(password)
    assert first.startswith(("b'", 'b"'))  # str() of the digest's bytes
    digest = ast.literal_eval(first)
    assert isinstance(digest, bytes) and len(digest) == 64
    assert first != second  # a fresh salt each time


@pytest.mark.listing("7.17")
def test_7_17_hashes_in_a_thread_pool():
    result = ok(run_listing("7.17", env={"PASSWORD_COUNT": "200"}, timeout=60))
    shape, seconds = async_timed_shape(result.lines)
    assert shape == ["starting main () {}", "finished main"]
    assert seconds[0] > 0


@pytest.mark.listing("7.18")
def test_7_18_row_means_timed():
    result = ok(run_listing("7.18", env={"MATRIX_POINTS": "5000000"}, timeout=60))
    assert len(result.lines) == 1
    assert float(result.lines[0]) >= 0


@pytest.mark.listing("7.19")
def test_7_19_row_means_in_threads():
    result = ok(run_listing("7.19", env={"MATRIX_POINTS": "5000000"}, timeout=60))
    shape, _ = async_timed_shape(result.lines)
    assert shape == ["starting main () {}", "finished main"]
    assert result.stderr == ""


@pytest.mark.listing("7.19")
def test_7_19_mean_for_row_matches_the_arithmetic():
    import numpy as np

    listing = importlib.import_module("chapter_07.listing_7_19")
    points, rows = 1_000_000, 50
    columns = points // rows
    matrix = np.arange(points).reshape(rows, columns)
    for row in (0, 1, 17, 49):
        assert listing.mean_for_row(matrix, row) == row * columns + (columns - 1) / 2

"""Today's asyncio beside the book's: one test per companion module (listing_N_M_<feature>.py).

Each test runs the companion as a reader does and asserts the difference the new form makes,
not only that it runs: the order eager tasks change, the deadline a timeout moves, the siblings a
TaskGroup cancels, the getters Queue.shutdown wakes. Companions of APIs newer than the running
Python are skipped with the version they need; on 3.13 none is.
"""
from __future__ import annotations

import ast
import asyncio
import contextvars
import gc
import inspect
import multiprocessing
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import warnings
from concurrent.futures import ProcessPoolExecutor

import psutil
import pytest

from chapter_13.listing_13_8_taskgroup import kill_and_wait
from tests.support import (
    Listing,
    assert_about,
    async_timed_shape,
    connect,
    free_port,
    main_seconds,
    ok,
    receive,
    run_listing,
    wait_until,
)
from util.settings import REPO
from util.tools import listing_index as listings
from util.tools.companions import COMPANIONS, refusal

PY312 = pytest.mark.skipif(sys.version_info < (3, 12), reason="needs Python 3.12 or later")
PY313 = pytest.mark.skipif(sys.version_info < (3, 13), reason="needs Python 3.13 or later")

def gap(run, first: str, second: str) -> float:
    return run.arrivals(second)[0] - run.arrivals(first)[0]


# --- the index: every companion is listed under its listing, documented, version-guarded -----

def docstring(listing_id: str) -> str:
    return ast.get_docstring(ast.parse(listings.find(listing_id).path.read_text(encoding="utf-8")))


def test_every_companion_is_indexed_and_documented():
    indexed = {info.id: info for info in listings.discover()}
    todays = {listing_id for listing_id, info in indexed.items()
              if docstring(listing_id).startswith(f"Listing {listing_id.split('_')[0]} (today: ")}
    assert todays == set(COMPANIONS), "every companion has a row in companions.json"
    for listing_id in COMPANIONS:
        info = indexed[listing_id]
        base = listing_id.split("_")[0]
        if base in indexed:  # 9.11 lives in the Django project, not in a listing module
            assert info.caption == indexed[base].caption, listing_id
        doc = docstring(listing_id)
        for part in ("What to watch:", "What changed:", "Since:", "Why it is better:"):
            assert part in doc, (listing_id, part)


def readme_since_column() -> dict[str, str]:
    """The README table "What changed since the book": companion id -> its since cell."""
    table = (REPO / "README.md").read_text(encoding="utf-8").split(
        "## What changed since the book", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in table.splitlines() if line.startswith("| ")]
    assert rows[0] == ["book", "today", "since", "companion"]
    return {match[1]: since for _, _, since, companion in rows[1:]
            if (match := re.fullmatch(r"\[([\w.]+)\]\(chapter_\d+/listing_\w+\.py\)", companion))}


def test_the_readme_docstrings_and_guards_follow_the_one_table_of_versions():
    """util.tools.companions is the one place for each companion's version: the README's since
    column shows it, the docstring's `Since:` line starts with it, and the program's main block
    starts by refusing an older Python with it."""
    assert readme_since_column() == {listing_id: companion.since_text
                                     for listing_id, companion in COMPANIONS.items()}
    for listing_id, companion in COMPANIONS.items():
        since = companion.since_text
        said = f"Since: Python {since}" if since[0].isdigit() else f"Since: {since}"
        since_line = re.search(r"^Since:.*", docstring(listing_id), re.MULTILINE)[0]
        assert re.match(rf"{re.escape(said)}(?!\.?\d)", since_line), (listing_id, said)
        assert f"needs Python {'.'.join(map(str, companion.python))} or later (" \
            in refusal(listing_id, (3, 8, 0)), listing_id
        tree = ast.parse(listings.find(listing_id).path.read_text(encoding="utf-8"))
        main = [node for node in tree.body if isinstance(node, ast.If)
                and ast.unparse(node.test) == "__name__ == '__main__'"]
        assert len(main) == 1, listing_id
        assert ast.unparse(main[0].body[0]) == f"refuse_older_python({listing_id!r})", listing_id


@pytest.mark.parametrize("listing_id", sorted(COMPANIONS))
def test_a_companion_refuses_a_python_older_than_it_needs_in_one_line(listing_id):
    """Run as a reader does but with sys.version_info one minor version below what the
    companion needs (its imports done first, on the real version): one line naming the version
    it needs and the one running, exit code 1, nothing on stdout, no traceback."""
    needed = COMPANIONS[listing_id].python
    older = (needed[0], needed[1] - 1, 0, "final", 0)
    code = (f"import collections, runpy, sys\n"
            f"import {listings.find(listing_id).module}\n"
            f"sys.version_info = collections.namedtuple("
            f"'version_info', 'major minor micro releaselevel serial'){older!r}\n"
            f"runpy.run_path({str(listings.find(listing_id).path)!r}, run_name='__main__')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, timeout=60)
    assert run.returncode == 1, run
    assert run.stdout == ""
    assert run.stderr == (f"Listing {listing_id} needs Python {needed[0]}.{needed[1]} or later "
                          f"({COMPANIONS[listing_id].feature}); this is Python "
                          f"{older[0]}.{older[1]}.0.\n")


def test_a_companion_run_on_an_older_python_says_which_it_needs():
    """Every companion of a 3.12 or 3.13 API checks the version before it runs anything; run on
    an older Python (as the project's 3.11 environment is) it prints one line naming the version
    it needs and exits with 1, without a traceback. On a Python new enough for all of them there
    is nothing to run here (the test above fakes an older version instead)."""
    for listing_id, companion in COMPANIONS.items():
        version = companion.python
        if sys.version_info >= version:
            continue
        run = run_listing(listing_id, timeout=30)
        needed = ".".join(map(str, version))
        assert run.returncode == 1, (listing_id, str(run))
        assert run.stdout == ""
        assert run.stderr.strip().count("\n") == 0, run.stderr
        assert run.stderr.startswith(f"Listing {listing_id} needs Python {needed} or later ("), \
            run.stderr
        assert f"; this is Python {sys.version.split()[0]}." in run.stderr
        assert "Traceback" not in run.stderr


# --- chapter 2 ----------------------------------------------------------------------------------

@PY312
@pytest.mark.listing("2.8_eager")
def test_2_8_eager_task_starts_inside_create_task():
    run = ok(run_listing("2.8_eager"))
    # The book's 2.8 prints the type first; an eager task prints "sleeping" inside create_task.
    assert run.lines == ["sleeping for 3 second(s)", "<class '_asyncio.Task'>",
                         "finished sleeping for 3 second(s)", "3"]
    assert_about(gap(run, "<class '_asyncio.Task'>", "3"), 3, early=0.1, late=0.9)


@PY312
@pytest.mark.listing("2.8_eager")
def test_2_8_eager_start_for_one_task_a_factory_for_every_task():
    """As 2.8_eager's docstring says: Task(eager_start=True) starts one task at once (3.12+),
    create_task(eager_start=True) does from 3.13.3 (3.14 documents it) and raises TypeError
    before, and a task factory makes every task of the loop eager."""
    async def main() -> list[str]:
        started = []

        async def note(name: str) -> None:
            started.append(name)

        loop = asyncio.get_running_loop()
        tasks = [asyncio.Task(note("Task(eager_start=True)"), loop=loop, eager_start=True),
                 asyncio.create_task(note("create_task"))]
        coroutine = note("create_task(eager_start=True)")
        if sys.version_info >= (3, 13, 3):
            tasks.append(asyncio.create_task(coroutine, eager_start=True))
        else:
            with pytest.raises(TypeError):
                tasks.append(asyncio.create_task(coroutine, eager_start=True))
            coroutine.close()
        await asyncio.gather(*tasks)
        asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        tasks = [asyncio.create_task(note("factory 1")), asyncio.create_task(note("factory 2"))]
        started.append("after the factory's create_task calls")
        await asyncio.gather(*tasks)
        return started

    eager_one = ["create_task(eager_start=True)"] if sys.version_info >= (3, 13, 3) else []
    assert asyncio.run(main()) == ["Task(eager_start=True)", *eager_one, "create_task",
                                   "factory 1", "factory 2",
                                   "after the factory's create_task calls"]


@PY312
@pytest.mark.listing("2.9_eager")
def test_2_9_eager_task_that_never_suspends_is_done_when_create_task_returns():
    run = ok(run_listing("2.9_eager"))
    assert run.lines == ["cached task done right after create_task: True",
                         *["sleeping for 3 second(s)"] * 3,
                         *["finished sleeping for 3 second(s)"] * 3,
                         "cached result: 42"]
    # ...while the real waits still overlap: 3 s, not 9.
    took = (run.arrivals("finished sleeping for 3 second(s)")[-1]
            - run.arrivals("sleeping for 3 second(s)")[0])
    assert_about(took, 3, early=0.1, late=0.9)


@pytest.mark.listing("2.12_timeout")
def test_2_12_timeout_cancels_the_awaited_task_and_says_it_expired():
    run = ok(run_listing("2.12_timeout"))
    assert run.lines == ["sleeping for 2 second(s)", "Got a timeout!",
                         "Was the task cancelled? True", "Did the timeout expire? True"]
    assert_about(gap(run, "sleeping for 2 second(s)", "Got a timeout!"), 1, early=0.1, late=0.4)


@pytest.mark.listing("2.12_timeout")
def test_2_12_wait_for_runs_a_coroutine_in_a_task_of_its_own_only_up_to_3_11():
    async def main() -> bool:
        async def which_task() -> asyncio.Task:
            return asyncio.current_task()

        return await asyncio.wait_for(which_task(), 1) is asyncio.current_task()

    assert asyncio.run(main()) == (sys.version_info >= (3, 12))


@pytest.mark.listing("2.13_timeout_at")
def test_2_13_rescheduled_deadline_lets_the_task_finish_without_a_timeout():
    run = ok(run_listing("2.13_timeout_at"))
    assert run.lines == ["sleeping for 10 second(s)",
                         "Still making progress: deadline moved to 11 s",
                         "finished sleeping for 10 second(s)", "10"]
    start = "sleeping for 10 second(s)"
    assert_about(gap(run, start, "Still making progress: deadline moved to 11 s"), 4,
                 early=0.1, late=0.8)
    # Past the original 5 s deadline without a timeout: the reschedule took effect.
    assert_about(gap(run, start, "10"), 10, early=0.1, late=1)


@pytest.mark.listing("2.21_runner")
def test_2_21_runner_reuses_one_loop_and_cleans_up_pending_tasks(capsys):
    run = ok(run_listing("2.21_runner", python_args=("-X", "dev")))
    lines = ["Same loop for both runs: True",
             "Background task cancelled, cleaning up",
             "Background task cancelled, cleaning up",
             "Loop closed: True"]
    assert run.lines == lines
    assert "Task was destroyed but it is pending" not in run.stderr
    assert "ResourceWarning" not in run.stderr
    # The program again in this process, as `python -m` runs it, timed without an interpreter's
    # start: main's 1 s sleep twice, one run after the other on the one loop.
    capsys.readouterr()
    started = time.monotonic()
    runpy.run_module("chapter_02.listing_2_21_runner", run_name="__main__")
    assert_about(time.monotonic() - started, 2, early=0.05, late=0.4, what="two runs of main")
    assert capsys.readouterr().out.splitlines() == lines


@pytest.mark.listing("2.21_runner")
def test_2_21_get_event_loop_outside_a_loop_per_python():
    """What 2.21_runner's docstring says of asyncio.get_event_loop() with no running loop."""
    code = """if True:
        import asyncio, warnings
        warnings.simplefilter("error")
        try:
            asyncio.get_event_loop().close()
            print("made a loop")
        except (DeprecationWarning, RuntimeError) as error:
            print(f"{type(error).__name__}: {error}")
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        print(f"the loop set: {asyncio.get_event_loop() is loop}")
        loop.close()
    """
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    if sys.version_info >= (3, 14):
        first = "RuntimeError: There is no current event loop in thread 'MainThread'."
    elif sys.version_info >= (3, 12):
        first = "DeprecationWarning: There is no current event loop"
    else:
        first = "made a loop"
    assert run.stdout.splitlines() == [first, "the loop set: True"], run


# --- chapter 3 ----------------------------------------------------------------------------------

@pytest.mark.listing("3.9_runner")
def test_3_9_ctrl_c_cancels_main_which_cleans_up_with_awaits():
    with Listing("3.9_runner") as running:
        assert running.read_line() == "sleeping for 10 second(s)"
        interrupted = time.monotonic() - running.started
        running.send_signal(signal.SIGINT)
        run = running.wait(timeout=10)
    assert run.returncode == 130, run
    assert run.lines == ["sleeping for 10 second(s)", "Got a SIGINT!", "Cleaning up...",
                         "Cleanup finished.", "Interrupted."]
    # The cleanup could await: half a second between its two lines, and no traceback.
    assert_about(gap(run, "Cleaning up...", "Cleanup finished."), 0.5, early=0.1, late=0.2)
    assert "Traceback" not in run.stderr
    # From Ctrl-C to the end, only the half-second cleanup: the 10 s sleep is not waited for.
    assert_about(run.arrivals("Interrupted.")[0] - interrupted, 0.5, early=0.05, late=0.2)


@PY313
@pytest.mark.listing("3.10_close_clients")
def test_3_10_close_clients_ends_every_idle_connection_at_once():
    port = free_port()
    with Listing("3.10_close_clients", env={"SERVER_PORT": str(port)}) as server:
        clients = [connect(port, server=server) for _ in range(3)]
        clients[0].sendall(b"hello\r\n")
        assert receive(clients[0], b"hello\r\n") == b"hello\r\n"
        wait_until(lambda: server.stdout.count("Got a connection") == 3, 10, "3 connections")
        stopped = time.monotonic()
        server.send_signal(signal.SIGTERM)
        for client in clients:
            client.settimeout(5)
            assert client.recv(100) == b""  # closed by the server, not by us
        closed = time.monotonic() - stopped
        run = server.wait(timeout=10)
    ok(run)
    assert "Shutting down: no new connections" in run.lines
    assert "Aborted" not in run.stdout
    # The book gives three idle clients 2 s each, one after another (6 s); here all at once.
    assert_about(closed, 0, late=1, what="every client closed")
    for client in clients:
        client.close()


@PY313
@pytest.mark.listing("3.10_close_clients")
def test_3_10_a_client_that_does_not_read_is_aborted_after_the_grace_period():
    port = free_port()
    with Listing("3.10_close_clients", env={"SERVER_PORT": str(port)}) as server:
        stuck = connect(port, server=server)
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.setblocking(False)

        def full() -> bool:
            try:
                stuck.send(b"x" * 65536)
                return False
            except BlockingIOError:
                return True

        # Send without reading until the echoes back up (full twice, 0.2 s apart): the
        # handler is stuck in drain().
        wait_until(lambda: full() and (time.sleep(0.2) or full()), 20, "the echoes backed up",
                   interval=0)
        server.send_signal(signal.SIGINT)
        run = server.wait(timeout=15)
        stuck.close()
    ok(run)
    assert "Aborted the clients still connected after 2 s" in run.lines
    assert_about(gap(run, "Shutting down: no new connections",
                     "Aborted the clients still connected after 2 s"), 2, early=0.1, late=0.5)


@pytest.mark.listing("3.10_close_clients")
def test_3_10_wait_closed_waits_for_the_connections_from_3_12():
    """Server.wait_closed() after close(), a client still connected: it returns at once on
    3.11, and from 3.12 only when the connection has ended."""
    async def main() -> bool:
        connected = asyncio.Event()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            connected.set()
            await reader.read()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        _, client = await asyncio.open_connection("127.0.0.1", port)
        await connected.wait()
        server.close()
        try:
            async with asyncio.timeout(0.5):
                await server.wait_closed()
            waited = False
        except TimeoutError:
            waited = True
        client.close()
        await client.wait_closed()
        async with asyncio.timeout(5):
            await server.wait_closed()
        return waited

    assert asyncio.run(main()) == (sys.version_info >= (3, 12))


# --- chapter 4 ----------------------------------------------------------------------------------

@pytest.mark.listing("4.6_taskgroup")
def test_4_6_taskgroup_same_results_in_order(example_site_factory):
    site = example_site_factory(latency=0.1)
    run = ok(run_listing("4.6_taskgroup", env=site.env, timeout=120))
    assert len(run.lines) == 2003
    assert ast.literal_eval(run.lines[-2]) == [200] * 1000
    assert run.lines[-1].startswith("finished <function main")
    assert site.stats() == {"started": 1000, "completed": 1000, "cancelled": 0}


@pytest.mark.listing("4.6_taskgroup")
def test_4_6_taskgroup_a_failure_cancels_the_rest_and_nothing_outlives_main(example_site):
    run = run_listing("4.6_taskgroup", "python://bad", env=example_site.env, timeout=120)
    assert run.returncode == 1
    assert "ExceptionGroup" in run.stderr
    assert "NonHttpUrlClientError: python://bad" in run.stderr
    finished = [number for number, line in enumerate(run.lines)
                if line.startswith("finished <function fetch_status")]
    main_done = [number for number, line in enumerate(run.lines)
                 if line.startswith("finished <function main")]
    # All 1,000 requests ended (999 cancelled) before main did: no orphan kept running, and
    # none of them produced a status list.
    assert len(finished) == 1000 and len(main_done) == 1
    assert max(finished) < main_done[0]
    assert not any(line.startswith("[") for line in run.lines)
    # At once: not the 10 waves of 0.5 s the 1,000 requests would take.
    assert_about(main_seconds(run.lines), 0, late=1)


@PY313
@pytest.mark.listing("4.8_as_completed")
def test_4_8_async_as_completed_yields_the_original_tasks(example_site):
    run = ok(run_listing("4.8_as_completed", env=example_site.env))
    results = [line for line in run.lines if ": 200" in line]
    assert sorted(results[:2]) == ["fast-1: 200", "fast-2: 200"]
    assert results[2] == "slow: 200"
    fast = max(run.arrivals("fast-1: 200") + run.arrivals("fast-2: 200"))
    assert_about(run.arrivals("slow: 200")[0] - fast, 9, early=0.2, late=1.5)  # 10 s, 1 s


@pytest.mark.listing("4.11_exceptiongroup")
def test_4_11_both_errors_arrive_together_and_the_good_request_is_cancelled(example_site):
    run = ok(run_listing("4.11_exceptiongroup", env=example_site.env))
    lines = [line for line in run.lines if not line.startswith(("starting", "finished"))]
    assert lines == ["2 request(s) failed:",
                     "  NonHttpUrlClientError: python://bad",
                     "  NonHttpUrlClientError: python://bad2",
                     "Good request cancelled: True"]
    assert "200" not in re.sub(r"0x[0-9a-f]+", "", run.stdout)  # (an address may hold 200)
    assert_about(main_seconds(run.lines), 0, late=0.4)  # not the good request's 0.5 s


@pytest.mark.listing("4.11_exceptiongroup")
def test_4_11_gather_raises_the_first_error_and_loses_the_others_silently():
    """gather marks the later errors retrieved: no "Task exception was never retrieved" for
    them, where a failed task nobody awaited gets one."""
    async def main() -> list[str]:
        reported = []
        asyncio.get_running_loop().set_exception_handler(
            lambda loop, context: reported.append(context["message"]))

        async def fail(message: str, after: float) -> None:
            await asyncio.sleep(after)
            raise ValueError(message)

        unawaited = asyncio.create_task(fail("nobody awaits me", 0))
        gathered = [asyncio.create_task(fail("first", 0)),
                    asyncio.create_task(fail("second", 0.01))]
        with pytest.raises(ValueError, match="first"):
            await asyncio.gather(*gathered)
        await asyncio.sleep(0.1)
        assert gathered[1].done() and not gathered[1].cancelled()
        assert unawaited.done()
        del unawaited, gathered
        gc.collect()
        await asyncio.sleep(0)
        return reported

    assert asyncio.run(main()) == ["Task exception was never retrieved"]


@pytest.mark.listing("4.12_taskgroup")
def test_4_12_taskgroup_cancels_the_slow_requests_without_a_cancel_loop(example_site):
    example_site.reset()
    run = ok(run_listing("4.12_taskgroup", env=example_site.env))
    shape, _seconds = async_timed_shape(run.lines)
    session = re.compile(r"<aiohttp\.client\.ClientSession object at 0x[0-9a-f]+>")
    assert [session.sub("<session>", line) for line in shape] == [
        "starting main () {}",
        "starting fetch_status (<session>, 'python://bad.com') {}",
        *[f"starting fetch_status (<session>, '{example_site.url}') {{'delay': 3}}"] * 2,
        *["finished fetch_status"] * 3,  # the bad one, then the two the group cancelled
        "Cancelled 2 request(s).",
        "finished main"]
    assert run.stderr.count("ERROR:root:Request got an exception") == 1
    assert "NonHttpUrlClientError: python://bad.com" in run.stderr
    # The two slow requests were cancelled in their 3 s delay: never reached the server.
    assert example_site.stats()["started"] == 0
    assert_about(main_seconds(run.lines), 0, late=1)  # not the slow requests' 3 s


# --- chapter 5 ----------------------------------------------------------------------------------

async def most_connections(database, program: Listing) -> int:
    """Poll pg_stat_activity while `program` runs: the most client connections to `database`
    seen at once (the poller's own not counted)."""
    connection = await database.server.connect(database.name)
    most = 0
    try:
        while program.running():
            most = max(most, await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                database.name))
            await asyncio.sleep(0.02)
    finally:
        await connection.close()
    return most


@pytest.mark.listing("5.7_taskgroup")
def test_5_7_timeout_cancels_the_query_on_the_server(make_database):
    database = make_database("products", load=True)
    with Listing("5.7_taskgroup", env=database.env) as program:
        connected = asyncio.run(most_connections(database, program))
        run = ok(program.wait(timeout=60))
    assert connected == 6, "the pool opens its six connections (min_size=6) at once"
    assert run.lines == ["Got 2 results, 6 columns each", "Query timed out after 1 s",
                         "Server still running pg_sleep: False"]
    assert_about(gap(run, "Got 2 results, 6 columns each", "Query timed out after 1 s"), 1,
                 early=0.1, late=0.4)


# --- chapter 6 ----------------------------------------------------------------------------------

@pytest.mark.listing("6.5_max_tasks_per_child")
def test_6_5_every_task_runs_in_a_fresh_spawned_worker():
    run = ok(run_listing("6.5_max_tasks_per_child", timeout=120))
    assert run.lines[0] == "Start method: spawn"
    results = [re.fullmatch(r"(\d+) \(process (\d+)\)", line) for line in run.lines[1:6]]
    assert [int(match[1]) for match in results] == [1, 3, 5, 22, 100000000]
    # The book's pool reuses its workers; one task per child means five distinct processes.
    assert len({match[2] for match in results}) == 5
    assert run.lines[6] == "Worker processes used: 5"


@pytest.mark.listing("6.5_max_tasks_per_child")
def test_6_5_a_pool_with_max_tasks_per_child_spawns_and_refuses_fork():
    """As 6.5_max_tasks_per_child's docstring says: with max_tasks_per_child and no context the
    workers are spawned (a fresh interpreter running spawn_main), "fork" raises ValueError, and
    the platform's own default on Linux is fork up to 3.13 and forkserver from 3.14."""
    with ProcessPoolExecutor(max_workers=1, max_tasks_per_child=2) as pool:
        worker = psutil.Process(pool.submit(os.getpid).result(timeout=60))
        assert "from multiprocessing.spawn import spawn_main" in " ".join(worker.cmdline())
    with pytest.raises(ValueError, match="incompatible with the 'fork'"):
        ProcessPoolExecutor(max_tasks_per_child=1, mp_context=multiprocessing.get_context("fork"))
    default = subprocess.run(
        [sys.executable, "-c", "import multiprocessing; print(multiprocessing.get_start_method())"],
        capture_output=True, text=True, timeout=60).stdout.strip()
    assert default == ("forkserver" if sys.version_info >= (3, 14) else "fork")


# --- chapter 7 ----------------------------------------------------------------------------------

@pytest.mark.listing("7.5_to_thread")
def test_7_5_to_thread_carries_the_context_into_the_thread(example_site_factory):
    site = example_site_factory(latency=0.01)
    run = ok(run_listing("7.5_to_thread", env=site.env, timeout=180))
    assert ast.literal_eval(run.lines[-3]) == [200] * 1000
    assert run.lines[-2] == ("Request id seen in the thread: to_thread='req-42', "
                             "run_in_executor=None")


@PY313
@pytest.mark.listing("7.6_shutdown_default_executor")
def test_7_6_executor_shutdown_is_bounded_while_the_thread_runs_on():
    run = ok(run_listing("7.6_shutdown_default_executor"))
    assert run.lines == ["Gave up waiting after 0.5 s",
                         "Executor shut down; blocking call finished: False",
                         "Loop closed after 1.5 s"]
    assert "did not finishing joining its threads within 1 seconds" in run.stderr
    closed = run.arrivals("Loop closed after 1.5 s")[0]
    gave_up = run.arrivals("Gave up waiting after 0.5 s")[0]
    assert_about(closed - gave_up, 1, early=0.1, late=0.4)  # shutdown's 1 s timeout
    # The abandoned thread still ran to its end: the process exits at about 3 s.
    assert_about(run.seconds - gave_up, 2.5, early=0.1, late=0.5)


@PY312
@pytest.mark.listing("7.6_shutdown_default_executor")
def test_7_6_the_shutdown_timeout_is_honoured_from_3_13():
    """Why 7.6_shutdown_default_executor needs 3.13: on 3.12 shutdown_default_executor(timeout)
    still waits for the thread (1.5 s here), from 3.13 it gives up after the timeout (0.5 s)."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_in_executor(None, time.sleep, 1.5)
        started = time.monotonic()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loop.run_until_complete(loop.shutdown_default_executor(timeout=0.5))
        took = time.monotonic() - started
    finally:
        loop.close()
    if sys.version_info >= (3, 13):
        assert_about(took, 0.5, late=0.2)
        assert [str(warning.message) for warning in caught] == [
            "The executor did not finishing joining its threads within 0.5 seconds."]
    else:
        assert_about(took, 1.5, early=0.1, late=0.5)
        assert caught == []


# --- chapter 8 ----------------------------------------------------------------------------------

@pytest.mark.listing("8.13_bounded_queue")
def test_8_13_a_client_that_stops_reading_is_dropped_and_the_others_keep_chatting():
    port = free_port()
    with Listing("8.13_bounded_queue", env={"SERVICE_PORT": str(port)}) as server:
        alice = connect(port, server=server)
        alice.sendall(b"CONNECT alice\n")
        assert b"Welcome! 1 user(s) are online!" in receive(alice, b"alice connected!\n")
        bob = connect(port, server=server)
        bob.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        bob.sendall(b"CONNECT bob\n")
        receive(alice, b"bob connected!\n")
        # Alice floods the room; bob never reads. Alice reads everything in a thread.
        received = bytearray()
        done = threading.Event()

        def read_alice():
            alice.settimeout(20)
            while not done.is_set():
                try:
                    chunk = alice.recv(1 << 20)
                except OSError:
                    return
                if not chunk:
                    return
                received.extend(chunk)

        reader = threading.Thread(target=read_alice, daemon=True)
        reader.start()
        line = b"x" * 1000 + b"\n"
        for _ in range(20):
            alice.sendall(line * 500)
            if "Dropping bob: too slow" in server.stderr:
                break
        wait_until(lambda: "Dropping bob: too slow" in server.stderr, 20, "bob dropped")
        wait_until(lambda: b"bob has left the chat\n" in received, 10, "alice told")
        # Alice still chats after bob was dropped.
        alice.sendall(b"still here\n")
        wait_until(lambda: b"alice: still here\n" in received, 10, "alice's own message")
        # A client that vanishes is removed at once and the others are told.
        carol = connect(port, server=server)
        carol.sendall(b"CONNECT carol\n")
        wait_until(lambda: b"carol connected!\n" in received, 10, "carol connected")
        carol.close()
        wait_until(lambda: b"carol has left the chat\n" in received, 10, "carol left")
        done.set()
        bob.close()
        run = server.stop(signal.SIGINT, timeout=10)
        alice.close()
    ok(run)
    assert "Traceback" not in run.stderr


# --- chapter 9 ----------------------------------------------------------------------------------

@pytest.mark.listing("9.2_appkey")
def test_9_2_appkey_app_serves_brands_without_a_not_app_key_warning(make_database):
    """Run as the docstring says, warnings shown: the book's 9.2 warns NotAppKeyWarning at
    startup (aiohttp hides it otherwise), the companion warns nothing; both serve /brands."""
    doc = " ".join(ast.get_docstring(ast.parse(
        (REPO / "chapter_09" / "listing_9_2_appkey.py").read_text(encoding="utf-8"))).split())
    commands = re.findall(r"`python (-W \w+) -m chapter_09\.listing_(9_2\w*)`", doc)
    assert [listing for _, listing in commands] == ["9_2", "9_2_appkey"]
    quoted = re.search(r'prints "(NotAppKeyWarning: [^"]+)" on stderr', doc)[1]
    database = make_database("products", load=True)
    stderr = {}
    for option, listing in commands:
        port = free_port()
        env = database.env | {"WEB_PORT": str(port)}
        with Listing(listing.replace("_", ".", 1), env=env,
                     python_args=tuple(option.split())) as app:
            app.wait_for_port(port)
            # the startup hook's pool opens its six connections (min_size=6) at once
            wait_until(lambda: database.client_connections() == 6, 15,
                       "the pool's six connections", interval=0.05)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/brands",
                                        timeout=10) as response:
                brands = ast.literal_eval(response.read().decode())
            assert len(brands) == 100 and set(brands[0]) == {"brand_id", "brand_name"}
            run = app.stop(signal.SIGINT, timeout=15)
        ok(run)
        assert run.lines[0] == "Creating database pool."
        assert run.lines[-1] == "Destroying database pool."
        stderr[listing] = run.stderr
    assert "Warning" not in stderr["9_2_appkey"]
    assert re.search(rf"listing_9_2\.py:\d+: {re.escape(quoted)}\n", stderr["9_2"]), stderr


@pytest.mark.listing("9.11_async_orm")
def test_9_11_async_orm_queries_without_sync_to_async():
    run = ok(run_listing("9.11_async_orm"))
    assert run.lines == ["Got brand Levis", "Brand 2: Seven", "Brand 3: Sorel",
                         "2 brand(s) start with S",
                         "Synchronous get() in async code: SynchronousOnlyOperation"]


# --- chapter 11 ---------------------------------------------------------------------------------

@pytest.mark.listing("11.10_barrier")
def test_11_10_barrier_releases_everyone_when_the_last_arrives_twice():
    from tests.support import assert_smallest

    run = ok(run_listing("11.10_barrier"))
    first_wait = run.timed_lines[0][0]  # "Worker 0 waiting" (round 1), 1 s after the start
    trips = []
    for round_number in (1, 2):
        performing = [when for when, line in run.timed_lines
                      if line.startswith("Performing work!") and f"round {round_number}" in line]
        waiting = [when for when, line in run.timed_lines
                   if line.startswith("Worker") and f"round {round_number}" in line]
        assert len(performing) == 3 and len(waiting) == 3
        # Nobody performs before the last one arrives, then all three together.
        assert min(performing) >= max(waiting)
        assert_about(max(performing) - min(performing), 0, late=0.3)
        # They arrive 1 s apart (rounds 1 and 2 alike).
        assert_about(max(waiting) - min(waiting), 2, early=0.1, late=0.5)
        trips.append(min(performing) - first_wait)
    # The barrier trips at 3 s and 7 s (2 s and 6 s after the first line).
    assert_about(trips[0], 2, early=0.1, late=0.5, what=trips)
    assert_about(trips[1], 6, early=0.1, late=0.5, what=trips)
    # Each worker's work takes 1 s, in both rounds; the last ends at 8 s.
    work = []
    for worker in range(3):
        for round_number in (1, 2):
            [started] = run.arrivals(f"Performing work! (worker {worker}, round {round_number})")
            [ended] = run.arrivals(f"Finished work! (worker {worker}, round {round_number})")
            work.append(ended - started)
    assert_smallest(work, 1, early=0.05, what="a worker's work")
    assert_about(run.timed_lines[-1][0] - first_wait, 7, early=0.1, late=0.5)


# --- chapter 12 ---------------------------------------------------------------------------------

@PY313
@pytest.mark.listing("12.1_queue_shutdown")
def test_12_1_shutdown_wakes_every_waiting_cashier():
    run = ok(run_listing("12.1_queue_shutdown", timeout=90))
    finished = sorted(int(line.rsplit(" ", 1)[1]) for line in run.lines
                      if "finished checking out customer" in line)
    assert finished == list(range(10))
    going_home = [line for line in run.lines if line.endswith("queue shut down, going home")]
    assert sorted(going_home) == [f"Cashier {n}: queue shut down, going home" for n in range(3)]
    # The three goodbyes are the last lines and arrive together, right after the last customer.
    assert set(run.lines[-3:]) == set(going_home)
    times = [when for when, line in run.timed_lines if line in going_home]
    last_customer = max(when for when, line in run.timed_lines if "finished checking" in line)
    assert_about(max(times) - min(times), 0, late=0.3)
    assert_about(min(times) - last_customer, 0, late=0.5)


@pytest.mark.listing("12.2_taskgroup")
def test_12_2_raising_in_the_group_stops_every_cashier():
    """Open 3 s, randrange always 3 (as tests/test_chapter_12.py's RANDOMIZED makes it): three
    customers a second, three diapers each (0.6 s), the three cashiers keep up."""
    from tests.test_chapter_12 import RANDOMIZED_ARGS

    run = ok(run_listing("12.2_taskgroup", "3", env={"CH12_RANDRANGE": "3"},
                         python_args=RANDOMIZED_ARGS, timeout=60))
    put, waiting = "Customer put in line!", "Waiting to put customer in line..."
    # The queue (5) takes a batch of three without making the producer wait.
    assert run.lines[:6] == [waiting, put] * 3
    # Batches at 0, 1 and 2 s, then closing time at 3 s: nine customers, all served.
    assert run.lines.count(put) == 9
    assert sum("finished checking out customer" in line for line in run.lines) == 9
    assert run.lines[-1] == "Store closed: 3 cashier(s) stopped"
    [closed] = run.arrivals("Store closed: 3 cashier(s) stopped")
    assert_about(closed - run.timed_lines[0][0], 3, early=0.05, late=0.5, what="closing time")


@pytest.mark.listing("12.2_taskgroup")
def test_12_2_without_closing_time_it_runs_until_stopped():
    with Listing("12.2_taskgroup") as running:
        time.sleep(2.5)
        assert running.running()


# --- chapter 13 ---------------------------------------------------------------------------------

@pytest.fixture
def gnupg_home():
    home = tempfile.mkdtemp(prefix="gpgT-")
    try:
        yield {"GNUPGHOME": home}
    finally:
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"],
                       capture_output=True, timeout=30)
        subprocess.run(["rm", "-rf", home], timeout=30)


def gpg_processes(home: str) -> list[psutil.Process]:
    """The gpg processes using GnuPG home `home` (other tests run gpg too)."""
    found = []
    for process in psutil.process_iter(["name"]):
        try:
            if process.info["name"] == "gpg" and process.environ().get("GNUPGHOME") == home:
                found.append(process)
        except psutil.Error:
            continue
    return found


@pytest.mark.skipif(not any(os.access(os.path.join(folder, "gpg"), os.X_OK)
                            for folder in os.environ.get("PATH", "").split(os.pathsep)),
                    reason="needs gpg: apt-get install gnupg")
@pytest.mark.listing("13.8_taskgroup")
def test_13_8_timeout_kills_every_gpg(gnupg_home):
    run = ok(run_listing("13.8_taskgroup", "6", env=gnupg_home, timeout=120))
    assert run.lines[0].startswith("Total time: ")
    assert run.lines[1] == "Encrypted 6 text(s)"
    run = run_listing("13.8_taskgroup", "20", "0.001", env=gnupg_home, timeout=120)
    assert run.returncode == 1, run
    assert run.lines == ["Encryption timed out: every gpg killed"]
    # No error after the run either: no transport outlives the loop (kill_and_wait, below).
    # (gpg's own lines, such as "gpg: waiting for lock", may share the stderr.)
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr
    # No gpg of this run is left behind (the book's gather would leave them running).
    assert gpg_processes(gnupg_home["GNUPGHOME"]) == []


@pytest.mark.listing("13.8_taskgroup")
def test_13_8_kill_and_wait_finishes_its_wait_when_cancelled_again():
    """A task whose own timeout fired is cancelled again by the group while it reaps its gpg.
    Cut short there, the process's transport outlives the loop ("Exception ignored in ...
    BaseSubprocessTransport.__del__" after the run, seen in CI): kill_and_wait finishes the
    wait, so the process has exited by the time the cancellation comes out."""
    async def cancelled_while_reaping() -> int | None:
        process = await asyncio.create_subprocess_exec(
            "sleep", "60", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        reaping = asyncio.create_task(kill_and_wait(process))
        await asyncio.sleep(0)  # killed; now waiting for it to exit
        reaping.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reaping
        when_cancelled = process.returncode
        await process.wait()  # a wrong kill_and_wait must not leak the transport into pytest
        return when_cancelled

    assert asyncio.run(cancelled_while_reaping()) == -signal.SIGKILL


# --- chapter 14 ---------------------------------------------------------------------------------

@PY312
@pytest.mark.listing("14.1_markcoroutinefunction")
def test_14_1_a_marked_wrapper_runs_as_a_coroutine():
    run = ok(run_listing("14.1_markcoroutinefunction", python_args=("-W", "error")))
    assert run.lines[0] == "iscoroutinefunction(logged): False, after marking: True"
    assert run.lines.count("Running coroutine, sleeping!") == 3
    assert run.lines.count("Finished sleeping!") == 3
    assert "Calling coroutine_function" in run.lines
    assert "never awaited" not in run.stderr
    assert_about(gap(run, "Hello from a regular function!", "Finished sleeping!"), 1,
                 early=0.1, late=0.4)


@pytest.mark.listing("14.1_markcoroutinefunction")
def test_14_1_the_companions_coroutines_sleep_one_second_together(capsys):
    """On every Python (the listing itself needs 3.12): the companion's coroutine function,
    given to the book's runner as a function and as a coroutine beside its regular function,
    runs twice at once, both finishing about 1 s after run() starts (the smallest of two runs:
    a 1.5 s sleep fails)."""
    from chapter_14.listing_14_1 import TaskRunner
    from chapter_14.listing_14_1_markcoroutinefunction import (
        coroutine_function,
        regular_function,
    )
    from tests.support import assert_smallest

    took = []
    for _ in range(2):
        runner = TaskRunner()
        try:
            runner.add_task(coroutine_function)
            runner.add_task(coroutine_function())
            runner.add_task(regular_function)
            started = time.monotonic()
            runner.run()
            took.append(time.monotonic() - started)
        finally:
            runner.loop.close()
        assert capsys.readouterr().out.splitlines() == [
            "Running coroutine, sleeping!", "Running coroutine, sleeping!",
            "Hello from a regular function!", "Finished sleeping!", "Finished sleeping!"]
    assert_smallest(took, 1, what="the two 1 s sleeps of one run()")


@pytest.mark.listing("14.1_markcoroutinefunction")
def test_14_1_the_old_private_flag_and_asyncio_iscoroutinefunction_per_python():
    """What 14.1_markcoroutinefunction's docstring says: the private `_is_coroutine` flag
    convinced asyncio's iscoroutinefunction but not inspect's, and asyncio's is deprecated
    from 3.14 (a DeprecationWarning on every call)."""
    def wrapper():
        return asyncio.sleep(0)

    wrapper._is_coroutine = asyncio.coroutines._is_coroutine
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert asyncio.iscoroutinefunction(wrapper)
    assert not inspect.iscoroutinefunction(wrapper)
    deprecated = [str(warning.message) for warning in caught
                  if warning.category is DeprecationWarning]
    assert len(deprecated) == (1 if sys.version_info >= (3, 14) else 0), deprecated
    assert all("asyncio.iscoroutinefunction" in message for message in deprecated)


@pytest.mark.listing("14.2_context")
def test_14_2_each_connection_runs_in_its_own_context():
    port = free_port()
    with Listing("14.2_context", env={"SERVICE_PORT": str(port)}) as server:
        first, second = connect(port, server=server), connect(port, server=server)
        for _ in range(2):
            first.sendall(b"one\n")
            second.sendall(b"two\n")
        wait_until(lambda: server.stdout.count("Got message") == 4, 10, "four messages")
        run = server.stop(signal.SIGINT, timeout=10)
        names = {b"one\n": first.getsockname(), b"two\n": second.getsockname()}
        first.close()
        second.close()
    ok(run)
    messages = [line for line in run.lines if line.startswith("Got message")]
    for word, address in names.items():
        expected = f"Got message {word!r} from {address!r}"
        assert messages.count(expected) == 2, messages
    assert run.lines[-1] == "User address in the server's context: None"


@pytest.mark.listing("14.2_context")
def test_14_2_tasks_sharing_a_context_share_its_variables_but_none_enters_it_twice():
    """As 14.2_context's docstring says: two tasks given one Context run at the same time and
    see each other's set(); a task with a Context of its own does not; a Context already
    entered (nested, or in another thread meanwhile) cannot be entered again."""
    variable = contextvars.ContextVar("variable", default=None)

    async def main() -> tuple[str | None, str | None]:
        shared = contextvars.Context()

        async def setter() -> None:
            variable.set("set by the other task")
            await asyncio.sleep(0.2)

        async def reader() -> str | None:
            await asyncio.sleep(0.05)
            return variable.get()

        async with asyncio.TaskGroup() as tg:
            tg.create_task(setter(), context=shared)
            seen = tg.create_task(reader(), context=shared)
            own = tg.create_task(reader(), context=contextvars.Context())
        return seen.result(), own.result()

    assert asyncio.run(main()) == ("set by the other task", None)
    context = contextvars.Context()
    with pytest.raises(RuntimeError, match="already entered"):
        context.run(context.run, print)
    inside, leave = threading.Event(), threading.Event()
    thread = threading.Thread(target=context.run, args=(lambda: (inside.set(), leave.wait(10)),))
    thread.start()
    try:
        assert inside.wait(10)
        with pytest.raises(RuntimeError, match="already entered"):
            context.run(print)
    finally:
        leave.set()
        thread.join(10)


@PY312
@pytest.mark.listing("14.4_loop_factory")
def test_14_4_uvloop_by_loop_factory_without_a_policy():
    port = free_port()
    with Listing("14.4_loop_factory", env={"SERVICE_PORT": str(port)},
                 python_args=("-W", "error::DeprecationWarning")) as server:
        assert server.read_line(timeout=20) == "Running on uvloop.Loop"
        client = connect(port, server=server)
        client.sendall(b"hello uvloop\n")
        assert receive(client, b"\n") == b"hello uvloop\n"
        client.settimeout(5)
        assert client.recv(100) == b""
        client.close()
        run = server.stop(signal.SIGINT, timeout=10)
    ok(run)
    assert "DeprecationWarning" not in run.stderr


@PY312
@pytest.mark.listing("14.4_loop_factory")
def test_14_4_a_loop_factory_sets_no_current_loop():
    """As 14.4_loop_factory's docstring says: inside the run get_event_loop() is the running
    uvloop loop, but the policy has no current loop (a DeprecationWarning and a new loop on
    3.12 and 3.13, RuntimeError from 3.14); asyncio.run without a factory sets one."""
    code = """if True:
        import asyncio, warnings
        import uvloop

        async def main():
            running = asyncio.get_running_loop()
            print(asyncio.get_event_loop() is running, type(running).__module__)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                policy = asyncio.get_event_loop_policy()
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    print("the policy's loop is the running one:",
                          policy.get_event_loop() is running)
                except (DeprecationWarning, RuntimeError) as error:
                    print(f"the policy's loop: {type(error).__name__}")

        asyncio.run(main(), loop_factory=uvloop.new_event_loop)
        asyncio.run(main())
    """
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    error = "RuntimeError" if sys.version_info >= (3, 14) else "DeprecationWarning"
    assert run.stdout.splitlines() == ["True uvloop", f"the policy's loop: {error}",
                                       "True asyncio.unix_events",
                                       "the policy's loop is the running one: True"], run

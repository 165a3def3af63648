"""Chapter 11: races in one thread, Lock, Semaphore, BoundedSemaphore, Event and Condition.

Every script runs as a reader runs it (`python -m`, unbuffered, in a subprocess). Times are
taken from when each stdout line arrived (tests.support's timed_lines), so interpreter start-up
on a loaded machine does not count; lower bounds come from the listings' own sleeps, upper
bounds leave room for a busy 2-core machine. 11.7 runs against the www.example.com stand-in,
whose /__stats counters show how many requests are in flight; 11.12 is driven by raw sockets.
"""
import asyncio
import inspect
import json
import signal
import socket
import time
import urllib.request
from itertools import pairwise

import pytest

from tests.support import (
    Listing,
    assert_about,
    assert_smallest,
    free_port,
    ok,
    run_listing,
    wait_until_async,
)


def since_first_line(run, text: str) -> list[float]:
    """When each stdout line equal to `text` arrived, in seconds after the first line."""
    start = run.timed_lines[0][0]
    return [when - start for when in run.arrivals(text)]


def last_stderr_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert lines, run
    return lines[-1]


# --- the package marker -------------------------------------------------------------------------

def test_the_package_defines_nothing_but_its_submodules():
    """(That importing it and its listings is quiet: tests/test_chapter_indexes.py.)"""
    import chapter_11

    assert [name for name, value in vars(chapter_11).items()
            if not name.startswith("__") and not inspect.ismodule(value)] == []


# --- 11.1 and 11.2: the counter with and without an await inside the read-modify-write ----------

@pytest.mark.listing("11.1")
def test_11_1_no_update_is_lost_in_a_thousand_rounds():
    from chapter_11 import listing_11_1

    run = ok(run_listing("11.1", timeout=120))
    assert run.stderr == ""
    assert run.lines == ["Counter is 100"] * 1000
    # 1,000 rounds one after the other, the 100 tasks of a round sleeping their 10 ms together:
    # at least 10 s (a loaded machine makes each round's 100 tasks slower: 13-20 ms a round
    # at load 7, so the upper end is left to the timeout; 100 tasks one by one would be 1 s a
    # round). The 10 ms itself is timed in this process.
    assert run.timed_lines[-1][0] - run.timed_lines[0][0] >= 999 * 0.01
    assert_smallest(increments(listing_11_1), 0.01, early=0.001, what="increment's sleep")


def increments(module, times: int = 30) -> list[float]:
    """How long `module`'s increment() takes, `times` calls one after the other in this
    process (its counter put back to 0 after)."""
    async def timed() -> list[float]:
        took = []
        for _ in range(times):
            started = time.perf_counter()
            await module.increment()
            took.append(time.perf_counter() - started)
        return took

    module.counter = 0
    try:
        took = asyncio.run(timed())
        assert module.counter == times
    finally:
        module.counter = 0
    return took


@pytest.mark.listing("11.2")
def test_11_2_the_first_round_loses_99_updates_and_the_assert_fails():
    run = run_listing("11.2")
    assert run.returncode == 1, run
    assert run.lines == ["Counter is 1"]
    assert last_stderr_line(run) == "AssertionError"
    assert "assert counter == 100" in run.stderr
    # Only the first round ran: about 10 ms of sleeping after the first (only) line.
    assert_about(run.seconds - run.timed_lines[0][0], 0, late=1, what=run.seconds)


@pytest.mark.listing("11.2")
def test_11_2_main_starts_a_hundred_increments_each_sleeping_10_ms(capsys):
    """11.2 in this process: main's first round starts 100 increment tasks (counted as the loop
    creates them), then its assert fails; and increment sleeps 10 ms between reading the
    counter and writing it (the smallest of 30 increments, one after the other)."""
    from chapter_11 import listing_11_2

    async def first_round() -> list[str]:
        created = []
        loop = asyncio.get_running_loop()

        def counting_factory(loop, coro, **kwargs):
            created.append(coro.__name__)
            return asyncio.Task(coro, loop=loop, **kwargs)

        loop.set_task_factory(counting_factory)
        try:
            with pytest.raises(AssertionError):
                await listing_11_2.main()
        finally:
            loop.set_task_factory(None)  # asyncio.run's own clean-up tasks are not counted
        return created

    try:
        assert asyncio.run(first_round()) == ["increment"] * 100
        assert capsys.readouterr().out == "Counter is 1\n"
    finally:
        listing_11_2.counter = 0
    assert_smallest(increments(listing_11_2), 0.01, early=0.001, what="increment's sleep")


@pytest.mark.listing("11.1")
@pytest.mark.listing("11.2")
def test_an_await_between_read_and_write_loses_updates():
    """The two increment() coroutines side by side, 100 concurrent tasks each: 11.1's has no
    switch between reading and writing the counter, 11.2's is forced to switch there."""
    from chapter_11 import listing_11_1, listing_11_2

    async def main():
        for module, expected in ((listing_11_1, 100), (listing_11_2, 1)):
            module.counter = 0
            try:
                await asyncio.gather(*[asyncio.create_task(module.increment()) for _ in range(100)])
                assert module.counter == expected, module.__name__
            finally:
                module.counter = 0

    asyncio.run(main())


# --- 11.3 and 11.5: the dictionary race, then the same code under a lock -------------------------

# What 11.3 and 11.5 both print first: the disconnect announced, then three sends begin.
ERIC_DISCONNECTS = [
    "Creating message tasks",
    "Eric disconnected!",
    "Sending: Hello John",
    "Sending: Hello Terry",
    "Sending: Hello Graham",
]


@pytest.mark.listing("11.3")
def test_11_3_eric_is_gone_before_his_message_is_sent():
    run = run_listing("11.3")
    assert run.returncode == 1, run
    assert run.lines == ERIC_DISCONNECTS
    assert last_stderr_line(run) == "Exception: Socket is closed!"
    # The exception ends the program at once: the 1-second sends never finish.
    assert not any(line.startswith("Sent:") for line in run.lines)
    assert_about(run.seconds - run.timed_lines[0][0], 0, late=0.9, what=run.seconds)


@pytest.mark.listing("11.5")
def test_11_5_the_lock_keeps_eric_until_every_message_is_sent():
    run = ok(run_listing("11.5"))
    assert run.stderr == ""
    assert run.lines == [
        *ERIC_DISCONNECTS,
        "Sending: Hello Eric",
        "Sent: Hello John",
        "Sent: Hello Terry",
        "Sent: Hello Graham",
        "Sent: Hello Eric",
        "Removing Eric from dictionary",
    ]
    # The four sends run concurrently: about 1 s, not 4.
    [removed] = since_first_line(run, "Removing Eric from dictionary")
    assert_about(removed, 1, early=0.05, late=0.4)


# --- 11.4: a lock serialises two critical sections -----------------------------------------------

@pytest.mark.listing("11.4")
def test_11_4_the_critical_sections_run_one_after_the_other():
    run = ok(run_listing("11.4"))
    assert run.stderr == ""
    assert run.lines == [
        "Coroutine a waiting to acquire the lock",
        "Coroutine a is in the critical section",
        "sleeping for 2 second(s)",
        "Coroutine b waiting to acquire the lock",
        "finished sleeping for 2 second(s)",
        "Coroutine a released the lock",
        "Coroutine b is in the critical section",
        "sleeping for 2 second(s)",
        "finished sleeping for 2 second(s)",
        "Coroutine b released the lock",
    ]
    [a_enters] = since_first_line(run, "Coroutine a is in the critical section")
    [a_leaves] = since_first_line(run, "Coroutine a released the lock")
    [b_enters] = since_first_line(run, "Coroutine b is in the critical section")
    [b_leaves] = since_first_line(run, "Coroutine b released the lock")
    # Each holds the lock for its 2 s, b only from when a let go: 4 s in all, twice the
    # unsynchronised 2 s.
    assert_smallest([a_leaves - a_enters, b_leaves - b_enters], 2, what="a critical section")
    assert_about(b_enters - a_leaves, 0, late=0.2, what="b waits for a")
    assert_about(b_leaves, 4, early=0.1, late=1.0)


# --- 11.6-11.9: semaphores ---------------------------------------------------------------------

@pytest.mark.listing("11.6")
def test_11_6_two_operations_at_a_time():
    run = ok(run_listing("11.6"))
    assert run.stderr == ""
    assert run.lines == [
        "Waiting to acquire semaphore...",
        "Semaphore acquired!",
        "Waiting to acquire semaphore...",
        "Semaphore acquired!",
        "Waiting to acquire semaphore...",
        "Waiting to acquire semaphore...",
        "Semaphore released!",
        "Semaphore released!",
        "Semaphore acquired!",
        "Semaphore acquired!",
        "Semaphore released!",
        "Semaphore released!",
    ]
    holding = 0
    for line in run.lines:
        holding += {"Semaphore acquired!": 1, "Semaphore released!": -1}.get(line, 0)
        assert 0 <= holding <= 2
    # The second pair acquires when the first releases, at 2 s; the end at 4 s (2 s if the
    # four ran at once, 8 s one by one).
    second_pair = since_first_line(run, "Semaphore acquired!")[2:]
    for when in second_pair:
        assert_about(when, 2, early=0.1, late=0.6, what=second_pair)
    end = since_first_line(run, "Semaphore released!")[-1]
    assert_about(end, 4, early=0.1, late=1.0)


def in_flight_while(run: Listing, site, period: float = 0.01) -> list[int]:
    """Sample the stand-in's requests in flight (started - completed - cancelled) until the
    listing exits."""
    samples = []
    while run.running():
        with urllib.request.urlopen(f"{site.url}/__stats", timeout=5) as response:
            stats = json.load(response)
        samples.append(stats["started"] - stats["completed"] - stats["cancelled"])
        time.sleep(period)
    return samples


@pytest.mark.listing("11.7")
def test_11_7_never_more_than_ten_requests_in_flight(example_site_factory):
    latency = 0.05  # 100 rounds: 5 s
    site = example_site_factory(latency)
    site.reset()
    with Listing("11.7", env=site.env) as listing:
        samples = in_flight_while(listing, site)
        run = listing.wait(60)
    ok(run)
    assert run.stderr == ""
    waiting, acquired, finished = ("Waiting to acquire semaphore...",
                                   "Acquired semaphore, requesting...", "Finished requesting")
    assert len(run.lines) == 3000
    assert [run.lines.count(kind) for kind in (waiting, acquired, finished)] == [1000] * 3
    # Ten Waiting/Acquired pairs, the other 990 tasks queue up, then permits are recycled.
    assert run.lines[:20] == [waiting, acquired] * 10
    assert run.lines[20:1010] == [waiting] * 990
    holding = 10
    for line in run.lines[1010:]:
        assert line in (acquired, finished)
        holding += 1 if line == acquired else -1
        assert 0 <= holding <= 10
    # The server saw every request, and never more than ten at once (but ten, often).
    assert site.stats() == {"started": 1000, "completed": 1000, "cancelled": 0}
    assert len(samples) >= 50, samples
    assert max(samples) == 10, samples
    # 100 rounds of 10 requests: at least 100 x L, far above the 10 x L that aiohttp's default
    # pool of 100 connections would need.
    first, last = since_first_line(run, waiting)[0], since_first_line(run, finished)[-1]
    assert_about(last - first, 5, early=0, late=2)  # latency 0.05 s


@pytest.mark.listing("11.8")
def test_11_8_a_stray_release_lets_three_tasks_hold_a_semaphore_of_two():
    run = ok(run_listing("11.8"))
    assert run.stderr == ""
    assert run.lines == [
        "Acquiring twice, releasing three times...",
        "Waiting to acquire",
        "Acquired",
        "Waiting to acquire",
        "Acquired",
        "Releasing as a one off!",
        "Released as a one off!",
        "Releasing",
        "Releasing",
        "Acquiring three times...",
        "Waiting to acquire",
        "Acquired",
        "Waiting to acquire",
        "Acquired",
        "Waiting to acquire",
        "Acquired",
        "Releasing",
        "Releasing",
        "Releasing",
    ]
    [second_round] = since_first_line(run, "Acquiring three times...")
    acquired = since_first_line(run, "Acquired")
    end = since_first_line(run, "Releasing")[-1]
    assert_about(second_round, 5, early=0.1, late=1.0)
    # All three acquired at once, so the second round took 5 s, not the 10 s of two permits.
    for when in acquired[2:]:
        assert_about(when - second_round, 0, late=0.5, what=acquired)
    assert_about(end - second_round, 5, early=0.1, late=1.0)


@pytest.mark.listing("11.9")
def test_11_9_a_bounded_semaphore_refuses_the_extra_release():
    run = run_listing("11.9")
    assert run.returncode == 1, run
    assert run.stdout == ""
    assert last_stderr_line(run) == "ValueError: BoundedSemaphore released too many times"


# --- 11.10-11.13: events ------------------------------------------------------------------------

@pytest.mark.listing("11.10")
def test_11_10_one_set_wakes_both_waiters():
    run = ok(run_listing("11.10"))
    assert run.stderr == ""
    assert run.lines == ["Waiting for event..."] * 2 + ["Performing work!"] * 2 + \
        ["Finished work!"] * 2
    performing = since_first_line(run, "Performing work!")
    finished = since_first_line(run, "Finished work!")
    for when in performing:  # the event is set 5 s after the start
        assert_about(when, 5, early=0.2, late=1.0, what=performing)
    assert performing[1] - performing[0] < 0.3, performing  # together: one set(), two waiters
    worked = [done - start for start, done in zip(performing, finished, strict=True)]
    assert_smallest(worked, 1, early=0.1, what="a worker's work")


@pytest.mark.listing("11.11")
def test_11_11_file_upload_collects_every_byte_until_eof():
    from chapter_11.listing_11_11 import FileUpload

    async def main():
        uploads: list[FileUpload] = []

        def client_connected(reader, writer):
            upload = FileUpload(reader, writer)
            upload.listen_for_uploads()
            uploads.append(upload)

        server = await asyncio.start_server(client_connected, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            await wait_until_async(lambda: uploads, 5, "the connection handed to FileUpload",
                                   interval=0.01)
            [upload] = uploads
            assert isinstance(upload._upload_task, asyncio.Task)  # the handle is kept
            early = asyncio.create_task(upload.get_contents())

            sent = bytes(range(256)) * 20  # 5,120 bytes: several 1,024-byte reads
            for start in range(0, len(sent), 1000):
                writer.write(sent[start:start + 1000])
                await writer.drain()
                await asyncio.sleep(0.05)
                assert not early.done()  # no EOF yet: the upload is not complete
            await asyncio.sleep(0.2)
            assert not early.done()

            writer.write_eof()
            async with asyncio.timeout(5):
                assert await early == sent
                assert await upload.get_contents() == sent
                # The server closes the connection once the upload is complete, without a reply.
                assert await reader.read() == b""
            writer.close()
            await writer.wait_closed()
        finally:
            server.close()
            await server.wait_closed()

    asyncio.run(main())


def upload_client(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def finish_upload(client: socket.socket) -> bytes:
    """Half-close, then read what the server sends until it closes (nothing, we expect)."""
    client.shutdown(socket.SHUT_WR)
    received = b""
    while chunk := client.recv(4096):
        received += chunk
    client.close()
    return received


@pytest.mark.listing("11.12")
def test_11_12_file_server_prints_each_upload_when_the_client_is_done():
    port = free_port()
    with Listing("11.12", env={"SERVER_HOST": "127.0.0.1", "SERVICE_PORT": str(port)}) as server:
        server.wait_for_port(port)  # a connect-and-close probe: an empty upload, b''
        assert server.read_line(5) == "b''"

        first = upload_client(port)
        first.sendall(b"hello world\nsecond line\n")
        assert finish_upload(first) == b""
        assert server.read_line(5) == repr(b"hello world\nsecond line\n")

        second = upload_client(port)
        second.sendall(b"x" * 5000)
        assert finish_upload(second) == b""
        assert server.read_line(5) == repr(b"x" * 5000)

        # Two uploads at once, interleaved: each is printed whole when its client is done,
        # in completion order, and an upload still open prints nothing.
        slow, fast = upload_client(port), upload_client(port)
        for number in range(3):
            slow.sendall(f"slow {number}\n".encode())
            fast.sendall(f"fast {number}\n".encode())
            time.sleep(0.05)
        assert finish_upload(fast) == b""
        assert server.read_line(5) == repr(b"fast 0\nfast 1\nfast 2\n")
        slow.sendall(b"slow done\n")
        time.sleep(0.3)
        assert server.stdout.count("\n") == 4  # nothing yet for the open upload
        assert finish_upload(slow) == b""
        assert server.read_line(5) == repr(b"slow 0\nslow 1\nslow 2\nslow done\n")

        run = server.stop(signal.SIGINT)
    assert run.lines == [
        "b''",
        repr(b"hello world\nsecond line\n"),
        repr(b"x" * 5000),
        repr(b"fast 0\nfast 1\nfast 2\n"),
        repr(b"slow 0\nslow 1\nslow 2\nslow done\n"),
    ]
    # Ctrl-C: a KeyboardInterrupt traceback and nothing else wrong.
    assert last_stderr_line(run) == "KeyboardInterrupt"
    assert run.returncode == -signal.SIGINT, run
    assert "Task exception was never retrieved" not in run.stderr
    assert "Task was destroyed" not in run.stderr


@pytest.mark.listing("11.13")
def test_11_13_busy_workers_miss_most_of_the_events():
    run = ok(run_listing("11.13"))
    assert run.stderr == ""
    assert run.lines[:9] == [
        "Waiting for event...",
        "Waiting for event...",
        "Triggering event!",
        "Performing work!",
        "Performing work!",
        "Triggering event!",
        "Triggering event!",
        "Triggering event!",
        "Triggering event!",
    ]
    assert run.lines.count("Triggering event!") == 5
    # Five notifications, but at most three reactions: an Event does not queue them.
    assert 2 <= run.lines.count("Performing work!") <= 3
    assert set(run.lines[9:]) <= {"Finished work!", "Waiting for event...", "Performing work!"}
    triggers = since_first_line(run, "Triggering event!")
    assert_about(triggers[0], 0, late=0.2, what=triggers)
    assert_smallest([later - earlier for earlier, later in pairwise(triggers)], 1,
                    what="the trigger's period")
    assert_about(triggers[-1], 4, early=0.1, late=1.0, what=triggers)
    # The 5-second wait_for ends it.
    assert_about(run.seconds - run.timed_lines[0][0], 5, early=0.1, late=1.5, what=run.seconds)


# --- 11.14 and 11.15: conditions ----------------------------------------------------------------

CONDITION_CYCLE = [
    "About to notify, acquiring condition lock...",
    "Lock acquired, notifying all workers.",
    "Notification finished, releasing lock.",
    "Condition event fired, re-acquiring lock and doing work...",
    "Work finished, lock released.",
    "Waiting for condition lock...",
    "Condition event fired, re-acquiring lock and doing work...",
]


@pytest.mark.listing("11.14")
def test_11_14_workers_wake_together_but_work_one_at_a_time():
    with Listing("11.14") as listing:
        lines = [listing.read_line(15) for _ in range(22)]
        assert listing.running()  # it never finishes by itself
        run = listing.stop(signal.SIGINT)
    assert lines[:15] == [
        "Waiting for condition lock...",
        "Acquired lock, releasing and waiting for condition...",
        "Waiting for condition lock...",
        "Acquired lock, releasing and waiting for condition...",
        *CONDITION_CYCLE,
        "Work finished, lock released.",
        "Waiting for condition lock...",
        "Acquired lock, releasing and waiting for condition...",
        "Acquired lock, releasing and waiting for condition...",
    ]
    assert lines[15:22] == CONDITION_CYCLE  # the second notification, 5 s later
    notified = since_first_line(run, "About to notify, acquiring condition lock...")
    assert_about(notified[0], 5, early=0.2, late=1.0, what=notified)
    assert_about(notified[1] - notified[0], 5, early=0.1, late=1.0, what=notified)
    # The two workers' 1 s of work is serialised by the condition's lock.
    done = since_first_line(run, "Work finished, lock released.")
    assert len(done) == 3, done
    assert_smallest([done[0] - notified[0], done[1] - done[0], done[2] - notified[1]], 1,
                    early=0.1, what="a worker's 1 s of work")
    assert_about(done[1] - notified[0], 2, early=0.1, late=0.8, what="both, one after the other")
    assert last_stderr_line(run) == "KeyboardInterrupt"
    assert run.returncode == -signal.SIGINT, run


@pytest.mark.listing("11.15")
def test_11_15_queries_wait_for_the_initialized_state():
    run = ok(run_listing("11.15"))
    assert run.stderr == ""
    not_yet = "_is_initialized: Connection not finished initializing, state is ConnectionState."
    assert run.lines == [
        "execute: Waiting for connection to initialize",
        not_yet + "WAIT_INIT",
        "execute: Waiting for connection to initialize",
        not_yet + "WAIT_INIT",
        "change_state: State changing from ConnectionState.WAIT_INIT to "
        "ConnectionState.INITIALIZING",
        "initialize: Initializing connection...",
        not_yet + "INITIALIZING",
        not_yet + "INITIALIZING",
        "initialize: Finished initializing connection",
        "change_state: State changing from ConnectionState.INITIALIZING to "
        "ConnectionState.INITIALIZED",
        "_is_initialized: Connection is initialized!",
        "execute: Running select * from table!!!",
        "_is_initialized: Connection is initialized!",
        "execute: Running select * from other_table!!!",
    ]
    finished = run.lines.index("initialize: Finished initializing connection")
    assert not any(line.startswith("execute: Running") for line in run.lines[:finished])
    [first] = since_first_line(run, "execute: Running select * from table!!!")
    [second] = since_first_line(run, "execute: Running select * from other_table!!!")
    assert_about(first, 3, early=0.1, late=0.9)  # after 3 s of initialization
    # the first query kept the lock for 3 s
    assert_about(second - first, 3, early=0.1, late=0.9, what=second)
    assert_about(run.seconds - run.timed_lines[0][0], 9, early=0.1, late=2, what=run.seconds)

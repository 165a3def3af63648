"""The latency proxy (util.tools.latency_proxy) and `--latency`: a round trip takes twice the
one-way latency, order is kept (jitter included), an end on either side reaches the other,
buffering is bounded, and `util run N.M --latency MS` slows a listing's round trips to Postgres.

The proxy's own tests run it in the test's event loop, beside the servers and clients they use.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from tests.support import assert_about, assert_smallest, ok, run_program, wait_until_async
from util.tools.latency_proxy import CHUNK, QUEUE_CHUNKS, LatencyProxy
from util.tools.processes import port_open

LATENCY = 0.05  # one way, seconds

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(CHUNK):
        writer.write(data)
        await writer.drain()
    writer.close()


async def through_proxy(handler: Handler, latency: float = LATENCY, jitter: float = 0.0):
    """A server running `handler`, a proxy in front of it, and a client connected to the proxy:
    (proxy, client reader, client writer, the servers to close)."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    proxy = LatencyProxy("127.0.0.1", server.sockets[0].getsockname()[1], latency, jitter)
    listening = await proxy.serve("127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", listening.sockets[0].getsockname()[1])
    return proxy, reader, writer, (server, listening)


def close(servers) -> None:
    for server in servers:
        server.close()


def test_a_round_trip_takes_twice_the_latency():
    async def round_trips() -> list[float]:
        _proxy, reader, writer, servers = await through_proxy(echo)
        times = []
        for _ in range(5):
            started = time.monotonic()
            writer.write(b"ping\n")
            assert await reader.readline() == b"ping\n"
            times.append(time.monotonic() - started)
        writer.close()
        close(servers)
        return times

    times = asyncio.run(round_trips())
    assert min(times) >= 2 * LATENCY - 0.001, times  # each way waits its latency out
    # 0.1 s: not one way's latency (0.05 s), nor three (0.15 s)
    assert_smallest(times, 0.1, early=0.001, late=0.02, what="the round trips")


def test_many_small_writes_arrive_in_order_and_complete():
    messages = [f"{n}\n".encode() for n in range(5000)]

    async def send_all() -> bytes:
        _proxy, reader, writer, servers = await through_proxy(echo, latency=0.005)
        for message in messages:
            writer.write(message)
            await asyncio.sleep(0)  # one small write at a time, not one big one
        writer.write_eof()
        echoed = await reader.read()  # to the end: the echo server closes after our EOF
        writer.close()
        close(servers)
        return echoed

    assert asyncio.run(send_all()) == b"".join(messages)


def test_jitter_delays_but_never_reorders():
    """Messages 5 ms apart, each held 20 ms plus up to 40 ms: were each sent when its own delay
    ran out, many would overtake each other; they arrive in order, some held longer."""
    arrivals: list[tuple[float, bytes]] = []

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            arrivals.append((time.monotonic(), line))
        writer.close()

    async def send() -> list[float]:
        _proxy, _reader, writer, servers = await through_proxy(record, 0.02, jitter=0.04)
        sent = []
        for n in range(40):
            sent.append(time.monotonic())
            writer.write(f"{n}\n".encode())
            await asyncio.sleep(0.005)
        writer.close()
        await wait_until_async(lambda: len(arrivals) >= 40, 10, "the 40 lines arrived",
                               interval=0.01)
        close(servers)
        return sent

    sent = asyncio.run(send())
    assert [line for _, line in arrivals] == [f"{n}\n".encode() for n in range(40)]
    delays = [arrived - left for (arrived, _), left in zip(arrivals, sent, strict=True)]
    assert min(delays) >= 0.02 - 0.001, delays
    assert max(delays) - min(delays) > 0.01, f"no jitter seen: {delays}"


async def _ended_within(reader: asyncio.StreamReader) -> float:
    started = time.monotonic()
    assert await asyncio.wait_for(reader.read(), 5) == b""
    return time.monotonic() - started


def test_the_client_closing_closes_the_server_side_after_the_latency():
    async def one() -> float:
        ended = asyncio.get_running_loop().create_future()

        async def wait_for_end(reader: asyncio.StreamReader,
                               writer: asyncio.StreamWriter) -> None:
            assert await asyncio.wait_for(reader.read(), 5) == b""
            ended.set_result(time.monotonic())
            writer.close()

        _proxy, _reader, writer, servers = await through_proxy(wait_for_end)
        await asyncio.sleep(0.01)  # the proxy has connected to the server
        closed = time.monotonic()
        writer.close()
        seconds = await asyncio.wait_for(ended, 5) - closed
        close(servers)
        return seconds

    # the latency after the client's close: not at once, nor after two latencies (0.1 s);
    # three times, as load only delays
    ends = [asyncio.run(one()) for _ in range(3)]
    assert_smallest(ends, 0.05, early=0.005, late=0.02, what="the server sees the end")


def test_the_server_closing_closes_the_client_side_after_the_latency():
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    async def one() -> float:
        _proxy, reader, writer, servers = await through_proxy(hang_up)
        ended = await _ended_within(reader)
        writer.close()
        close(servers)
        return ended

    ends = [asyncio.run(one()) for _ in range(3)]  # load only delays: the smallest of three
    assert_smallest(ends, 0.05, early=0.005, late=0.02, what="the client sees it")


def test_a_half_close_still_lets_the_answer_through():
    """The client ends its sending (write_eof); the server reads to the end, then answers."""
    async def answer_at_the_end(reader: asyncio.StreamReader,
                                writer: asyncio.StreamWriter) -> None:
        writer.write(b"got %d bytes" % len(await reader.read()))
        await writer.drain()
        writer.close()

    async def run() -> bytes:
        _proxy, reader, writer, servers = await through_proxy(answer_at_the_end, 0.01)
        writer.write(b"x" * 100_000)
        writer.write_eof()
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        close(servers)
        return answer

    assert asyncio.run(run()) == b"got 100000 bytes"


def test_a_target_that_refuses_ends_the_client_connection():
    async def run() -> None:
        proxy = LatencyProxy("127.0.0.1", 1, 0.0)  # nothing listens on port 1
        listening = await proxy.serve("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", listening.sockets[0].getsockname()[1])
        with pytest.raises(ConnectionResetError):  # as if the target had refused
            await asyncio.wait_for(reader.read(), 5)
        writer.close()
        listening.close()

    asyncio.run(run())


def test_a_receiver_that_stops_reading_stops_the_proxy_reading_from_the_sender():
    """The server reads nothing at first: the client's 48 MiB stall (the kernel's buffers
    hold a few MiB on each socket) while the proxy holds at most its queue's worth, then all
    of it arrives, in order, once the server reads."""
    total = 48 * 2**20
    pattern = bytes(range(256)) * 4096  # 1 MiB
    reading = asyncio.Event()
    received = bytearray()

    async def slow_reader(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reading.wait()
        while data := await reader.read(CHUNK):
            received.extend(data)
        writer.close()

    async def run() -> int:
        proxy, _reader, writer, servers = await through_proxy(slow_reader, latency=0.0)

        async def send() -> None:
            for _ in range(total // len(pattern)):
                writer.write(pattern)
                await writer.drain()
            writer.write_eof()

        sending = asyncio.create_task(send())
        held = -1
        while held != proxy.held:  # until the proxy stops taking more
            held = proxy.held
            await asyncio.sleep(0.3)
        assert not sending.done(), "the sender is held back"
        peak = proxy.peak
        reading.set()
        await asyncio.wait_for(sending, 30)
        await wait_until_async(lambda: len(received) >= total, 30, "every byte received",
                               interval=0.05)
        writer.close()
        close(servers)
        return peak

    peak = asyncio.run(run())
    assert peak <= (QUEUE_CHUNKS + 2) * CHUNK, f"the proxy held {peak} bytes at most"
    assert received == pattern * (total // len(pattern))


def test_run_with_latency_slows_each_round_trip_to_postgres(products_db):
    """5.15 streams 1,000 products 50 at a time: through a proxy 25 ms away, one round trip
    (50 ms) separates each batch of 50 printed lines, where without it they follow at once."""
    result = ok(run_program("util", "run", "5.15", "--latency", "25", env=products_db.env,
                            timeout=120))
    assert "[util] latency proxy, 25 ms each way (a round trip 50 ms): Postgres through " \
           "127.0.0.1:" in result.stderr
    times = [when for when, _line in result.timed_lines]
    assert len(times) == 1000
    gaps = [times[n] - times[n - 1] for n in range(50, 1000, 50)]
    # stamped as the test reads the pipe: a line read late makes the gap after it look short.
    # 19 round trips of 50 ms (0.95 s; 1.0 s measured on the 2-core machine), not of 75 ms
    assert_about(times[-1] - times[49], 0.95, early=0.01, late=0.3, what="19 batches")
    # a gap can look short (its first line read late, with the line before), or long (load):
    # the fifth shortest of 19 stands clear of four short-looking ones and of fourteen late
    assert_about(sorted(gaps)[4], 0.05, early=0.01, late=0.02, what="a quick batch")
    port = int(result.stderr.partition("Postgres through 127.0.0.1:")[2].split()[0].strip(","))
    assert not port_open("127.0.0.1", port), "the proxy is stopped with the run"


@pytest.mark.parametrize("latency, message", [
    ("-1", "--latency -1: give a number of milliseconds from 0 up"),
    ("fast", "--latency 'fast' is not a number of milliseconds"),
    ("inf", "--latency inf: give a number of milliseconds from 0 up"),
])
def test_a_bad_latency_is_one_clear_line(latency, message):
    result = run_program("util", "run", "2.9", "--latency", latency)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"error: {message}"]

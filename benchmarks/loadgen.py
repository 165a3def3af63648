"""The load, from its own process: `python -m benchmarks.loadgen echo|http PORT CLIENTS SECONDS
[PATH]` prints one JSON line {"count": n, "seconds": s, "p50": ms, "p99": ms}; for echo also
"failed" (clients that could not connect or lost their connection), "error" (the first such
error) and "stalled" (clients still waiting for their line GRACE seconds after the deadline).

echo: each client connects, sends a line, reads lines until its own comes back (the chapter 8
server also sends greetings and notices), and repeats. http: each client sends GET PATH over
one keep-alive aiohttp connection, and repeats (used where wrk is not installed).
"""
from __future__ import annotations

import asyncio
import json
import sys
import time

from benchmarks.common import percentile

GRACE = 5.0  # seconds past the deadline an echo client may still wait for its line


async def echo_client(port: int, number: int, deadline: float, latencies: list,
                      last: list) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        sent = 0
        while time.perf_counter() < deadline:
            message = f"client {number} message {sent}\n".encode()
            start = time.perf_counter()
            writer.write(message)
            await writer.drain()
            while (line := await reader.readline()) != message:
                if not line:
                    return
            last[0] = time.perf_counter()  # when the latest line came back
            latencies.append(last[0] - start)
            sent += 1
    finally:
        writer.close()


async def http_client(url: str, session, deadline: float, latencies: list) -> None:
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        async with session.get(url) as response:
            await response.read()
            if response.status == 200:
                latencies.append(time.perf_counter() - start)


async def main(kind: str, port: int, clients: int, seconds: float, path: str) -> dict:
    latencies: list[float] = []
    start = time.perf_counter()
    deadline = start + seconds
    outcome, end = {}, None
    if kind == "echo":
        # A broadcasting server (8.12) can stall every client behind one that stopped reading
        # at the deadline (the book's design, see its docstring): stop waiting then. A client
        # that fails (refused, reset) is counted; the others go on.
        results, stalled, last = [], False, [start]
        try:
            async with asyncio.timeout(seconds + GRACE):
                results = await asyncio.gather(*[echo_client(port, n, deadline, latencies, last)
                                                 for n in range(clients)],
                                               return_exceptions=True)
        except TimeoutError:
            stalled = True
            if latencies:  # the rate: the lines that came back over the time they took
                end = last[0]
        errors = [r for r in results if isinstance(r, BaseException)]
        outcome = {"failed": len(errors), "stalled": stalled,
                   "error": f"{type(errors[0]).__name__}: {errors[0]}" if errors else ""}
    else:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=clients)
        async with aiohttp.ClientSession(connector=connector) as session:
            url = f"http://127.0.0.1:{port}{path}"
            await asyncio.gather(*[http_client(url, session, deadline, latencies)
                                   for _ in range(clients)])
    elapsed = (end or time.perf_counter()) - start
    milliseconds = [latency * 1000 for latency in latencies]
    return {"count": len(latencies), "seconds": elapsed, "p50": percentile(milliseconds, 0.5),
            "p99": percentile(milliseconds, 0.99), **outcome}


if __name__ == "__main__":
    kind, port, clients, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        float(sys.argv[4])
    path = sys.argv[5] if len(sys.argv) > 5 else "/"
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        print(json.dumps(runner.run(main(kind, port, clients, seconds, path))))

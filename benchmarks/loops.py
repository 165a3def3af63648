"""Event loops: the chapter 3 and chapter 8 echo servers on the default loop and on uvloop.

Listing 3.8 (sock_recv/sock_sendall, one task per client) and listing 8.12 (streams and a
server object) run unchanged in a child process (benchmarks.echo_runner), on asyncio's loop or
uvloop's (chapter 14, listing 14.4); C clients in another process (benchmarks.loadgen, on
uvloop) each send a line and wait for it to come back, again and again, for a few seconds.

A cell (one loop at one client count) that fails, a server that does not start or exits, a
load that gets no answer, is recorded as not measured, with what happened, and the other cells
go on: the report shows it in the table and under the chart.
"""
from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass

from benchmarks.common import (
    Comparison,
    Panel,
    Progress,
    Row,
    Side,
    Size,
    curve,
    interleave,
)
from benchmarks.load import Measured, Running, loadgen, server
from util.tools.processes import free_port

NAME = "loops"
TITLE = "Echo servers (3.8, 8.12): messages per second, default loop vs uvloop"
CHAPTERS = "3, 8, 14"
CLAIM = ("uvloop, an event loop built on libuv, is a drop-in replacement that makes asyncio "
         "servers faster (14.4); the book gives no figure.")
SERVERS = {"3.8": "chapter_03.listing_3_8", "8.12": "chapter_08.listing_8_12"}
LOOPS = {"default loop": "default", "uvloop": "uvloop"}
STARTS = 2  # attempts to start a server (a port picked free can be taken before it binds)


@dataclass
class Target:
    """Where one side's load goes: a port, the server there (None: not started here) and,
    if it did not start, why."""

    port: int
    running: Running | None = None
    down: str = ""


def start(stack: contextlib.ExitStack, listing: str, module: str, loop: str,
          name: str) -> Target:
    """Start `module`'s echo server on `loop` inside `stack`; a Target, started or not."""
    why = ""
    for _ in range(STARTS):
        port = free_port()
        command = [sys.executable, "-m", "benchmarks.echo_runner", module, loop]
        try:
            running = stack.enter_context(server(
                command, port, {"SERVER_PORT": str(port), "SERVER_HOST": "127.0.0.1"},
                f"{listing} on {name}"))
        except RuntimeError as error:
            why = str(error)
            continue
        return Target(port, running)
    return Target(port, down=why)


def echo_load(target: Target, clients: int, seconds: float) -> dict:
    """One measurement against a target; a RuntimeError saying why there is none."""
    if target.down:
        raise RuntimeError(target.down)
    if target.running is not None and (ended := target.running.exited()):
        raise RuntimeError(ended)
    try:
        return loadgen("echo", target.port, clients, seconds)
    except RuntimeError as error:
        ended = target.running.exited() if target.running is not None else ""
        raise RuntimeError(f"{error}; {ended}" if ended else str(error)) from None


def measure(listing: str, targets: dict[str, Target], clients: list[int], seconds: float,
            rounds: int, progress: Progress | None = None) -> tuple[list[Row], Panel]:
    """The rows (one per client count) and the chart panel of one server on each loop."""
    rows = []
    by_loop: dict[str, list[Side]] = {name: [] for name in targets}
    for index, c in enumerate(clients):
        measured, failures = Measured(), {}
        samples = interleave(
            {name: (lambda target=target, name=name, c=c, measured=measured:
                    measured.record(name, echo_load(target, c, seconds)))
             for name, target in targets.items()}, rounds, progress, warmup=index == 0,
            label=f"{listing} {c} clients", failures=failures)
        sides = [Side(name, values, unit="msg/s", extra=measured.extra(name),
                      failure=failures.get(name, ""))
                 for name, values in samples.items()]
        for side in sides:
            by_loop[side.name].append(side)
        rows.append(Row(f"{listing} echo, {c} clients", sides,
                        limit_text="the client shares the cores with the server",
                        book="uvloop faster (14.4), no figure"))
    panel = Panel(f"{listing} echo server", "concurrent clients", "messages/s",
                  [curve(name, clients, sides) for name, sides in by_loop.items()])
    return rows, panel


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    echo_clients = size.pick(tiny=[1, 4], quick=[1, 50], full=[1, 10, 100, 400])
    # 8.12 sends every newcomer's notice to every client, so its sweep stops lower. (Its cut
    # to 50 came from stalls past 50 clients that were the full stderr pipe of
    # benchmarks.load.server: with that fixed it answers at 400 too, with a long p99.)
    chat_clients = size.pick(tiny=[1, 4], quick=[1, 50], full=[1, 10, 50])
    seconds = size.pick(tiny=0.5, quick=0.2, full=2.0)
    rounds = size.n_rounds(tiny=1, quick=1, full=2)
    rows, panels = [], []
    for listing, module in SERVERS.items():
        clients = chat_clients if listing == "8.12" else echo_clients
        with contextlib.ExitStack() as stack:
            targets = {name: start(stack, listing, module, loop, name)
                       for name, loop in LOOPS.items()}
            listing_rows, panel = measure(listing, targets, clients, seconds, rounds, progress)
        rows += listing_rows
        panels.append(panel)
    notes = [f"Each measurement: {seconds:g} s of load; the load generator runs on uvloop in "
             "its own process, on the same cores as the server."]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes,
                      headline=len(echo_clients) - 1)

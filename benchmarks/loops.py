"""Event loops: the chapter 3 and chapter 8 echo servers on the default loop and on uvloop.

Listing 3.8 (sock_recv/sock_sendall, one task per client) and listing 8.12 (streams and a
server object) run unchanged in a child process (benchmarks.echo_runner), on asyncio's loop or
uvloop's (chapter 14, listing 14.4); C clients in another process (benchmarks.loadgen, on
uvloop) each send a line and wait for it to come back, again and again, for a few seconds.
"""
from __future__ import annotations

import sys

from benchmarks.common import (
    Comparison,
    Panel,
    Progress,
    Row,
    Side,
    Size,
    curve,
    free_port,
    interleave,
)
from benchmarks.load import Measured, loadgen, server

NAME = "loops"
TITLE = "Echo servers (3.8, 8.12): messages per second, default loop vs uvloop"
CHAPTERS = "3, 8, 14"
CLAIM = ("uvloop, an event loop built on libuv, is a drop-in replacement that makes asyncio "
         "servers faster (14.4); the book gives no figure.")
SERVERS = {"3.8": "chapter_03.listing_3_8", "8.12": "chapter_08.listing_8_12"}


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    echo_clients = size.pick(tiny=[1, 4], quick=[1, 50], full=[1, 10, 100, 400])
    # 8.12 sends every line to every client, and each client reads only until its own line
    # comes back: past about 50 clients its broadcasts stall behind one another
    chat_clients = size.pick(tiny=[1, 4], quick=[1, 50], full=[1, 10, 50])
    seconds = size.pick(tiny=0.5, quick=0.5, full=2.0)
    rounds = size.n_rounds(tiny=1, quick=1, full=2)
    rows, panels = [], []
    for listing, module in SERVERS.items():
        clients = chat_clients if listing == "8.12" else echo_clients
        by_loop: dict[str, list[Side]] = {"default loop": [], "uvloop": []}
        ports = {"default loop": free_port(), "uvloop": free_port()}
        starts = {name: server([sys.executable, "-m", "benchmarks.echo_runner", module,
                                "uvloop" if name == "uvloop" else "default"], port,
                               {"SERVER_PORT": str(port), "SERVER_HOST": "127.0.0.1"},
                               f"{listing} on {name}") for name, port in ports.items()}
        with starts["default loop"], starts["uvloop"]:
            for index, c in enumerate(clients):
                measured = Measured()
                samples = interleave(
                    {name: (lambda name=name, c=c, measured=measured, ports=ports:
                            measured.record(name, loadgen("echo", ports[name], c, seconds)))
                     for name in ports}, rounds, progress, warmup=index == 0,
                    label=f"{listing} {c} clients")
                sides = [Side(name, values, unit="msg/s", extra=measured.extra(name))
                         for name, values in samples.items()]
                for side in sides:
                    by_loop[side.name].append(side)
                rows.append(Row(f"{listing} echo, {c} clients", sides,
                                limit_text="the client shares the cores with the server",
                                book="uvloop faster (14.4), no figure"))
        panels.append(Panel(f"{listing} echo server", "concurrent clients", "messages/s",
                            [curve(name, clients, sides) for name, sides in by_loop.items()]))
    notes = [f"Each measurement: {seconds:g} s of load; the load generator runs on uvloop in "
             "its own process, on the same cores as the server."]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes,
                      headline=len(echo_clients) - 1)

"""Web servers: the book's GET /brands over the products database, under load.

- aiohttp: listing 9.2, `python -m chapter_09.listing_9_2` (one process, one event loop);
- Starlette under uvicorn: listing 9.8_fixed, `python -m chapter_09.listing_9_8_fixed`;
- Flask under gunicorn: listing 9.5, `gunicorn -w <cores> chapter_09.listing_9_5:app`
  (sync workers, one process per core, as section 9.1.4 suggests);
- Django async under uvicorn: benchmarks.django_brands (the book's Django project has no
  /brands; see that module).
All four run at once, each in its own process on a free port, against the same Postgres; the
load comes from another process: wrk where it is installed, else benchmarks.loadgen.
"""
from __future__ import annotations

import contextlib
import os
import sys

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
from benchmarks.load import Measured, have_wrk, http_load, server
from util.tools.gunicorn_options import no_control_socket
from util.tools.processes import free_port

NAME = "servers"
TITLE = "Web servers serving /brands: aiohttp, Starlette, Flask, Django async"
CHAPTERS = "9"
CLAIM = ("An aiohttp or ASGI server on one event loop serves the database-backed /brands "
         "endpoint at more requests per second than Flask, even with several worker "
         "processes (9.1.4, measured with wrk).")


def commands(cores: int) -> dict[str, tuple[list[str], str]]:
    """name -> (command with {port}, the variable naming the port)."""
    py = sys.executable
    return {
        "aiohttp (9.2)": ([py, "-m", "chapter_09.listing_9_2"], "WEB_PORT"),
        "Starlette/uvicorn (9.8)": ([py, "-m", "chapter_09.listing_9_8_fixed"], "SERVER_PORT"),
        f"Flask/gunicorn -w {cores} (9.5)": (
            [py, "-m", "gunicorn", "-w", str(cores), "-b", "127.0.0.1:{port}", "--log-level",
             "warning", *no_control_socket(), "chapter_09.listing_9_5:app"], ""),
        "Django async/uvicorn": ([py, "-m", "uvicorn", "benchmarks.django_brands:application",
                                  "--port", "{port}", "--log-level", "warning"], ""),
    }


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    cores = os.cpu_count() or 1
    clients = size.pick(tiny=[1, 4], quick=[16], full=[1, 16, 64, 256])
    seconds = size.pick(tiny=1.0, quick=1.0, full=3.0)
    rounds = size.n_rounds(tiny=1, quick=1, full=2)
    use_wrk = have_wrk()
    env = services.postgres_env() | {"SERVER_HOST": "127.0.0.1"}
    ports = {}
    by_server: dict[str, list[Side]] = {}
    rows = []
    with contextlib.ExitStack() as stack:
        for name, (command, variable) in commands(cores).items():
            port = ports[name] = free_port()
            argv = [part.replace("{port}", str(port)) for part in command]
            extra = {variable: str(port)} if variable else {}
            stack.enter_context(server(argv, port, env | extra, name))
        for index, c in enumerate(clients):
            measured = Measured()
            samples = interleave(
                {name: (lambda name=name, c=c, measured=measured:
                        measured.record(name, http_load(ports[name], "/brands", c, seconds,
                                                        use_wrk)))
                 for name in ports}, rounds, progress, warmup=index == 0,
                label=f"{c} clients")
            sides = [Side(name, values, unit="req/s", extra=measured.extra(name))
                     for name, values in samples.items()]
            for side in sides:
                by_server.setdefault(side.name, []).append(side)
            flask = next(i for i, s in enumerate(sides) if s.name.startswith("Flask"))
            rows.append(Row(f"/brands, {c} concurrent clients", sides, baseline=flask,
                            compare=0, limit_text="client and servers share the cores",
                            book="aiohttp serves more than Flask (9.1.4), no figure here"))
    panels = [
        Panel("Requests per second", "concurrent clients", "req/s",
              [curve(name, clients, sides) for name, sides in by_server.items()]),
        Panel("p99 latency", "concurrent clients", "ms",
              [curve(name, clients, [Side("", [s.extra["p99 (ms)"]]) for s in sides])
               for name, sides in by_server.items()], logy=True),
    ]
    tool = "wrk" if use_wrk else "benchmarks.loadgen (aiohttp; wrk is not installed)"
    notes = [f"Load: {tool}, {seconds:g} s per measurement, from its own process on the same "
             f"{cores} cores as the servers and Postgres. The ratio is aiohttp over Flask."]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes,
                      headline=len(clients) - 1)

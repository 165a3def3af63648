"""The book's headline claims, measured side by side and drawn: `python -m benchmarks`.

    python -m benchmarks [NAME …] [--quick] [--out DIR] [--rounds N] [--scale X]
                         [--postgres HOST:PORT] [--python PATH …]

One module per comparison, each built on the listings it measures (imported, not rewritten),
each exposing NAME, TITLE, CHAPTERS, CLAIM (what the book says) and
run(size, progress, services) -> common.Comparison:

    sleeps     N concurrent delay() waits, default loop vs uvloop (ch. 2, 14)
    requests   sequential requests, thread pools, aiohttp gather vs the stand-in, also with
               the site behind a latency proxy 0.5 to 2 ms away (ch. 1, 4, 7)
    postgres   sequential queries vs asyncpg pools of 1 … 12, also with the server behind a
               latency proxy 0.5 to 2 ms away, and 6.15's processes (ch. 5, 6)
    cpu        map-reduce and counting: one process vs process, thread and (3.14+)
               interpreter pools (ch. 6)
    threads    threads for pure-Python vs hashlib and NumPy work, the GIL (ch. 1, 7)
    servers    aiohttp, Starlette, Flask, Django async serving /brands under load (ch. 9)
    loops      the chapter 3 and 8 echo servers, default loop vs uvloop (ch. 3, 8, 14)
    queues     queue workers (ch. 12) and concurrent subprocesses (ch. 13)

common holds sizes, interleaved timing and the result records; services the stand-in and
Postgres; report the Markdown and the charts; machine the machine's description; pythons the
runs on several interpreters.

With `--python PATH` (once for each), every comparison runs on that Python too: each round in a
child process of each interpreter in turn, the running one first, and the report sets them side
by side (each row once per Python, a section of how many times better the last did than the
first, each interpreter named under Machine). `python -m benchmarks --python
.venv-3.13.0/bin/python` puts the project's 3.11 beside 3.13; PATH needs the project's packages
(an environment `uv sync` made for it), and may be a command: '.ci/sid-root run
.venv-3.15.2/bin/python' runs the sid root's 3.15 from the host.
"""

# every comparison's name (its module's NAME, the list above: tests/unit check both) and module,
# in the report's order
MODULES = {"sleeps": "sleeps", "requests": "web_requests", "postgres": "postgres",
           "cpu": "cpu", "threads": "threads", "servers": "servers", "loops": "loops",
           "queues": "queues"}
ORDER = tuple(MODULES)
POSTGRES = ("postgres", "servers")  # the comparisons that query Postgres (tests/unit check)


def comparison_module(name: str):
    """The module of comparison `name` (not `load`: the submodule benchmarks.load, once
    imported, would take that attribute of the package)."""
    import importlib

    return importlib.import_module(f"benchmarks.{MODULES[name]}")

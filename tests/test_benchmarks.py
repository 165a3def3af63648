"""benchmarks/: each comparison at a tiny size, its report and chart checked for sanity; the
command line's answers to bad input. No test asserts a speed-up: only that every side was
measured, ratios are positive and no side beats its ideal by more than the noise."""
from __future__ import annotations

import asyncio
import contextlib
import math
import os
import platform
import socket
import subprocess
import sys

import pytest

from benchmarks import ORDER, comparison_module, report
from benchmarks.common import Comparison, Size
from benchmarks.load import server
from benchmarks.services import PRODUCTS, Services
from tests.support import REPO, free_port, ok
from tests.support.run_wide import run_lock
from util.tools.book_databases import copy_database

NOISE = 0.10  # how far a measurement may beat its ideal (clock and scheduling jitter)
# The cpu and postgres comparisons fork their process pools, as 6.8 and 6.15 do on Linux before
# 3.14; 3.12+ warns because pytest-xdist's worker has a second thread (execnet's receiver), which
# holds no lock the pool's children use. (The command line's progress bar runs without tqdm's
# monitor thread; a pool's own threads, still exiting when the next pool forks, may be counted.)
pytestmark = pytest.mark.filterwarnings(
    r"ignore:This process \(pid=\d+\) is multi-threaded, use of fork\(\):DeprecationWarning")


@pytest.fixture(scope="module")
def services(postgres, loaded_template):
    """The benchmarks' services on the tests' Postgres, its products database (one name, for the
    run's workers that share that server) copied from the filled template once."""
    with run_lock("benchmarks-products"):
        if not asyncio.run(postgres.database_exists(PRODUCTS)):
            asyncio.run(copy_database(postgres, loaded_template("products"), PRODUCTS))
    with Services(postgres_address=(postgres.host, postgres.port)) as running:
        yield running


def check(comparison, tmp_path):
    assert comparison.rows, "no rows"
    for row in comparison.rows:
        assert row.sides, row.what
        for side in row.sides:
            assert side.samples, f"{row.what}: {side.name} not measured"
            assert all(math.isfinite(v) and v > 0 for v in side.samples), (row.what, side)
            if row.floor is not None and not side.higher_is_better:
                assert side.low >= row.floor * (1 - NOISE), (row.what, side.name, side.low)
        if len(row.sides) > 1:
            assert row.ratio > 0
    machine = {"cpu": "test", "cores": os.cpu_count(), "memory": "?", "system": "?",
               "python": sys.version.split()[0], "libraries": {}, "wrk": "?", "date": "now",
               "load_start": 0.1, "load_end": 0.1}
    path = report.write([comparison], machine, tmp_path)
    text = path.read_text()
    assert f"## {comparison.name}:" in text and "| what |" in text
    png = tmp_path / f"{comparison.name}.png"
    from PIL import Image

    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.size == report.chart_size(len(comparison.panels) or 1)


def beyond_limit(comparison) -> dict[str, float]:
    """Rows whose speed-up is past their limit (as far as tiny sizes allow): what -> ratio."""
    return {row.what: row.ratio for row in comparison.rows
            if row.limit is not None and row.ratio > row.limit * 1.5 + NOISE}


def assert_within_limits(comparison, run_again, attempts: int = 3) -> None:
    """A speed-up past its limit is impossible, so it is a side measured late, by load, never
    early: measure again and keep each row's smallest ratio; a wrong benchmark stays past it."""
    over = beyond_limit(comparison)
    for _ in range(attempts - 1):
        if not over:
            return
        again = beyond_limit(run_again())
        over = {what: min(ratio, again.get(what, 0)) for what, ratio in over.items()
                if what in again}
    limits = {row.what: row.limit for row in comparison.rows}
    assert not over, {what: (ratio, limits[what]) for what, ratio in over.items()}


@pytest.mark.parametrize("name", ORDER)
def test_comparison_at_tiny_size(name, services, tmp_path, monkeypatch):
    """... leaving the reader's home untouched (gunicorn 25.1+ made ~/.gunicorn/ for its
    control socket)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    comparison = comparison_module(name).run(Size("tiny"), None, services)
    assert list(home.iterdir()) == [], "the benchmark wrote into HOME"
    monkeypatch.undo()
    assert comparison.name == name
    check(comparison, tmp_path)
    assert_within_limits(comparison,
                         lambda: comparison_module(name).run(Size("tiny"), None, services))


def cpu_report(tmp_path) -> tuple[Comparison, str]:
    comparison = comparison_module("cpu").run(Size("tiny"))
    check(comparison, tmp_path)
    assert_within_limits(comparison, lambda: comparison_module("cpu").run(Size("tiny")))
    return comparison, (tmp_path / "report.md").read_text()


@pytest.mark.skipif(sys.version_info < (3, 14),
                    reason="concurrent.futures.InterpreterPoolExecutor is new in Python 3.14")
def test_cpu_measures_an_interpreter_pool_beside_the_process_and_thread_pools(tmp_path):
    """One interpreter per core, in the same interleaved run as the other sides: its rows share
    the one-process side with the process pools' rows, and say their ratio and limit."""
    comparison, text = cpu_report(tmp_path)
    cores = os.cpu_count()
    rows = {row.what: row for row in comparison.rows}
    mapped = rows["map-reduce in an interpreter pool (a GIL each, 3.14+)"]
    counted = rows["counts in an interpreter pool (a GIL each, 3.14+)"]
    threaded = rows["map-reduce in a thread pool (one GIL)"]
    assert [side.name for side in mapped.sides] == ["one process (6.7's loop)",
                                                    f"{cores} interpreters"]
    assert [side.name for side in counted.sides] == ["one process (6.4's count)",
                                                     f"{cores} interpreters"]
    assert mapped.sides[0] is comparison.rows[0].sides[0] is threaded.sides[0]
    assert counted.sides[0] is comparison.rows[1].sides[0]
    for row in (mapped, counted):
        assert row.limit == cores
        assert f"x ({cores} interpreters vs one process (" in text
        assert f"| {row.what} | " in text and f"{cores} cores: at most {cores}x; measured" in text
    assert not any("InterpreterPoolExecutor" in note for note in comparison.notes)


@pytest.mark.skipif(sys.version_info >= (3, 14),
                    reason="before Python 3.14 there is no InterpreterPoolExecutor")
def test_cpu_before_3_14_has_no_interpreter_pool_and_says_why_in_one_line(tmp_path):
    comparison, text = cpu_report(tmp_path)
    assert not any("interpreter" in side.name for row in comparison.rows for side in row.sides)
    assert "map-reduce in a thread pool (one GIL)" in [row.what for row in comparison.rows]
    why = (f"- No interpreter pool: concurrent.futures.InterpreterPoolExecutor needs Python 3.14 "
           f"or later, and this is {sys.version.split()[0]}.\n")
    assert text.count(why) == 1 and text.count("InterpreterPoolExecutor") == 1


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "benchmarks", *args, "--no-progress"],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env=os.environ | (env or {}))


@pytest.mark.parametrize("args, message", [
    (["nosuch"], "unknown benchmark 'nosuch'"),
    (["sleeps", "--scale", "0"], "--scale must be greater than 0"),
    (["sleeps", "--rounds", "0"], "--rounds must be at least 1"),
    (["sleeps", "--bogus"], "unrecognized arguments"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_no_postgres_is_one_line_and_exit_2(tmp_path):
    port = free_port()  # nothing listens there
    result = run_cli("postgres", "--tiny", "--postgres", f"127.0.0.1:{port}",
                     "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"benchmarks: no Postgres answers at 127.0.0.1:{port} " \
                                    "(--postgres)"
    assert not (tmp_path / "report.md").exists()


def test_cli_writes_report_and_chart(tmp_path):
    ok(run_cli("sleeps", "--tiny", "--out", str(tmp_path)))
    text = (tmp_path / "report.md").read_text()
    assert "## Machine" in text and "cores" in text and "sleeps.png" in text
    assert (tmp_path / "sleeps.png").stat().st_size > 1000


def test_a_loops_cell_that_fails_is_recorded_and_the_rest_reported(tmp_path):
    """One side's load goes to a port where nothing listens (connection refused): its cells are
    recorded as not measured, saying why, while the real 3.8 server's cells are measured, and
    the report and chart are still written."""
    loops = comparison_module("loops")
    with contextlib.ExitStack() as stack, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))  # held but not listening: every connection is refused
        dead = taken.getsockname()[1]
        targets = {"default loop": loops.start(stack, "3.8", loops.SERVERS["3.8"], "default",
                                               "default loop"),
                   "nothing listens": loops.Target(dead)}
        assert not targets["default loop"].down
        rows, panel = loops.measure("3.8", targets, [1, 2], 0.3, 1)
    assert [row.what for row in rows] == ["3.8 echo, 1 clients", "3.8 echo, 2 clients"]
    for row in rows:
        alive, missing = row.sides
        assert alive.measured and alive.median > 0 and not alive.failure, row.what
        assert not missing.measured and math.isnan(missing.median), row.what
        assert f"no answer from the server on port {dead}" in missing.failure
        assert "ConnectionRefusedError" in missing.failure
        assert math.isnan(row.ratio) and row.ratio_text == "— (nothing listens not measured)"
    assert math.isnan(panel.curves[1].median[0]) and panel.curves[0].median[0] > 0
    comparison = Comparison(loops.NAME, loops.TITLE, loops.CHAPTERS, loops.CLAIM, rows,
                            [panel])
    machine = {"cpu": "test", "cores": 2, "memory": "?", "system": "?", "python": "3",
               "wrk": "?", "date": "now"}
    text = report.write([comparison], machine, tmp_path).read_text()
    assert "**nothing listens**: not measured (no answer from the server on port" in text
    assert "- Not measured: 3.8 echo, 2 clients, nothing listens: no answer" in text
    assert "**default loop**: " in text and "msg/s [" in text
    assert (tmp_path / "loops.png").stat().st_size > 1000


def test_a_server_that_logs_a_lot_still_answers():
    """benchmarks.load.server keeps a server's stderr in a file: through a pipe nobody read, a
    server logging 64 KiB (8.12 logs a traceback per client that leaves) blocked in write()
    and answered nobody again."""
    port = free_port()
    program = ("import socket, sys\n"
               f"listener = socket.create_server(('127.0.0.1', {port}))\n"
               "while True:\n"
               "    connection, _ = listener.accept()\n"
               "    sys.stderr.write('x' * 1_000_000 + '\\nlast line\\n'); sys.stderr.flush()\n"
               "    connection.sendall(connection.recv(100)); connection.close()\n")
    with server([sys.executable, "-c", program], port, {}, "a noisy server") as running:
        for _ in range(2):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
                client.sendall(b"hello\n")
                assert client.recv(100) == b"hello\n"
        assert running.exited() == "" and running.last_line() == "last line"
    assert running.process.poll() is not None


# --python: several interpreters in one run -----------------------------------------------------

def python_with_this_environment(folder) -> str:
    """Another Python, with this environment's packages: a venv of the same version whose
    site-packages add this one's (a second, different interpreter without a second install)."""
    import sysconfig

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True,
                   capture_output=True, timeout=60)
    site = subprocess.run([str(folder / "bin" / "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    ours = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    with open(f"{site}/parent.pth", "w", encoding="utf-8") as pth:
        pth.writelines(f"import site; site.addsitedir({path!r})\n" for path in ours)
    return str(folder / "bin" / "python")


def test_two_pythons_side_by_side(tmp_path):
    """Each round of each comparison on each interpreter in turn: the report names both, shows
    every row once for each, sums them up and draws both."""
    other = python_with_this_environment(tmp_path / "other")
    version = platform.python_version()
    result = run_cli("sleeps", "--tiny", "--rounds", "2", "--python", other,
                     "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "report.md").read_text()
    label = version + sys.abiflags  # the same version twice: each labelled by its command too
    first = f"{label} ({str(sys.executable).removeprefix(f'{REPO}/')})"
    second = f"{label} ({other})"
    assert f"- Python **{first}**: CPython {version}" in text
    assert f"- Python **{second}**: CPython {version} (`{other}`); aiohttp " in text
    assert "## Pythons side by side" in text
    assert f"| {second} vs {first}: median [min–max] of the sides |" in text
    for n in (10, 100):
        what = f"{n} tasks of delay(0.05)"
        assert text.index(f"| **{first}**: {what} | **default loop**: ") \
            < text.index(f"| **{second}**: {what} | **default loop**: ")
        assert f"| sleeps | {what} | uvloop | " in text
    summary = text.split("## Summary", 1)[1].split("## Pythons", 1)[0]
    assert summary.count("| [sleeps](#") == 2
    from PIL import Image

    with Image.open(tmp_path / "out" / "sleeps.png") as image:
        assert image.size == report.chart_size(2)


def not_running(folder) -> list[str]:
    """The command lines of processes started from `folder` that still run."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if str(folder) in line:
            found.append(line)
    return found


@pytest.mark.parametrize("kind", ["missing", "no python", "no packages", "the same"])
def test_a_bad_python_is_one_line_and_exit_2(kind, tmp_path):
    if kind == "missing":
        python, message = str(tmp_path / "nosuch"), f"--python {tmp_path}/nosuch: no such file"
    elif kind == "no python":
        python = tmp_path / "fake"
        python.write_text("#!/bin/sh\necho 'I am not a Python' >&2\nexit 3\n")
        python.chmod(0o755)
        message = f"--python {python}: not a Python (I am not a Python)"
    elif kind == "no packages":
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")],
                       check=True, capture_output=True, timeout=60)
        python = tmp_path / "bare" / "bin" / "python"
        message = (f"--python {python} (CPython {platform.python_version()}) lacks the project's "
                   "packages (ModuleNotFoundError: No module named ")
    else:
        python, message = sys.executable, f"--python {sys.executable}: the same Python as "
    result = run_cli("sleeps", "--tiny", "--python", str(python), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"benchmarks: {message}")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert not_running(tmp_path) == []

"""benchmarks/: each comparison at a tiny size, its report and chart checked for sanity; the
command line's answers to bad input. No test asserts a speed-up: only that every side was
measured, ratios are positive and no side beats its ideal by more than the noise."""
from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from benchmarks import ORDER, load, report
from benchmarks.common import Size
from benchmarks.services import Services
from tests.support import REPO, free_port

NOISE = 0.10  # how far a measurement may beat its ideal (clock and scheduling jitter)


@pytest.fixture(scope="module")
def services(postgres):
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
        if row.limit is not None:
            # a speed-up beyond its limit is only noise, and tiny sizes are noisy: generous
            assert row.ratio <= row.limit * 1.5 + NOISE, (row.what, row.ratio, row.limit)
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


@pytest.mark.parametrize("name", ORDER)
def test_comparison_at_tiny_size(name, services, tmp_path):
    comparison = load(name).run(Size("tiny"), None, services)
    assert comparison.name == name
    check(comparison, tmp_path)


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
    result = run_cli("sleeps", "--tiny", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "report.md").read_text()
    assert "## Machine" in text and "cores" in text and "sleeps.png" in text
    assert (tmp_path / "sleeps.png").stat().st_size > 1000

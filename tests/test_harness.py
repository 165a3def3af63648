"""The test harness itself: a run's one Postgres is stopped however the run ends; free ports
no outgoing connection takes."""
import itertools
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support import REPO, listing_env, ok, timing, wait_until
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.processes import FREE_PORT_SLICE, FREE_PORTS, port_open


def test_a_run_ended_by_sigterm_stops_its_postgres_and_removes_its_folder():
    """A cancelled CI job sends SIGTERM: the controller ends the run as Ctrl-C does, and its
    pytest_unconfigure stops the Postgres the workers shared (it daemonized out of the tree)."""
    temporary = Path(tempfile.mkdtemp(prefix="asyncio-book-harness-"))
    temporary.chmod(0o755)  # the embedded Postgres runs as another user when we are root
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "tests/test_chapter_05.py", "--listing", "5.8",
         "-n", "1", "-q"], cwd=REPO, env=listing_env({"TMPDIR": str(temporary)}),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    record = None
    try:
        def records() -> list[Path]:
            return list(temporary.glob("asyncio-book-tests-*/postgres.json"))

        record = wait_until(records, 120, "the run's Postgres started",
                            give_up=lambda: run.poll() is not None)[0]
        port = json.loads(record.read_text())["port"]
        assert port_open("127.0.0.1", port)
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
        assert run.returncode != 0, output
        assert not port_open("127.0.0.1", port), output
        assert not list(temporary.glob("asyncio-book-tests-*")), "the run's folder is removed"
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
        if record is not None:  # left running when the harness failed: stopped here
            EmbeddedPostgres(port=0, data_dir=record.parent / "pg" / "data").stop()
        shutil.rmtree(temporary)  # pytest's own basetemp is in it


FREE_PORTS_PROBE = """
import json, socket
from util.tools.processes import free_port
first = free_port()
taken = socket.socket()
taken.bind(("127.0.0.1", first + 1))  # the next in turn, unless the slice wraps there
later = [free_port() for _ in range(20)]
print(json.dumps([first, first + 1, later]))
"""


def slice_of(port: int) -> int:
    return (port - FREE_PORTS.start) // FREE_PORT_SLICE


def test_free_ports_lie_below_the_ephemeral_range_in_a_slice_per_worker():
    """bind(0) hands out an ephemeral port, which any outgoing connection may take before the
    server binds it: free_port draws below that range, each xdist worker from its own slice,
    in turn, skipping a port that is taken."""
    ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    slices = []
    for worker in ("gw0", "gw5"):
        result = subprocess.run([sys.executable, "-c", FREE_PORTS_PROBE], cwd=REPO,
                                env=listing_env({"PYTEST_XDIST_WORKER": worker}),
                                capture_output=True, text=True, timeout=30)
        ok(result)
        first, taken, later = json.loads(result.stdout)
        ports = [first, *later]
        assert all(port < ephemeral_low for port in ports), ports
        assert len(set(ports)) == len(ports), "never the same port twice in a row"
        if slice_of(first) == slice_of(taken):  # the slice does not wrap there
            assert taken not in later, "a taken port is skipped"
        slices.append({slice_of(port) for port in ports})
    assert not slices[0] & slices[1], "two workers never draw from the same slice"


TICKS = ("import time\nfor _ in range(4):\n    time.sleep({interval})\n"
         "    print('tick', flush=True)\n")
HOG = "while True:\n    pass\n"


def tick_gaps(interval: float) -> list[float]:
    """The gaps between the lines of a program that prints a line every `interval` seconds."""
    program = subprocess.Popen([sys.executable, "-c", TICKS.format(interval=interval)],
                               stdout=subprocess.PIPE, text=True)
    try:
        arrivals = [time.monotonic() for _ in program.stdout]
    finally:
        program.kill()
        program.wait()
    return [later - earlier for earlier, later in itertools.pairwise(arrivals)]


def test_the_smallest_gap_tells_1_s_from_1_5_s_under_two_cpu_hogs(monkeypatch):
    """tests.support.timing's technique: under two CPU hogs (as many as this machine has cores)
    and TIMING_SLACK=2, the smallest of three gaps of a 1 s interval passes, and a 1.5 s one
    does not."""
    monkeypatch.setattr(timing, "TIMING_SLACK", 2.0)
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(2)]
    try:
        timing.assert_smallest(tick_gaps(1.0), 1.0, what="a 1 s interval")
        with pytest.raises(AssertionError, match="the smallest of"):
            timing.assert_smallest(tick_gaps(1.5), 1.0, what="a 1.5 s interval")
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()

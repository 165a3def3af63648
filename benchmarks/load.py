"""Servers under load: start a server process, wait for its port, drive it from another process
(wrk where installed, else benchmarks.loadgen), and stop it, whatever happens.

A server's stderr goes to an unnamed temporary file, never to a pipe: nobody reads a pipe while
the server runs, and a server that logs (8.12 logs a traceback for every client that leaves
while it writes to it) fills the pipe's 64 KiB and then blocks in write(), its whole event
loop with it, so that every later client got no answer at all."""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from benchmarks.common import BenchmarkError, Sample, percentile
from util import settings
from util.tools.processes import port_open, stop_process, wait_until


class Running:
    """A server started by server(): its process, and what it has written to stderr."""

    def __init__(self, process: subprocess.Popen, log):
        self.process = process
        self.log = log

    def last_line(self) -> str:
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no output"

    def exited(self) -> str:
        """"" while the server runs; once it has exited, how it ended."""
        if self.process.poll() is None:
            return ""
        return f"the server exited (status {self.process.returncode}): {self.last_line()}"


@contextlib.contextmanager
def server(command: list[str], port: int, env: dict[str, str], name: str):
    """Run `command` until the block ends; wait for `port` first (one line if it never opens).
    Yields a Running."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=settings.REPO, env=os.environ | env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=log)
        running = Running(process, log)
        try:
            try:
                wait_until(lambda: port_open("127.0.0.1", port), 60, f"{name} listens",
                           interval=0.1, give_up=lambda: process.poll() is not None)
            except Exception:
                stop_process(process)
                raise RuntimeError(f"{name} did not start: {running.last_line()}") from None
            yield running
        finally:
            stop_process(process)


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, clients: int, seconds: float) -> dict:
    threads = max(1, min(clients, 2))
    result = subprocess.run(["wrk", "-t", str(threads), "-c", str(clients), "-d",
                             f"{max(1, round(seconds))}s", "--latency", url],
                            capture_output=True, text=True, timeout=seconds + 60)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if result.returncode != 0 or not rate:
        raise RuntimeError(f"wrk failed: {(result.stderr or result.stdout).strip()[:200]}")
    p50 = re.search(r"^\s*50%\s+(\S+)", result.stdout, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", result.stdout, re.M)
    return {"rate": float(rate.group(1)), "p50": _milliseconds(p50.group(1)),
            "p99": _milliseconds(p99.group(1))}


def loadgen(kind: str, port: int, clients: int, seconds: float, path: str = "/") -> dict:
    """Run benchmarks.loadgen: {"rate", "p50", "p99", "failed"} (clients that failed), or a
    RuntimeError saying why there was no answer at all."""
    from benchmarks.loadgen import GRACE

    result = subprocess.run([sys.executable, "-m", "benchmarks.loadgen", kind, str(port),
                             str(clients), str(seconds), path], cwd=settings.REPO,
                            capture_output=True, text=True, timeout=seconds + 120)
    if result.returncode != 0:
        raise RuntimeError("load generator failed: "
                           + (result.stderr.strip().splitlines() or ["?"])[-1])
    data = json.loads(result.stdout)
    if not data["count"]:
        why = []
        if data.get("failed"):
            why.append(f"{data['failed']} of {clients} clients failed ({data['error'][:120]})")
        if data.get("stalled"):
            why.append(f"clients still waiting for their lines {GRACE:g} s after the load ended")
        raise RuntimeError(f"no answer from the server on port {port} in {seconds:g} s of "
                           f"load at {clients} clients" + (": " + "; ".join(why) if why else ""))
    return {"rate": data["count"] / data["seconds"], "p50": data["p50"], "p99": data["p99"],
            "failed": data.get("failed", 0)}


def http_load(port: int, path: str, clients: int, seconds: float, use_wrk: bool) -> dict:
    if use_wrk:
        return wrk(f"http://127.0.0.1:{port}{path}", clients, seconds)
    return loadgen("http", port, clients, seconds, path)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


class Measured:
    """Collects the p50/p99 of each call next to its rate (the Sample interleave records)."""

    def __init__(self):
        self.latencies: dict[str, list[tuple[float, float]]] = {}
        self.failed: dict[str, int] = {}  # the most clients that failed in one call

    def record(self, name: str, result: dict) -> Sample:
        self.latencies.setdefault(name, []).append((result["p50"], result["p99"]))
        self.failed[name] = max(self.failed.get(name, 0), result.get("failed", 0))
        return Sample(result["rate"])

    def extra(self, name: str) -> dict[str, float]:
        values = self.latencies.get(name)
        if not values:
            return {}
        extra = {"p50 (ms)": percentile([p50 for p50, _ in values], 0.5),  # their medians
                 "p99 (ms)": percentile([p99 for _, p99 in values], 0.5)}
        if self.failed.get(name):
            extra["clients failed"] = self.failed[name]
        return extra


__all__ = ["BenchmarkError", "Measured", "Running", "have_wrk", "http_load", "loadgen", "server"]

"""Servers under load: start a server process, wait for its port, drive it from another process
(wrk where installed, else benchmarks.loadgen), and stop it, whatever happens."""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys

from benchmarks.common import BenchmarkError, Sample
from util import settings
from util.tools.processes import port_open, stop_process, wait_until


@contextlib.contextmanager
def server(command: list[str], port: int, env: dict[str, str], name: str):
    """Run `command` until the block ends; wait for `port` first (one line if it never opens)."""
    process = subprocess.Popen(command, cwd=settings.REPO, env=os.environ | env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        try:
            wait_until(lambda: port_open("127.0.0.1", port), 60, f"{name} listens",
                       interval=0.1, give_up=lambda: process.poll() is not None)
        except Exception:
            stop_process(process)
            tail = process.stderr.read().decode(errors="replace").strip().splitlines()[-1:]
            raise RuntimeError(f"{name} did not start: {' '.join(tail) or 'no output'}") \
                from None
        yield process
    finally:
        stop_process(process)
        process.stderr.close()


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
    result = subprocess.run([sys.executable, "-m", "benchmarks.loadgen", kind, str(port),
                             str(clients), str(seconds), path], cwd=settings.REPO,
                            capture_output=True, text=True, timeout=seconds + 120)
    if result.returncode != 0:
        raise RuntimeError("load generator failed: "
                           + (result.stderr.strip().splitlines() or ["?"])[-1])
    data = json.loads(result.stdout)
    if not data["count"]:
        raise RuntimeError(f"no answer from the server on port {port}")
    return {"rate": data["count"] / data["seconds"], "p50": data["p50"], "p99": data["p99"]}


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

    def record(self, name: str, result: dict) -> Sample:
        self.latencies.setdefault(name, []).append((result["p50"], result["p99"]))
        return Sample(result["rate"])

    def extra(self, name: str) -> dict[str, float]:
        values = self.latencies.get(name) or [(float("nan"), float("nan"))]
        p50 = sorted(v[0] for v in values)[len(values) // 2]
        p99 = sorted(v[1] for v in values)[len(values) // 2]
        return {"p50 (ms)": p50, "p99 (ms)": p99}


__all__ = ["BenchmarkError", "Measured", "have_wrk", "http_load", "loadgen", "server"]

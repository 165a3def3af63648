"""Processes and ports: one port check, one wait, one way to stop a process, its exit status."""
from __future__ import annotations

import itertools
import os
import random
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if something accepts a TCP connection on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# free_port draws below the kernel's ephemeral range (where bind(0) draws, and every outgoing
# connection too), each process from a slice of its own: an xdist worker "gwN" from slice N+1
FREE_PORTS = range(15000, 32000)
FREE_PORT_SLICE = 1000
_handed_out: Iterator[int] | None = None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on, for a server about to start. Not bind(0)'s: an outgoing
    connection may take that ephemeral port before the server binds it (seen: "address already
    in use" while the test suite's clients connected). Ports are handed out in turn from this
    process's slice, so test workers never draw each other's, nor one twice in a row."""
    global _handed_out
    if _handed_out is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        slot = int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0
        slots = len(FREE_PORTS) // FREE_PORT_SLICE
        first = FREE_PORTS.start + (slot % slots) * FREE_PORT_SLICE
        start = random.randrange(FREE_PORT_SLICE)
        _handed_out = itertools.cycle([first + (start + i) % FREE_PORT_SLICE
                                       for i in range(FREE_PORT_SLICE)])
    for port in itertools.islice(_handed_out, FREE_PORT_SLICE):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port left in this process's slice on {host}")


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process `pid` listens on (found without connecting to them)."""
    import psutil  # only the callers that watch a process pay for it

    try:
        return {c.laddr.port for c in psutil.Process(pid).net_connections(kind="tcp")
                if c.status == psutil.CONN_LISTEN}
    except psutil.Error:
        return set()


def module_listening(module: str, port: int) -> int | None:
    """The PID of a `python -m <module>` process listening on `port`, if one is (found without
    connecting: a probe would count as a client of a chat server)."""
    import psutil

    for process in psutil.process_iter(["cmdline"]):
        if module in (process.info["cmdline"] or ()) and port in listening_ports(process.pid):
            return process.pid
    return None


class Timeout(Exception):
    """wait_until's condition did not become true in time."""


def wait_until(condition, timeout: float = 10, message: str = "condition",
               interval: float = 0.02, give_up=None):
    """Poll `condition()` until it returns something true and return that. Raise Timeout after
    `timeout` seconds, or as soon as `give_up()` is true (a process that exited, say)."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if give_up is not None and give_up():
            raise Timeout(f"{message}: gave up")
        if time.monotonic() > deadline:
            raise Timeout(f"{message}: not true after {timeout} s")
        time.sleep(interval)
    return result


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited after `timeout` seconds; always reaped."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def wait_for_start(process: subprocess.Popen, ready, what: str, log: Path | None,
                   interval: float = 0.02) -> str | None:
    """Wait up to 15 s for `ready()` while `process` runs. None once it is ready; if it exited
    or never got ready, stop it and return its last line of output (from `log`, or from its
    stderr pipe), or "the WHAT did not start". Ctrl-C while waiting stops it too."""
    try:
        wait_until(ready, 15, f"the {what}", interval=interval,
                   give_up=lambda: process.poll() is not None)
        return None
    except BaseException as error:  # a Timeout, or Ctrl-C while it starts
        stop_process(process)
        if not isinstance(error, Timeout):
            raise
    output = log.read_bytes() if log else process.stderr.read()
    lines = output.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"the {what} did not start"


def exit_status(returncode: int) -> int:
    """A child's returncode as a shell reports it: 128 + N for one killed by signal N."""
    return 128 - returncode if returncode < 0 else returncode

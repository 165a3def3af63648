"""Running listings the way a reader does, for the tests: `python -m`, unbuffered, with a timeout.

`run_listing("2.9")` runs a script to completion and returns its output, exit code, wall time and
the time each stdout line arrived. `Listing("3.8", env=...)` starts a server listing in the
background, waits for its port, reads its output while it runs and stops it with a signal.
"""
from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from util.services import listening_ports

REPO = Path(__file__).resolve().parent.parent


def module_name(listing: str) -> str:
    """ "2.9" -> "chapter_02.listing_2_9"; "4.16_fixed" -> "chapter_04.listing_4_16_fixed";
    a dotted module name is returned as it is."""
    match = re.fullmatch(r"(\d+)\.(\d+)(_\w+)?", listing)
    if not match:
        return listing
    chapter, number, suffix = match.groups()
    return f"chapter_{int(chapter):02d}.listing_{int(chapter)}_{int(number)}{suffix or ''}"


def listing_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a listing runs in: ours, unbuffered, the repository importable from
    any working directory, plus `env`."""
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "COV_"))}
    base |= {"PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    base.pop("PYTHONASYNCIODEBUG", None)
    return base | (env or {})


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 20,
                  process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process exited with {process.returncode} before "
                                 f"listening on {host}:{port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listening on {host}:{port} after {timeout} s")


def wait_until(condition, timeout: float = 10, message: str = "condition"):
    """Poll `condition()` until it returns something true, and return that; fail after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{message}: not true after {timeout} s")
        time.sleep(0.02)
    return result


def ok(run: Run) -> Run:
    """The run, once it is known to have exited with 0 (else fail, showing its output)."""
    assert run.returncode == 0, str(run)
    return run


@dataclass
class Run:
    stdout: str
    stderr: str
    returncode: int
    seconds: float
    timed_lines: list[tuple[float, str]] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def arrivals(self, text: str) -> list[float]:
        """When each stdout line equal to `text` arrived, in seconds after the start."""
        return [when for when, line in self.timed_lines if line == text]

    def __str__(self) -> str:
        return (f"exit {self.returncode} after {self.seconds:.2f} s\n--- stdout\n{self.stdout}"
                f"--- stderr\n{self.stderr}")


ASYNC_TIMED_START = re.compile(
    r"starting <function (\w+) at 0x[0-9a-fA-F]+> with args (\(.*\)) (\{.*\})")
ASYNC_TIMED_FINISH = re.compile(
    r"finished <function (\w+) at 0x[0-9a-fA-F]+> in (\d+\.\d{4}) second\(s\)")


def async_timed_shape(lines: list[str]) -> tuple[list[str], list[float]]:
    """util.async_timed's lines with addresses and times taken out ("starting delay (2,) {}",
    "finished delay"), other lines as they are; and the reported times, in order."""
    shape, seconds = [], []
    for line in lines:
        if match := ASYNC_TIMED_START.fullmatch(line):
            shape.append(f"starting {match[1]} {match[2]} {match[3]}")
        elif match := ASYNC_TIMED_FINISH.fullmatch(line):
            shape.append(f"finished {match[1]}")
            seconds.append(float(match[2]))
        else:
            shape.append(line)
    return shape, seconds


class Listing:
    """A listing running in the background, in its own process group."""

    def __init__(self, listing: str, *args: str, env: dict[str, str] | None = None,
                 cwd: Path | str = REPO, python_args: tuple[str, ...] = (),
                 stdin: int | None = subprocess.DEVNULL):
        self.command = [sys.executable, "-u", *python_args, "-m", module_name(listing), *args]
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            self.command, cwd=cwd, env=listing_env(env), stdin=stdin, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.timed_lines: list[tuple[float, str]] = []
        self._ended: float | None = None
        self._stderr: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.timed_lines.append((time.monotonic() - self.started, line))
            self._lines.put(line)
        self._lines.put(None)

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self._stderr.append(line)

    @property
    def stdout(self) -> str:
        return "".join(line + "\n" for _, line in self.timed_lines)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def wait_for_port(self, port: int, host: str = "127.0.0.1", timeout: float = 20) -> None:
        wait_for_port(port, host, timeout, self.process)

    def wait_until_listening(self, port: int, timeout: float = 20) -> None:
        """Wait until the listing listens on `port` without connecting to it (for servers
        where a probe connection would count as a client)."""
        deadline = time.monotonic() + timeout
        while port not in listening_ports(self.process.pid):
            if not self.running():
                raise AssertionError(f"the listing exited before listening on {port}:\n{self}")
            if time.monotonic() > deadline:
                raise AssertionError(f"not listening on {port} after {timeout} s:\n{self}")
            time.sleep(0.05)

    def read_line(self, timeout: float = 10) -> str:
        """The next stdout line; fails if none arrives in time or the output ends."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output line within {timeout} s; so far:\n{self}") from None
        if line is None:
            self._lines.put(None)
            raise AssertionError(f"output ended:\n{self}")
        return line

    def wait_for_line(self, pattern: str, timeout: float = 10) -> re.Match:
        """Read lines until one matches the regular expression `pattern`."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{self}")
            match = re.search(pattern, self.read_line(remaining))
            if match:
                return match

    def send_signal(self, signum: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def wait(self, timeout: float = 10) -> Run:
        """Wait for the listing to exit by itself; fails (and kills it) after `timeout`."""
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.result()
            raise AssertionError(f"still running after {timeout} s:\n{self}") from None
        self._ended = time.monotonic()
        return self.result()

    def stop(self, signum: int = signal.SIGINT, timeout: float = 10) -> Run:
        """Send `signum` and wait for the exit; fails (and kills it) if it does not exit."""
        self.send_signal(signum)
        return self.wait(timeout)

    def kill(self) -> None:
        """Kill the listing and anything it started (its whole process group)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self._ended = self._ended or time.monotonic()

    def running(self) -> bool:
        return self.process.poll() is None

    def result(self) -> Run:
        for reader in self._readers:
            reader.join(5)
        ended = self._ended or time.monotonic()
        return Run(self.stdout, self.stderr, self.process.returncode, ended - self.started,
                   list(self.timed_lines))

    def __str__(self) -> str:
        return f"$ {' '.join(self.command)}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"

    def __enter__(self) -> Listing:
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill()


def run_listing(listing: str, *args: str, env: dict[str, str] | None = None,
                timeout: float = 60, cwd: Path | str = REPO,
                python_args: tuple[str, ...] = (), input: str | None = None) -> Run:
    """Run a listing to completion as `python -u -m chapter_NN.listing_N_M ARGS`."""
    stdin = subprocess.PIPE if input is not None else subprocess.DEVNULL
    with Listing(listing, *args, env=env, cwd=cwd, python_args=python_args,
                 stdin=stdin) as running:
        if input is not None:
            running.process.stdin.write(input)
            running.process.stdin.close()
        return running.wait(timeout)

"""Running a module as a reader does, for the tests: `python -u -m MODULE ARGS`, in its own
process group, with a timeout.

`Program("util", "list")` runs any `python -m` module; `Listing("2.9")` runs a book listing by
its number ("2.9", "4.16_fixed"). `run_program` / `run_listing` run one to completion and return
a `Run` (output, exit code, wall time, the time each stdout line arrived); used as context
managers they run in the background: wait for a port or a line, read the output while it runs,
stop it with a signal.
"""
from __future__ import annotations

import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tests.support.network import wait_for_port
from util.settings import REPO
from util.tools.processes import Timeout, free_port, listening_ports, wait_until

T = TypeVar("T")
LISTING_NUMBER = re.compile(r"(\d+)\.(\d+)(_\w+)?")


def module_name(listing: str) -> str:
    """A listing's module from its number: "2.9" -> "chapter_02.listing_2_9",
    "4.16_fixed" -> "chapter_04.listing_4_16_fixed"."""
    match = LISTING_NUMBER.fullmatch(listing)
    if not match:
        raise ValueError(f"{listing!r} is not a listing number such as '2.9' or '4.16_fixed' "
                         "(run other modules with Program / run_program)")
    chapter, number, suffix = match.groups()
    return f"chapter_{int(chapter):02d}.listing_{int(chapter)}_{int(number)}{suffix or ''}"


def listing_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a listing runs in: ours, unbuffered, plus `env` (the project is installed
    in the environment, so listings import from any working directory)."""
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "COV_"))}
    base |= {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    base.pop("PYTHONASYNCIODEBUG", None)
    return base | (env or {})


def startup_shim(folder: Path, source: str) -> dict[str, str]:
    """Run `source` at the start of every Python a listing starts, the listing unchanged: it
    becomes folder/sitecustomize.py, first on PYTHONPATH. The environment that loads it."""
    (folder / "sitecustomize.py").write_text(source, encoding="utf-8")
    return {"PYTHONPATH": f"{folder}{os.pathsep}{REPO}"}


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


Finished = TypeVar("Finished", Run, subprocess.CompletedProcess)


def ok(run: Finished, why: str = "") -> Finished:
    """The run (a `Run`, or subprocess.run's CompletedProcess), once it is known to have exited
    with 0; else fail, saying `why` (if given) and showing its command and output."""
    assert run.returncode == 0, "\n".join(filter(None, [why, described(run)]))
    return run


def described(run: Run | subprocess.CompletedProcess) -> str:
    """A finished run for a failure message: its exit code and output (for a CompletedProcess
    its command too, and what it printed, text or bytes, at most the last 10,000 characters of
    each stream)."""
    if isinstance(run, Run):
        return str(run)

    def text(output: str | bytes | None) -> str:
        if output is None:
            return "(not captured)\n"
        if isinstance(output, bytes):
            output = output.decode(errors="replace")
        return output[-10_000:]

    command = run.args if isinstance(run.args, str) else shlex.join(map(str, run.args))
    return (f"$ {command}\nexit {run.returncode}\n--- stdout\n{text(run.stdout)}"
            f"--- stderr\n{text(run.stderr)}")


class Program:
    """`python -u -m MODULE ARGS` running in the background, in its own process group."""

    def __init__(self, module: str, *args: str, env: dict[str, str] | None = None,
                 cwd: Path | str = REPO, python_args: tuple[str, ...] = (),
                 stdin: int | None = subprocess.DEVNULL):
        self.command = [sys.executable, "-u", *python_args, "-m", module, *args]
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

    def output_complete(self) -> bool:
        """The program has exited and all its output has been read: nothing more can come."""
        return not self.running() and not any(reader.is_alive() for reader in self._readers)

    def wait_for(self, condition: Callable[[], T], what: str, timeout: float = 10,
                 interval: float = 0.05, give_up: Callable[[], bool] | None = None) -> T:
        """util's wait_until for `condition`, giving up once the program's output is complete
        (or `give_up()` holds); the failure shows the program's output."""
        try:
            return wait_until(condition, timeout, what, interval, give_up or self.output_complete)
        except Timeout as error:
            raise AssertionError(f"{error}\n{self}") from None

    def wait_for_port(self, port: int, host: str = "127.0.0.1", timeout: float = 20) -> None:
        wait_for_port(port, host, timeout, self.process)

    def wait_until_listening(self, port: int, timeout: float = 20) -> None:
        """Wait until the program listens on `port` without connecting to it (for servers
        where a probe connection would count as a client)."""
        self.wait_for(lambda: port in listening_ports(self.process.pid),
                      f"the program listens on {port}", timeout,
                      give_up=lambda: not self.running())

    def _next_line(self, timeout: float) -> str | None:
        """The next stdout line, None if none arrives within `timeout`; fails if the output
        has ended."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:
            self._lines.put(None)
            raise AssertionError(f"output ended:\n{self}")
        return line

    def read_line(self, timeout: float = 10) -> str:
        """The next stdout line; fails if none arrives in time or the output ends."""
        line = self._next_line(timeout)
        if line is None:
            raise AssertionError(f"no output line within {timeout} s; so far:\n{self}")
        return line

    def wait_for_line(self, pattern: str, timeout: float = 10) -> re.Match:
        """Read lines until one matches the regular expression `pattern`."""
        def matching_line() -> re.Match | None:
            line = self._next_line(0.05)
            return None if line is None else re.search(pattern, line)

        return self.wait_for(matching_line, f"a line matching {pattern!r}", timeout,
                             interval=0, give_up=lambda: False)

    def send_signal(self, signum: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def wait(self, timeout: float = 10) -> Run:
        """Wait for the program to exit by itself; fails (and kills it) after `timeout`."""
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
        """Kill the program and anything it started (its whole process group)."""
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

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill()


class Listing(Program):
    """A book listing by its number ("3.8", "4.16_fixed"), running in the background."""

    def __init__(self, listing: str, *args: str, env: dict[str, str] | None = None,
                 cwd: Path | str = REPO, python_args: tuple[str, ...] = (),
                 stdin: int | None = subprocess.DEVNULL):
        self.number = listing
        super().__init__(module_name(listing), *args, env=env, cwd=cwd,
                         python_args=python_args, stdin=stdin)


def run_program(module: str, *args: str, env: dict[str, str] | None = None,
                timeout: float = 60, cwd: Path | str = REPO,
                python_args: tuple[str, ...] = (), input: str | None = None) -> Run:
    """Run `python -u -m MODULE ARGS` to completion (with `input` on stdin, if given)."""
    stdin = subprocess.PIPE if input is not None else subprocess.DEVNULL
    with Program(module, *args, env=env, cwd=cwd, python_args=python_args,
                 stdin=stdin) as running:
        if input is not None:
            running.process.stdin.write(input)
            running.process.stdin.close()
        return running.wait(timeout)


def run_listing(listing: str, *args: str, env: dict[str, str] | None = None,
                timeout: float = 60, cwd: Path | str = REPO,
                python_args: tuple[str, ...] = (), input: str | None = None) -> Run:
    """Run a listing to completion as `python -u -m chapter_NN.listing_N_M ARGS`."""
    return run_program(module_name(listing), *args, env=env, timeout=timeout, cwd=cwd,
                       python_args=python_args, input=input)


def start_server(listing: str, port_variable: str,
                 host: str = "127.0.0.1") -> tuple[Listing, int]:
    """A server listing on a free port (given through `port_variable`), once it listens
    (found without connecting); killed if it never does."""
    port = free_port(host)
    server = Listing(listing, env={"SERVER_HOST": host, port_variable: str(port)})
    try:
        server.wait_until_listening(port)
    except BaseException:
        server.kill()
        raise
    return server, port

"""The signals that stop util (Ctrl-C's SIGINT, SIGTERM, SIGHUP), turned into exceptions, so
that whatever util started is stopped however it is asked to stop.

`raised()`: inside it SIGTERM and SIGHUP raise `Stopped` (SIGINT raises KeyboardInterrupt, as
always), so `with` blocks unwind and stop what they started. An exception raised while Python
runs a `__del__` is dropped, so the signal is also noted: `check()` raises it again at the next
step. `deferred()`: inside it the three wait until the block ends (a server coming up, a
half-made data folder), then act as outside. `interrupt_on_sigterm()`: from then on SIGTERM
raises KeyboardInterrupt.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived (a BaseException, as KeyboardInterrupt is for SIGINT)."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


_arrived: list[int] = []  # the stop signals `raised()` has seen


def _exception(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Stopped(signum)


def _note_and_raise(signum, frame):
    _arrived.append(signum)
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return  # Python would print the exception and drop it: check() raises it soon
        frame = frame.f_back
    raise _exception(signum)


def interrupt_on_sigterm() -> None:
    """From now on SIGTERM unwinds as Ctrl-C does (KeyboardInterrupt), for a program whose
    clean-up already runs on Ctrl-C: pytest, the mutation check, the benchmarks. Main thread
    only (ValueError elsewhere)."""
    signal.signal(signal.SIGTERM, _keyboard_interrupt)


def _keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def check() -> None:
    """Raise the stop signal `raised()` has seen, if one came (and was lost in a `__del__`)."""
    if _arrived:
        raise _exception(_arrived[0])


@contextmanager
def _handlers(handlers: dict):
    """Install `handlers` ({signum: handler}) for the block (main thread only: elsewhere
    Python cannot change them, and the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def raised():
    """SIGTERM and SIGHUP raise Stopped inside the block; SIGINT, KeyboardInterrupt."""
    _arrived.clear()
    with _handlers({signum: _note_and_raise for signum in STOP_SIGNALS}):
        yield


@contextmanager
def deferred():
    """A stop signal inside the block waits: once the block is over, the first one that
    arrived is raised again, for the handlers outside."""
    arrived: list[int] = []
    with _handlers({signum: lambda signum, _frame: arrived.append(signum)
                    for signum in STOP_SIGNALS}):
        yield
    if arrived:
        signal.raise_signal(arrived[0])


@contextmanager
def forwarded_to(start: Callable[[], subprocess.Popen]):
    """Start a child (a listing) with `start()`; inside the block each stop signal goes on to
    it, except a SIGINT that a terminal's Ctrl-C already sent to the whole job. One that
    arrives while it starts goes to it as soon as it exists (raised, it would leave the child
    running, unknown to anyone)."""
    child: subprocess.Popen | None = None
    early: list[int] = []

    def forward(signum, _frame):
        if signum == signal.SIGINT and _foreground_at_terminal():
            return
        if child is None:
            early.append(signum)
        elif child.poll() is None:
            child.send_signal(signum)

    with _handlers(dict.fromkeys(STOP_SIGNALS, forward)):
        child = start()
        for signum in early:
            child.send_signal(signum)
        yield child


def _foreground_at_terminal() -> bool:
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError):
        return False

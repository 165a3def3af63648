"""Waiting, for the tests: util's one `wait_until` (poll a condition until it holds, with a
timeout), its twin `wait_until_async` for a test's own event loop, and waits on a running
program's output built on it."""
from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from util.tools.processes import Timeout, wait_until

if TYPE_CHECKING:
    from tests.support.processes import Program

__all__ = ["Timeout", "wait_for_stderr", "wait_for_stdout", "wait_until", "wait_until_async"]


async def wait_until_async(condition, timeout: float = 10, message: str = "condition",
                           interval: float = 0.02):
    """wait_until inside a running event loop: poll `condition()` with asyncio.sleep between
    (time.sleep would stop the loop that must make it true) and return its first true answer;
    raise Timeout, as wait_until does, after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise Timeout(f"{message}: not true after {timeout} s")
        await asyncio.sleep(interval)
    return result


def wait_for_stderr(program: Program, text: str, timeout: float = 10) -> None:
    """Wait until `text` appears on the running program's stderr."""
    program.wait_for(lambda: text in program.stderr, f"{text!r} on stderr", timeout)


def wait_for_stdout(program: Program, text: str, count: int = 1, timeout: float = 10) -> None:
    """Wait until `text` has appeared `count` times on the running program's stdout."""
    program.wait_for(lambda: program.stdout.count(text) >= count,
                     f"{text!r} {count} times on stdout", timeout)

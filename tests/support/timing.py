"""Wall-clock windows, in one place: `assert_about(measured, expected, late=…, early=…)`.

A timing assertion says what the book's program should take (`expected` seconds: a 1 s sleep,
a 2 s timeout, a 0.5 s interval) and how far a measurement may stray from it: `early` below (the
clock of the test and of the program differ by a few milliseconds; a program is never really
early), `late` above (start-up, scheduling, a loaded machine). The `late` margin is what a slow
machine eats, so it alone is multiplied by the one setting TIMING_SLACK (environment variable,
default 1.0): `TIMING_SLACK=2 uv run pytest` doubles every late margin at once. Keep each margin
as tight as the mistake it guards needs (a listing that sleeps 1 s instead of 2 s, polls every
second instead of every half second, waits one after another instead of together): a larger
TIMING_SLACK buys robustness at the price of catching fewer such mistakes.
"""
from __future__ import annotations

import os

TIMING_SLACK = float(os.environ.get("TIMING_SLACK", "1.0"))


def assert_about(measured: float, expected: float, *, late: float | None,
                 early: float = 0.05, what: object = "") -> float:
    """Assert `expected - early <= measured <= expected + late * TIMING_SLACK` (seconds) and
    return `measured`. `late=None` leaves the window open above (a wait that must at least
    last); `expected=0` with `late=x` is "at most x" (something happens at once)."""
    low = expected - early
    high = None if late is None else expected + late * TIMING_SLACK
    shown = f"{what}: " if what else ""
    window = f"[{low:.2f}, {'∞' if high is None else f'{high:.2f}'}]"
    assert low <= measured and (high is None or measured <= high), (
        f"{shown}took {measured:.3f} s, expected {expected} s, window {window} s "
        f"(TIMING_SLACK={TIMING_SLACK:g})")
    return measured

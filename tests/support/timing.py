"""Wall-clock windows, in one place: `assert_about(measured, expected, late=…, early=…)`, and
`assert_smallest(samples, expected)` for an interval measured several times.

A timing assertion says what the book's program should take (`expected` seconds: a 1 s sleep,
a 2 s timeout, a 0.5 s interval) and how far a measurement may stray from it: `early` below (the
clock of the test and of the program differ by a few milliseconds; a program is never really
early), `late` above (start-up, scheduling, a loaded machine). The `late` margin is what a slow
machine eats, so it alone is multiplied by the one setting TIMING_SLACK (environment variable,
default 1.0): `TIMING_SLACK=2 uv run pytest` doubles every late margin at once.

A window must tell the book's number from one 50% off (a 1 s sleep that became 1.5 s, a 2 s
timeout that became 3 s): for `expected > 0`, `late` must be under half of it, and never open
(`late=None`). Load only ever makes a program late, never early, so the way to be tight and still
survive load is to measure the interval several times — the gaps between a program's repeated
lines, the same step made again — and assert on the smallest (`assert_smallest`), or to time the
gap between two lines the program prints rather than its whole run with the interpreter's start.
"""
from __future__ import annotations

import os
from collections.abc import Iterable

TIMING_SLACK = float(os.environ.get("TIMING_SLACK", "1.0"))
WIDEST = 0.5  # late must stay under this share of expected: 50% off must fail
SMALLEST_LATE = 0.2  # assert_smallest's default late margin, a share of expected


def assert_about(measured: float, expected: float, *, late: float | None,
                 early: float = 0.05, what: object = "") -> float:
    """Assert `expected - early <= measured <= expected + late * TIMING_SLACK` (seconds) and
    return `measured`. `expected=0` with `late=x` is "at most x" (something happens at once);
    `late=None` (open above) only with `expected=0`. A window as wide as half of `expected` is
    a mistake of the test (ValueError): it cannot tell a timing 50% off."""
    if expected > 0 and (late is None or late >= WIDEST * expected):
        raise ValueError(f"a window of late={late} for {expected} s lets {1.5 * expected:g} s "
                         f"pass: measure several times and use assert_smallest")
    low = expected - early
    high = None if late is None else expected + late * TIMING_SLACK
    shown = f"{what}: " if what else ""
    window = f"[{low:.2f}, {'∞' if high is None else f'{high:.2f}'}]"
    assert low <= measured and (high is None or measured <= high), (
        f"{shown}took {measured:.3f} s, expected {expected} s, window {window} s "
        f"(TIMING_SLACK={TIMING_SLACK:g})")
    return measured


def assert_smallest(samples: Iterable[float], expected: float, *, late: float | None = None,
                    early: float = 0.05, what: object = "") -> float:
    """Assert on the smallest of several measurements of one interval (load delays, never
    hastens): `late` defaults to SMALLEST_LATE of `expected`. Returns the smallest."""
    measured = sorted(samples)
    assert measured, f"{what}: no measurement"
    margin = SMALLEST_LATE * expected if late is None else late
    shown = f"{what}, the smallest of {measured}" if what else f"the smallest of {measured}"
    return assert_about(measured[0], expected, late=margin, early=early, what=shown)

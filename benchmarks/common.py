"""What every comparison shares: sizes, interleaved timing, statistics and the result records.

Every side of a comparison is measured in the same run, interleaved A B C A B C …, after one
warm-up call of each side, so that the machine's drift (other jobs, thermal, caches) falls on
all sides alike. A side's result is its samples; the report shows their median and min–max.
"""
from __future__ import annotations

import contextlib
import io
import math
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


class BenchmarkError(Exception):
    """Bad input or a missing service, worded for the reader: one line, exit status 2."""


# Sizes ---------------------------------------------------------------------------------------

LEVELS = ("tiny", "quick", "full")  # tiny: the test suite; quick: --quick; full: the default


@dataclass(frozen=True)
class Size:
    """How big a run is: the level picks each comparison's problem sizes, `scale` multiplies
    the counts (N requests, N queries …), `rounds` is the number of timed rounds per side."""

    level: str = "full"
    rounds: int | None = None  # None: the level's default
    scale: float = 1.0

    def __post_init__(self):
        if self.level not in LEVELS:
            raise BenchmarkError(f"unknown size {self.level!r}: use one of {', '.join(LEVELS)}")
        if self.rounds is not None and self.rounds < 1:
            raise BenchmarkError(f"--rounds must be at least 1, not {self.rounds}")
        if not self.scale > 0:
            raise BenchmarkError(f"--scale must be greater than 0, not {self.scale:g}")

    def pick(self, tiny, quick, full):
        """The value for this level: size.pick(tiny=10, quick=1_000, full=100_000)."""
        return {"tiny": tiny, "quick": quick, "full": full}[self.level]

    def count(self, tiny: int, quick: int, full: int) -> int:
        """A count for this level, times scale (at least 1)."""
        return max(1, round(self.pick(tiny, quick, full) * self.scale))

    def counts(self, tiny: list[int], quick: list[int], full: list[int]) -> list[int]:
        """A swept list of counts, scaled, duplicates removed, in order."""
        return sorted({max(1, round(n * self.scale)) for n in self.pick(tiny, quick, full)})

    def n_rounds(self, tiny: int = 1, quick: int = 2, full: int = 3) -> int:
        return self.rounds if self.rounds is not None else self.pick(tiny, quick, full)


# Results -------------------------------------------------------------------------------------

RATE_UNITS = ("req/s", "msg/s", "pages/s", "orders/s", "queries/s")


@dataclass
class Side:
    """One side of a comparison and its samples (seconds, or a rate: see RATE_UNITS).

    `failure` says what went wrong in calls that gave no sample: with no samples at all the
    side was not measured (its median is NaN, a gap in the chart, "not measured" in the
    table); with some, only those rounds are missing."""

    name: str
    samples: list[float]
    unit: str = "s"
    extra: dict[str, float] = field(default_factory=dict)  # e.g. p99 latency, bytes per task
    failure: str = ""

    @property
    def measured(self) -> bool:
        return bool(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def low(self) -> float:
        return min(self.samples, default=float("nan"))

    @property
    def high(self) -> float:
        return max(self.samples, default=float("nan"))

    @property
    def higher_is_better(self) -> bool:
        return self.unit in RATE_UNITS


@dataclass
class Row:
    """One line of the report: what was measured, its sides, the speed-up of `compare` over
    `baseline`, the ideal or physical limit of that speed-up (or of a time) and the book's
    figure. `limit` is a number the speed-up cannot exceed (e.g. the cores), `floor` a time
    no side can beat (e.g. the latency floor); each is None where none exists."""

    what: str
    sides: list[Side]
    book: str = "—"
    limit: float | None = None  # the speed-up's ceiling
    limit_text: str = "—"
    floor: float | None = None  # seconds: the fastest any side could be
    baseline: int = 0
    compare: int = -1
    note: str = ""
    python: str = ""  # the interpreter's label, when several ran (python -m benchmarks --python)

    @property
    def ratio(self) -> float:
        """How many times better `compare` is than `baseline` (> 1: better)."""
        base, other = self.sides[self.baseline], self.sides[self.compare]
        if not (base.measured and other.measured):
            return float("nan")
        if base.higher_is_better:
            return other.median / base.median
        return base.median / other.median

    @property
    def ratio_text(self) -> str:
        base, other = self.sides[self.baseline], self.sides[self.compare]
        if not (base.measured and other.measured):
            return f"— ({(base if not base.measured else other).name} not measured)"
        return f"{self.ratio:.2f}x ({other.name} vs {base.name})"

    @property
    def of_limit(self) -> float | None:
        """The speed-up as a fraction of its limit, where there is one."""
        if not self.limit or math.isnan(self.ratio):
            return None
        return self.ratio / self.limit


@dataclass
class Curve:
    """One line of a chart: y (median, low, high) against x."""

    label: str
    x: list[float]
    median: list[float]
    low: list[float]
    high: list[float]
    python: str = ""  # the interpreter's label, when several ran: same colour, its own line


@dataclass
class Panel:
    """One plot of a comparison's chart."""

    title: str
    xlabel: str
    ylabel: str
    curves: list[Curve]
    logx: bool = True
    logy: bool = False
    reference: Curve | None = None  # the ideal, drawn dashed


@dataclass
class Comparison:
    """What a comparison's run(size, progress) returns."""

    name: str
    title: str
    chapters: str
    claim: str  # what the book says, in a sentence
    rows: list[Row]
    panels: list[Panel] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long the comparison took to run
    headline: int = -1  # the row the report's summary shows


def curve(label: str, x: list[float], sides: list[Side], scale: float = 1.0) -> Curve:
    """A chart line from one Side per x value (their medians and ranges, times scale)."""
    return Curve(label, list(x), [s.median * scale for s in sides], [s.low * scale for s in sides],
                 [s.high * scale for s in sides])


# Timing --------------------------------------------------------------------------------------

class Progress:
    """A progress bar (tqdm) counting timed calls; `Progress(None)` shows nothing."""

    def __init__(self, bar=None):
        self.bar = bar

    def add(self, total: int) -> None:
        if self.bar is not None:
            self.bar.total = (self.bar.total or 0) + total
            self.bar.refresh()

    def step(self, label: str = "") -> None:
        if self.bar is not None:
            if label:
                self.bar.set_postfix_str(label, refresh=False)
            self.bar.update(1)


class Sample(float):
    """What a side returns when it measures itself (a rate, or seconds timed inside)."""


def interleave(sides: dict[str, Callable[[], float | None]], rounds: int,
               progress: Progress | None = None, warmup: bool = True,
               label: str = "", failures: dict[str, str] | None = None
               ) -> dict[str, list[float]]:
    """Call every side once to warm up (not recorded), then `rounds` times in turn A B A B ….

    A side is timed by the wall clock here, unless it returns a Sample: its own measurement
    (seconds measured inside, or a rate). Returns each side's samples.

    Without `failures` a side that raises ends the whole interleave. With it, the error is
    recorded there (failures[name] = "ExceptionName: message", or the message alone for a
    RuntimeError), that side is not called again (its remaining rounds are left out) and the
    other sides go on."""
    progress = progress or Progress()
    progress.add(len(sides) * (rounds + (1 if warmup else 0)))

    def attempt(name: str, call: Callable[[], float | None]):
        if failures is None:
            return call()
        if name in failures:
            return None
        try:
            return call()
        except Exception as error:
            failures[name] = (str(error) if type(error) is RuntimeError
                              else f"{type(error).__name__}: {error}")
            return None

    if warmup:
        for name, call in sides.items():
            attempt(name, call)
            progress.step(f"{label} {name} warm-up".strip())
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, call in sides.items():
            start = time.perf_counter()
            value = attempt(name, call)
            elapsed = time.perf_counter() - start
            if failures is None or name not in failures:
                samples[name].append(float(value) if isinstance(value, Sample) else elapsed)
            progress.step(f"{label} {name}".strip())
    return samples


# Small helpers -------------------------------------------------------------------------------

class Discard(io.TextIOBase):
    """A stdout that throws away what is written to it."""

    def write(self, text: str) -> int:
        return len(text)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Throw away what the listings print (their print lines are not what is measured)."""
    with contextlib.redirect_stdout(Discard()):
        yield


def percentile(values: list[float], fraction: float) -> float:
    """The smallest value at or below which `fraction` of `values` lie (nearest rank: the
    median of 4 values is the 2nd, p99 of 100 the 99th); NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = math.ceil(fraction * len(ordered) - 1e-9)  # 1e-9: 0.07 * 100 is 7.000000000000001
    return ordered[min(len(ordered), max(1, rank)) - 1]


def line(label: str, x: list[float], values: list[float]) -> Curve:
    """A chart line of single values (no range), e.g. the ideal or a one-off measurement."""
    return Curve(label, list(x), list(values), list(values), list(values))

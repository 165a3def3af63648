"""Sleeps: N concurrent `delay` waits (listing 2.6, util.delay) take about one wait, whatever N.

Each round runs N tasks of util.delay(d) gathered, in a fresh event loop: the default asyncio
loop, then uvloop's (chapter 14). The ideal is d itself; wall / ideal shows what the loop's
bookkeeping costs at N = 10 … 100,000. A separate, untimed pass under tracemalloc measures what
one waiting task costs in memory (the task, its coroutine, the sleep's future and timer).
"""
from __future__ import annotations

import asyncio
import statistics
import time
import tracemalloc

from benchmarks.common import (
    Comparison,
    Panel,
    Progress,
    Row,
    Side,
    Size,
    curve,
    interleave,
    line,
    quiet,
)
from util import delay  # listing 2.6

NAME = "sleeps"
TITLE = "N concurrent sleeps: wall / ideal and memory per task, default loop vs uvloop"
CHAPTERS = "2, 14"
CLAIM = ("Tasks waiting together take about as long as the longest wait (2.9: three 3-second "
         "delays in about 3 s, not 9); uvloop is a faster drop-in event loop (14.4).")
BOOK = "three 3 s delays in ~3 s, not 9 (2.9): wall / ideal ≈ 1"


def loop_factories() -> dict[str, object]:
    factories = {"default loop": asyncio.new_event_loop}
    try:
        import uvloop

        factories["uvloop"] = uvloop.new_event_loop
    except ImportError:  # Windows: uvloop does not exist there
        pass
    return factories


async def wait_all(n: int, seconds: float) -> None:
    await asyncio.gather(*[asyncio.create_task(delay(seconds)) for _ in range(n)])


def timed(factory, n: int, seconds: float) -> float:
    with quiet(), asyncio.Runner(loop_factory=factory) as runner:
        start = time.perf_counter()
        runner.run(wait_all(n, seconds))
        return time.perf_counter() - start


async def _measure_memory(n: int, seconds: float) -> tuple[int, int]:
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(delay(seconds)) for _ in range(n)]
    await asyncio.sleep(0)  # every task has started and is waiting on its sleep
    during = tracemalloc.get_traced_memory()[0]
    await asyncio.gather(*tasks)
    return before, during


def bytes_per_task(factory, n: int, seconds: float) -> float:
    """Traced memory held by n waiting tasks, divided by n."""
    tracemalloc.start()
    try:
        with quiet(), asyncio.Runner(loop_factory=factory) as runner:
            before, during = runner.run(_measure_memory(n, seconds))
    finally:
        tracemalloc.stop()
    return (during - before) / n


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    counts = size.counts(tiny=[10, 100], quick=[10, 1_000, 3_000],
                         full=[10, 1_000, 10_000, 100_000])
    seconds = size.pick(tiny=0.05, quick=0.1, full=1.0)
    rounds = size.n_rounds(tiny=1, quick=1, full=3)
    factories = loop_factories()
    rows, by_loop = [], {name: [] for name in factories}
    memory = {name: [] for name in factories}
    for n in counts:
        samples = interleave({name: (lambda f=f, n=n: timed(f, n, seconds))
                              for name, f in factories.items()},
                             rounds, progress, label=f"N={n:,}")
        sides = []
        for name, f in factories.items():
            per_task = bytes_per_task(f, n, seconds)
            memory[name].append(per_task)
            side = Side(name, samples[name],
                        extra={"wall / ideal": statistics.median(samples[name]) / seconds,
                               "bytes per task": per_task})
            sides.append(side)
            by_loop[name].append(side)
        rows.append(Row(f"{n:,} tasks of delay({seconds:g})", sides, book=BOOK,
                        floor=seconds, limit_text=f"floor: the wait, {seconds:g} s",
                        note=f"{n:,} tasks"))
    panels = [
        Panel("Wall time / ideal (the wait)", "concurrent tasks (N)", "wall / ideal",
              [curve(name, counts, sides, 1 / seconds) for name, sides in by_loop.items()],
              reference=line("ideal", counts, [1.0] * len(counts))),
        Panel("Memory per waiting task (tracemalloc)", "concurrent tasks (N)", "bytes per task",
              [line(name, counts, values) for name, values in memory.items()]),
    ]
    notes = [f"Each round: N tasks of util.delay({seconds:g}) gathered in a fresh loop; "
             "memory: traced bytes held while all N wait, divided by N (untimed pass)."]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes)


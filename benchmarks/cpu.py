"""CPU-bound work: one process against process, thread and interpreter pools (chapter 6).

Map-reduce on the synthetic Ngram file (chapter_06.make_data): listing 6.8's partition,
map_frequencies and merge_dictionaries, timed from after the file is read as 6.7 and 6.8 do.
One process runs map_frequencies over every line (the loop of 6.7); the pools (1 worker, then
one per core) map chunks of 60,000 lines and the parent merges them, as 6.8 does, the pool's
start included. Then the plainest CPU-bound work, listing 6.4's count, in one process against a
pool, where nothing has to be pickled. The limit of a pool's speed-up is the number of cores.

In the same interleaved runs, the same work goes to a thread pool (one GIL: no speed-up for
pure-Python work) and, on Python 3.14+, to a concurrent.futures.InterpreterPoolExecutor: one
interpreter per core in one process, each with its own GIL, the chunks pickled to it as to a
process, its start (a fresh interpreter importing the work's module) included. On 3.11-3.13
those sides are absent and the report's notes say so in one line.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import os
import subprocess
import sys
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from benchmarks.common import (
    BenchmarkError,
    Comparison,
    Discard,
    Panel,
    Progress,
    Row,
    Side,
    Size,
    curve,
    interleave,
)
from chapter_06 import listing_6_4, listing_6_8
from util import settings

NAME = "cpu"
TITLE = "CPU-bound work: one process vs process, thread and interpreter pools"
CHAPTERS = "6"
CLAIM = ("The word count of the Ngram file took about 76 s in one process (6.7) and about 18 s "
         "with a process pool on a 32-vCPU machine (6.8): 4.2x; a pool runs one worker per "
         "core, so CPU-bound work is divided by up to the number of cores.")
CHUNK = 60_000  # 6.8's partition_size
# Python 3.14+: one interpreter per worker, each with its own GIL (None before 3.14)
InterpreterPoolExecutor = getattr(concurrent.futures, "InterpreterPoolExecutor", None)
# the pools measured beside the process pools, one worker per core: the kind of worker, the
# executor, the row's words and a note on its limit
OTHER_POOLS = {"threads": (ThreadPoolExecutor, "a thread pool (one GIL)",
                           " (the GIL: 1x for bytecode)")}
if InterpreterPoolExecutor is not None:
    OTHER_POOLS["interpreters"] = (InterpreterPoolExecutor,
                                   "an interpreter pool (a GIL each, 3.14+)", "")


def read_lines(limit: int) -> list[str]:
    if not settings.NGRAM_FILE.exists():
        result = subprocess.run([sys.executable, "-m", "chapter_06.make_data"],
                                cwd=settings.REPO, capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchmarkError("could not make the Ngram file: "
                                 + (result.stderr.strip().splitlines() or ["?"])[-1])
    lines = []
    with open(settings.NGRAM_FILE, encoding="utf-8") as data:
        for line in data:
            lines.append(line)
            if len(lines) >= limit:
                break
    return lines


def one_process(lines: list[str]) -> dict:
    return listing_6_8.map_frequencies(lines)


def _quiet_worker() -> None:
    sys.stdout = Discard()  # 6.4's count prints from the workers (processes, interpreters)


def pooled(lines: list[str], workers: int, chunk: int,
           executor: type[Executor] = ProcessPoolExecutor) -> dict:
    with executor(max_workers=workers) as pool:
        results = pool.map(listing_6_8.map_frequencies, listing_6_8.partition(lines, chunk))
        return functools.reduce(listing_6_8.merge_dictionaries, results)


def count_alone(n: int, times: int) -> None:
    with contextlib.redirect_stdout(Discard()):
        for _ in range(times):
            listing_6_4.count(n)


def count_pooled(n: int, times: int, workers: int,
                 executor: type[Executor] = ProcessPoolExecutor) -> None:
    if executor is ThreadPoolExecutor:  # the threads print to this process's stdout
        with contextlib.redirect_stdout(Discard()), executor(max_workers=workers) as pool:
            assert list(pool.map(listing_6_4.count, [n] * times)) == [n] * times
        return
    with executor(max_workers=workers, initializer=_quiet_worker) as pool:
        assert list(pool.map(listing_6_4.count, [n] * times)) == [n] * times


def _speedups(base: Side, sides: list[Side]) -> list[Side]:
    return [Side("", [base.median / v for v in side.samples]) for side in sides]


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    cores = os.cpu_count() or 1
    lines = read_lines(size.count(tiny=80_000, quick=80_000, full=1_000_000))
    chunk = CHUNK if len(lines) >= 2 * CHUNK else max(1, len(lines) // 8)
    counting = size.count(tiny=1_000_000, quick=1_500_000, full=10_000_000)
    rounds = size.n_rounds(tiny=3, quick=1, full=3)
    worker_counts = sorted({1, cores})
    alone, pools = "one process (6.7's loop)", [f"pool of {w} (6.8)" for w in worker_counts]
    calls = {alone: lambda: one_process(lines)}
    calls |= {name: (lambda w=w: pooled(lines, w, chunk))
              for name, w in zip(pools, worker_counts, strict=True)}
    calls |= {f"{cores} {kind}": (lambda e=e: pooled(lines, cores, chunk, e))
              for kind, (e, *_) in OTHER_POOLS.items()}
    measured = {name: Side(name, values) for name, values in
                interleave(calls, rounds, progress, label=f"{len(lines):,} lines").items()}
    expected = one_process(lines)
    for executor in (ProcessPoolExecutor, *(e for e, *_ in OTHER_POOLS.values())):
        # the same answer, whatever the split and whoever the workers
        assert pooled(lines, cores, chunk, executor) == expected, executor.__name__
    count_alone_name, count_pools = "one process (6.4's count)", [f"pool of {w}"
                                                                  for w in worker_counts]
    count_calls = {count_alone_name: lambda: count_alone(counting, cores)}
    count_calls |= {name: (lambda w=w: count_pooled(counting, cores, w))
                    for name, w in zip(count_pools, worker_counts, strict=True)}
    count_calls |= {f"{cores} {kind}": (lambda e=e: count_pooled(counting, cores, cores, e))
                    for kind, (e, *_) in OTHER_POOLS.items()}
    counted = {name: Side(name, values) for name, values in
               interleave(count_calls, rounds, progress, label="count").items()}
    sides = [measured[alone], *(measured[name] for name in pools)]
    count_sides = [counted[count_alone_name], *(counted[name] for name in count_pools)]
    limit_text = f"{cores} cores: at most {cores}x"
    rows = [
        Row(f"map-reduce, {len(lines):,} lines (chunks of {chunk:,})", sides,
            limit=float(cores), limit_text=limit_text,
            book=f"76 s -> 18 s on 32 vCPUs: 4.2x, {4.2 / 32:.0%} of its 32 cores (6.7, 6.8)"),
        Row(f"{cores} counts to {counting:,}", count_sides, limit=float(cores),
            limit_text=limit_text, book="two counts in parallel take about the longer one (6.1)"),
    ]
    speedups = [curve("map-reduce, processes", worker_counts, _speedups(sides[0], sides[1:])),
                curve("count, processes", worker_counts,
                      _speedups(count_sides[0], count_sides[1:]))]
    times = []
    for kind, (_executor, pool, limit_note) in OTHER_POOLS.items():
        side, count_side = measured[f"{cores} {kind}"], counted[f"{cores} {kind}"]
        rows += [Row(f"map-reduce in {pool}", [sides[0], side], limit=float(cores),
                     limit_text=limit_text + limit_note),
                 Row(f"counts in {pool}", [count_sides[0], count_side], limit=float(cores),
                     limit_text=limit_text + limit_note)]
        times.append(curve(side.name, [cores], [side]))
        speedups += [curve(f"map-reduce, {kind}", [cores], _speedups(sides[0], [side])),
                     curve(f"count, {kind}", [cores], _speedups(count_sides[0], [count_side]))]
    panels = [
        Panel("Map-reduce: time against workers", "pool workers", "seconds",
              [curve("process pool (6.8)", worker_counts, sides[1:]),
               curve("one process (6.7)", worker_counts, [sides[0]] * len(worker_counts)),
               *times], logx=False),
        Panel("Speed-up over one process", "pool workers", "one process / pool", speedups,
              logx=False, reference=curve("ideal (= workers)", worker_counts,
                                          [Side("", [w]) for w in worker_counts])),
    ]
    notes = [f"The Ngram file here is the synthetic one ({len(lines):,} lines of it; the book's "
             "has 86.6 million). Pickling each chunk to a worker and each dict back is the "
             "overhead the count does not have.",
             f"The book's 32-core figure cannot be reached on {cores} cores: the limit here is "
             f"{cores}x, and the table says how close the pool comes to it."]
    if InterpreterPoolExecutor is None:
        notes.append(f"No interpreter pool: concurrent.futures.InterpreterPoolExecutor needs "
                     f"Python 3.14 or later, and this is {sys.version.split()[0]}.")
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes, headline=0)

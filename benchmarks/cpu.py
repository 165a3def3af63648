"""CPU-bound work: one process against a process pool (chapter 6).

Map-reduce on the synthetic Ngram file (chapter_06.make_data): listing 6.8's partition,
map_frequencies and merge_dictionaries, timed from after the file is read as 6.7 and 6.8 do.
One process runs map_frequencies over every line (the loop of 6.7); the pools (1 worker, then
one per core) map chunks of 60,000 lines and the parent merges them, as 6.8 does, the pool's
start included. Then the plainest CPU-bound work, listing 6.4's count, in one process against a
pool, where nothing has to be pickled. The limit of a pool's speed-up is the number of cores.
"""
from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

from benchmarks.common import (
    BenchmarkError,
    Comparison,
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
TITLE = "CPU-bound work: one process vs a process pool (map-reduce, counting)"
CHAPTERS = "6"
CLAIM = ("The word count of the Ngram file took about 76 s in one process (6.7) and about 18 s "
         "with a process pool on a 32-vCPU machine (6.8): 4.2x; a pool runs one worker per "
         "core, so CPU-bound work is divided by up to the number of cores.")
CHUNK = 60_000  # 6.8's partition_size


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
    sys.stdout = open(os.devnull, "w")  # 6.4's count prints from the workers


def pooled(lines: list[str], workers: int, chunk: int) -> dict:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(listing_6_8.map_frequencies, listing_6_8.partition(lines, chunk))
        return functools.reduce(listing_6_8.merge_dictionaries, results)


def count_alone(n: int, times: int) -> None:
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        for _ in range(times):
            listing_6_4.count(n)


def count_pooled(n: int, times: int, workers: int) -> None:
    with ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker) as pool:
        assert list(pool.map(listing_6_4.count, [n] * times)) == [n] * times


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    cores = os.cpu_count() or 1
    lines = read_lines(size.count(tiny=20_000, quick=80_000, full=1_000_000))
    chunk = CHUNK if len(lines) >= 2 * CHUNK else max(1, len(lines) // 8)
    counting = size.count(tiny=200_000, quick=1_500_000, full=10_000_000)
    rounds = size.n_rounds(tiny=1, quick=1, full=3)
    worker_counts = sorted({1, cores})
    calls = {"one process (6.7's loop)": lambda: one_process(lines)}
    calls |= {f"pool of {w} (6.8)": (lambda w=w: pooled(lines, w, chunk)) for w in worker_counts}
    samples = interleave(calls, rounds, progress, label=f"{len(lines):,} lines")
    expected = one_process(lines)
    assert pooled(lines, cores, chunk) == expected  # the same answer, whatever the split
    count_calls = {"one process (6.4's count)": lambda: count_alone(counting, cores)}
    count_calls |= {f"pool of {w}": (lambda w=w: count_pooled(counting, cores, w))
                    for w in worker_counts}
    count_samples = interleave(count_calls, rounds, progress, label="count")
    sides = [Side(name, values) for name, values in samples.items()]
    count_sides = [Side(name, values) for name, values in count_samples.items()]
    rows = [
        Row(f"map-reduce, {len(lines):,} lines (chunks of {chunk:,})", sides,
            limit=float(cores), limit_text=f"{cores} cores: at most {cores}x",
            book=f"76 s -> 18 s on 32 vCPUs: 4.2x, {4.2 / 32:.0%} of its 32 cores (6.7, 6.8)"),
        Row(f"{cores} counts to {counting:,}", count_sides, limit=float(cores),
            limit_text=f"{cores} cores: at most {cores}x",
            book="two counts in parallel take about the longer one (6.1)"),
    ]
    panels = [
        Panel("Map-reduce: time against workers", "pool workers", "seconds",
              [curve("pool (6.8)", worker_counts, sides[1:]),
               curve("one process (6.7)", worker_counts, [sides[0]] * len(worker_counts))],
              logx=False),
        Panel("Speed-up over one process", "pool workers", "one process / pool",
              [curve("map-reduce", worker_counts,
                     [Side("", [sides[0].median / v for v in s.samples]) for s in sides[1:]]),
               curve("count", worker_counts,
                     [Side("", [count_sides[0].median / v for v in s.samples])
                      for s in count_sides[1:]])],
              logx=False, reference=curve("ideal (= workers)", worker_counts,
                                          [Side("", [w]) for w in worker_counts])),
    ]
    notes = [f"The Ngram file here is the synthetic one ({len(lines):,} lines of it; the book's "
             "has 86.6 million). Pickling each chunk to a worker and each dict back is the "
             "overhead the count does not have.",
             f"The book's 32-core figure cannot be reached on {cores} cores: the limit here is "
             f"{cores}x, and the table says how close the pool comes to it."]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes, headline=0)

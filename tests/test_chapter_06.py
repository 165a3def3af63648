"""Chapter 6: processes and process pools, MapReduce over a synthetic Ngram file, shared memory,
one event loop per process.

Listings run as a reader runs them (`python -m`, unbuffered). The MapReduce listings read a file
made by chapter_06/make_data.py in a temporary folder (NGRAM_FILE points them at it), never the
one next to the listings. No test asserts a multi-core speed-up (two cores, shared with other
tests): they assert results, and that the work ran in other processes (psutil sees the listing's
descendants burn the CPU: its children under fork and spawn, the fork server's under forkserver).

Start methods: Python 3.14 makes forkserver the default on Linux. To run listings under spawn
and forkserver on 3.11-3.13, tests put a sitecustomize.py of their own first on PYTHONPATH
(only for the listing's processes): CH06_START_METHOD makes it call
multiprocessing.set_start_method(); it logs every interpreter that starts, so a test can tell
that the children really were fresh interpreters. CH06_WIDEN_RACE makes reading a shared
Value pause after the read, as a scheduler may at any moment: it forces the lost update of
listing 6.11 and shows that 6.12's lock prevents it.

Tests that need a process pool of their own run it in a fresh interpreter (in_fresh_python),
so that no pool, nor the resource tracker spawn starts, outlives them in the test process.
"""
from __future__ import annotations

import collections
import contextlib
import functools
import itertools
import json
import os
import re
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from chapter_06 import listing_6_6, listing_6_8, listing_6_15, make_data
from tests.support import (
    REPO,
    Listing,
    Run,
    Timeout,
    assert_about,
    assert_smallest,
    listing_env,
    module_name,
    ok,
    run_listing,
    startup_shim,
    wait_until,
)
from tests.support.run_wide import run_folder, run_lock

CPUS = os.cpu_count() or 1
FLOAT = r"\d+(?:\.\d+)?(?:e-?\d+)?"
LINE = re.compile(r"^[^\t\n]+\t\d{3,4}\t\d+\t\d+\n$")
PROGRESS = re.compile(r"^Finished (\d+)/(\d+) map operations$")
AARDVARK_LINE = "Aardvark has appeared 15209 times."
TOOK = re.compile(r"^MapReduce took: \d+\.\d{4} seconds$")

SHIM = '''\
"""Chapter 6 tests' start-up shim (see tests/test_chapter_06.py); not part of the project."""
import os
import sys

if os.environ.get("CH06_START_METHOD"):
    import multiprocessing
    multiprocessing.set_start_method(os.environ["CH06_START_METHOD"], force=True)
if os.environ.get("CH06_LOG"):
    with open(os.environ["CH06_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {os.getppid()} {' '.join(sys.orig_argv)}\\n")
if os.environ.get("CH06_ONE_AT_A_TIME"):
    from multiprocessing import process

    _start = process.BaseProcess.start

    def _start_and_wait(self):  # each process runs to its end before the next one starts
        _start(self)
        self.join()

    process.BaseProcess.start = _start_and_wait
if os.environ.get("CH06_WIDEN_RACE"):
    import multiprocessing
    import time
    from multiprocessing import sharedctypes

    _pause = float(os.environ["CH06_WIDEN_RACE"])
    _value = sharedctypes.Synchronized.value

    def _read_then_pause(self):
        value = _value.fget(self)
        if multiprocessing.parent_process() is not None:  # in the child processes only
            time.sleep(_pause)
        return value

    sharedctypes.Synchronized.value = property(_read_then_pause, _value.fset)
if os.environ.get("CH06_TRACE_CALLS") or os.environ.get("CH06_SLOW_CALLS"):
    # the profile hook is copied into forked children; spawned ones load this shim themselves
    import time

    _traced = set(filter(None, os.environ.get("CH06_TRACE_CALLS", "").split(",")))
    _slowed = {name: float(pause) for name, pause in
               (item.split("=") for item in os.environ.get("CH06_SLOW_CALLS", "").split(",")
                if item)}
    _calls_log = os.environ["CH06_LOG"] + ".calls"

    def _trace(frame, event, arg):
        if event == "call" and frame.f_code.co_name in _traced:
            with open(_calls_log, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {frame.f_code.co_name}\\n")
        if event == "call" and frame.f_code.co_name in _slowed:
            time.sleep(_slowed[frame.f_code.co_name])

    sys.setprofile(_trace)
'''


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def ngram() -> Path:
    """The synthetic Ngram file at its default size (1,000,000 lines, seed 2012), made once per
    run by the first worker that needs it (the tests only read it)."""
    path = run_folder() / "ngram" / make_data.FILE_NAME
    with run_lock("ngram"):
        if not path.exists():
            result = subprocess.run(
                [sys.executable, "-m", "chapter_06.make_data", "--output", str(path)], cwd=REPO,
                env=listing_env(), capture_output=True, text=True, timeout=120)
            ok(result)
            assert result.stdout == (f"made {path}: 1,000,000 lines (seed 2012); "
                                     "Aardvark appears 15209 times\n")
    return path


@pytest.fixture(scope="module")
def ngram_lines(ngram) -> list[str]:
    return ngram.read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture(scope="module")
def true_counts(ngram_lines) -> collections.Counter:
    """Word counts of the file, computed here independently of the listings."""
    counts = collections.Counter()
    for line in ngram_lines:
        word, _year, match_count, _volumes = line.rstrip("\n").split("\t")
        counts[word] += int(match_count)
    return counts


@pytest.fixture
def shim(tmp_path):
    """env(start_method=..., widen=..., trace=..., slow=..., one_at_a_time=...) -> the
    environment that loads the shim; .log() reads the interpreters it saw start: [(pid, ppid,
    command line)]."""
    folder = tmp_path / "shim"
    folder.mkdir()
    loads_shim = startup_shim(folder, SHIM)
    log = tmp_path / "interpreters.log"

    class Shim:
        @staticmethod
        def env(start_method: str | None = None, widen: float | None = None,
                trace: tuple[str, ...] = (), slow: dict[str, float] | None = None,
                one_at_a_time: bool = False) -> dict[str, str]:
            env = loads_shim | {"CH06_LOG": str(log)}
            if one_at_a_time:  # Process.start waits for the process to end: no race
                env["CH06_ONE_AT_A_TIME"] = "1"
            if start_method:
                env["CH06_START_METHOD"] = start_method
            if widen:
                env["CH06_WIDEN_RACE"] = str(widen)
            if trace:
                env["CH06_TRACE_CALLS"] = ",".join(trace)
            if slow:  # each call of these functions first sleeps so many seconds
                env["CH06_SLOW_CALLS"] = ",".join(f"{name}={pause}"
                                                  for name, pause in slow.items())
            return env

        @staticmethod
        def calls() -> list[tuple[int, str]]:
            """The calls of the functions named in env(trace=...): [(pid, name)], in order."""
            calls_log = log.with_name(log.name + ".calls")
            if not calls_log.exists():
                return []
            return [(int(pid), name) for pid, name in
                    (line.split(" ", 1) for line in calls_log.read_text("utf-8").splitlines())]

        @staticmethod
        def log() -> list[tuple[int, int, str]]:
            entries = []
            for line in log.read_text(encoding="utf-8").splitlines():
                pid, ppid, command = line.split(" ", 2)
                entries.append((int(pid), int(ppid), command))
            return entries

    return Shim


def in_fresh_python(code: str, env: dict[str, str] | None = None):
    """Run `code` with `python -c` from the repository root; return the JSON it prints last."""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=listing_env(env),
                            capture_output=True, text=True, timeout=120)
    ok(result)
    return json.loads(result.stdout.splitlines()[-1])


# A MapReduce listing run as `python -m` does (runpy, as __main__; or its main() with another
# partition size), its process pools counting the calls submitted to them (run_in_executor
# submits each). Prints the listing's output, then the JSON count.
COUNTED_SUBMISSIONS = """if __name__ == "__main__":
    import asyncio, concurrent.futures, importlib, json, runpy, sys

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        submitted = 0

        def submit(self, *args, **kwargs):
            CountingPool.submitted += 1
            return super().submit(*args, **kwargs)

    concurrent.futures.ProcessPoolExecutor = CountingPool
    module, partition_size = sys.argv[1], sys.argv[2:]
    if partition_size:
        asyncio.run(importlib.import_module(module).main(int(partition_size[0])))
    else:
        runpy.run_module(module, run_name="__main__", alter_sys=True)  # __main__ as with -m
    print(json.dumps(CountingPool.submitted))
"""


def submissions(listing: str, ngram: Path, *partition_size: int) -> tuple[list[str], int]:
    """The listing's output lines and how many calls it submitted to its process pool."""
    result = subprocess.run([sys.executable, "-c", COUNTED_SUBMISSIONS, module_name(listing),
                             *map(str, partition_size)], cwd=REPO,
                            env=listing_env({"NGRAM_FILE": str(ngram)}), capture_output=True,
                            text=True, timeout=120)
    ok(result)
    *lines, submitted = result.stdout.splitlines()
    return lines, json.loads(submitted)


def children_burning_cpu(listing: Listing, seconds: float, processes: int = 1,
                         timeout: float = 60) -> dict:
    """Poll the running listing's descendants until `processes` of them have each used
    `seconds` of CPU time; return {pid: user CPU seconds} of every descendant seen ("children"),
    the pids that used that much ("busy") and the parent's own CPU time ("parent").

    Descendants, not children: under fork and spawn (Linux up to Python 3.13, macOS) a pool's
    workers are the listing's children, under forkserver (Linux from 3.14) the fork server's."""
    parent = psutil.Process(listing.process.pid)
    seen: dict[int, float] = {}
    gone = False

    def burnt() -> dict | None:
        nonlocal gone
        try:
            for child in parent.children(recursive=True):
                try:
                    seen[child.pid] = max(seen.get(child.pid, 0), child.cpu_times().user)
                except psutil.Error:
                    pass
            own = parent.cpu_times().user
        except psutil.Error:
            gone = True
            return None
        busy = {pid for pid, used in seen.items() if used >= seconds}
        if len(busy) >= processes:
            return {"children": seen, "busy": busy, "parent": own}
        return None

    try:
        return wait_until(burnt, timeout, f"{processes} child processes using CPU",
                          interval=0.05, give_up=lambda: gone or not listing.running())
    except Timeout:
        raise AssertionError(f"fewer than {processes} descendants used {seconds} s of CPU; "
                             f"descendants seen: {seen}\n{listing}") from None


# ---------------------------------------------------------------------------------------------
# the package and the data generator


def test_make_data_writes_the_ngram_format_sorted(ngram, ngram_lines):
    assert len(ngram_lines) == 1_000_000
    assert all(LINE.match(line) for line in ngram_lines)
    keys = []
    for line in ngram_lines:
        word, year, match_count, volumes = line.split("\t")
        assert word[0] in "aA"
        assert 1 <= int(volumes) <= int(match_count)
        keys.append((word, int(year)))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert len({word for word, _ in keys}) > 1000


def test_make_data_aardvark_totals_15209_split_across_two_chunks(ngram_lines, true_counts):
    assert true_counts["Aardvark"] == 15209
    for decoy in ("aardvark", "Aardvark_NOUN", "Aardvarks", "AARDVARK"):
        assert true_counts[decoy] > 0, decoy
    aardvark = [line.rstrip("\n").split("\t") for line in ngram_lines
                if line.startswith("Aardvark\t")]
    assert [tuple(fields[1:4]) for fields in aardvark[:3]] == [
        ("1822", "2", "1"), ("1824", "3", "1"), ("1827", "10", "7")]
    assert ["2007", "1200"] in [fields[1:3] for fields in aardvark]
    first, second = ngram_lines[:60000], ngram_lines[60000:120000]
    in_first = sum(int(line.split("\t")[2]) for line in first if line.startswith("Aardvark\t"))
    in_second = sum(int(line.split("\t")[2]) for line in second if line.startswith("Aardvark\t"))
    assert in_first > 0 and in_second > 0 and in_first + in_second == 15209
    # at least two full chunks of 60,000 lines plus a partial one
    assert len(ngram_lines) // 60000 >= 2 and len(ngram_lines) % 60000 > 0


def test_make_data_is_deterministic_and_keeps_an_existing_default_file(tmp_path, ngram):
    def make(*args):
        return subprocess.run([sys.executable, "-m", "chapter_06.make_data", *args], cwd=REPO,
                              env=listing_env(), capture_output=True, text=True, timeout=120)

    one, two, other = tmp_path / "one", tmp_path / "two", tmp_path / "other"
    for path, seed in ((one, "7"), (two, "7"), (other, "8")):
        result = ok(make("--lines", "130000", "--seed", seed, "--output", str(path)))
        assert result.stdout == f"made {path}: 130,000 lines (seed {seed}); " \
                               "Aardvark appears 15209 times\n"
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes() != other.read_bytes()
    other_lines = other.read_text(encoding="utf-8").splitlines()
    assert len(other_lines) == 130000
    assert sum(int(line.split("\t")[2]) for line in other_lines
               if line.startswith("Aardvark\t")) == 15209
    # the default parameters again: the existing file is kept, silently and quickly
    before = ngram.stat()
    started = time.monotonic()
    result = make("--output", str(ngram))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert_about(time.monotonic() - started, 0, late=10, what="keeping the existing file")
    assert (ngram.stat().st_mtime_ns, ngram.stat().st_size) == (before.st_mtime_ns,
                                                                 before.st_size)
    # too few lines for two full chunks and a partial one: a clear error, no file
    result = make("--lines", "120000", "--output", str(tmp_path / "small"))
    assert result.returncode == 2 and "--lines must be more than 120,000" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["one", "other", "two"]


def test_default_data_path_is_next_to_the_listings():
    assert make_data.DEFAULT_PATH == REPO / "chapter_06" / "googlebooks-eng-all-1gram-20120701-a"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(make_data.DEFAULT_PATH)],
                             cwd=REPO, capture_output=True)
    ok(ignored, "the generated file must be git-ignored")


# ---------------------------------------------------------------------------------------------
# 6.1-6.5: processes and pools


@pytest.mark.listing("6.1")
def test_6_1_two_processes_count_in_parallel():
    with Listing("6.1") as listing:
        # both counts run at once, each in a process of its own
        children_burning_cpu(listing, seconds=0.5, processes=2)
        run = listing.wait(timeout=180)
    ok(run)
    assert len(run.lines) == 3, str(run)
    first = re.fullmatch(rf"Finished counting to 100000000 in ({FLOAT})", run.lines[0])
    second = re.fullmatch(rf"Finished counting to 200000000 in ({FLOAT})", run.lines[1])
    total = re.fullmatch(rf"Completed in ({FLOAT})", run.lines[2])
    assert first and second and total, str(run)
    t1, t2, t3 = float(first[1]), float(second[1]), float(total[1])
    assert t1 < t2 <= t3
    if CPUS >= 2:
        # the total is about the longer count, not the sum of both
        assert t3 < 0.8 * (t1 + t2), (t1, t2, t3)


@pytest.mark.listing("6.2")
def test_6_2_pool_apply(shim):
    with Listing("6.2", env=shim.env(trace=("say_hello",))) as listing:
        run = ok(listing.wait(60))
        parent = listing.process.pid
    assert run.stdout == "Hi there, Jeff\nHi there, John\n"
    calls = shim.calls()
    assert [name for _, name in calls] == ["say_hello"] * 2, calls
    assert all(pid != parent for pid, _ in calls), "say_hello runs in the pool's workers"


@pytest.mark.listing("6.3")
def test_6_3_pool_apply_async():
    run = ok(run_listing("6.3"))
    assert run.stdout == "Hi there, Jeff\nHi there, John\n"


def count_events(stdout: str, times: dict[int, float] | None = None) -> list[tuple[str, int]]:
    """6.4's output as [("finished", n) | ("result", n)] in the order written (and into `times`,
    if given, each count's reported seconds: {n: seconds}). Worker and parent
    write to the same pipe, unbuffered: print() writes the text, then "\\n", so a worker's
    message and the parent's result can share a line ("...in 7.152557373046875e-071" is the
    time 7.152557373046875e-07 followed by the result 1). A message is one write, never split;
    the time is a float repr, so digits that break the repr round-trip belong to a result."""
    events = []
    pattern = re.compile(r"Finished counting to (\d+) in ([0-9.e+-]+)|(\d+)")
    for match in pattern.finditer(stdout):
        if match[3]:
            events.append(("result", int(match[3])))
            continue
        events.append(("finished", int(match[1])))
        time_text = match[2]
        for end in range(len(time_text), 0, -1):
            with contextlib.suppress(ValueError):
                if repr(float(time_text[:end])) == time_text[:end]:
                    break
        else:
            raise AssertionError(f"no float in {match[0]!r}")
        if times is not None:
            times[int(match[1])] = float(time_text[:end])
        if time_text[end:]:
            events.append(("result", int(time_text[end:])))
    return events


def test_count_events_untangles_glued_lines():
    glued = ("Finished counting to 3 in 4.0531158447265625e-06Finished counting to 1 in "
             "1.6689300537109375e-06\nFinished counting to 5 in 7.152557373046875e-071"
             "Finished counting to 22 in 9.5367431640625e-07\n\n3\n5\n22\n"
             "Finished counting to 100000000 in 3.239819049835205\n100000000\n")
    assert count_events(glued) == [
        ("finished", 3), ("finished", 1), ("finished", 5), ("result", 1), ("finished", 22),
        ("result", 3), ("result", 5), ("result", 22), ("finished", 100000000),
        ("result", 100000000)]


@pytest.mark.listing("6.4")
def test_6_4_executor_map_yields_in_input_order():
    with Listing("6.4") as listing:
        cpu = children_burning_cpu(listing, seconds=0.5)
        run = listing.wait(timeout=120)
    ok(run)
    assert cpu["parent"] < max(cpu["children"].values()), "the count runs in a worker"
    times: dict[int, float] = {}
    events = count_events(run.stdout, times)
    assert [n for kind, n in events if kind == "result"] == [1, 3, 5, 22, 100000000], str(run)
    # count's timer spans its loop: the big count reports at least the CPU time its worker had
    # spent when the test looked, and no more than the whole run
    assert 0.5 <= times[100000000] <= run.seconds, times
    assert sorted(n for kind, n in events if kind == "finished") == [1, 3, 5, 22, 100000000]
    # the small results are printed before the big count is done, the big one after it
    assert events.index(("result", 22)) < events.index(("finished", 100000000))
    assert events[-1] == ("result", 100000000)


@pytest.mark.listing("6.5")
def test_6_5_run_in_executor_and_gather():
    from chapter_06.listing_6_5 import countdown

    assert countdown(22) == 22
    with Listing("6.5") as listing:
        cpu = children_burning_cpu(listing, seconds=0.5)
        run = listing.wait(timeout=120)
    ok(run)
    assert cpu["parent"] < max(cpu["children"].values()), "the count runs in a worker"
    assert run.stdout == "1\n3\n5\n22\n100000000\n"


# ---------------------------------------------------------------------------------------------
# 6.6-6.9: MapReduce


@pytest.mark.listing("6.6")
def test_6_6_single_threaded_map_reduce():
    run = ok(run_listing("6.6"))
    assert run.lines == [
        "{'I': 2, 'know': 2, 'what': 1}",
        "{'I': 2, 'know': 2, 'that': 1}",
        "{'I': 1, \"don't\": 1, 'know': 1, 'much': 1}",
        "{'They': 1, \"don't\": 1, 'know': 1, 'much': 1}",
        "{'I': 5, 'know': 6, 'what': 1, 'that': 1, \"don't\": 2, 'much': 2, 'They': 1}",
    ]
    first = {'a': 1}
    assert listing_6_6.merge_dictionaries(first, {'a': 2, 'b': 1}) == {'a': 3, 'b': 1}
    assert first == {'a': 3, 'b': 1}, "merge_dictionaries mutates its first argument"
    assert listing_6_6.map_frequency("I know what I know") == {'I': 2, 'know': 2, 'what': 1}


@pytest.mark.listing("6.7")
def test_6_7_counts_in_one_process(ngram, true_counts, monkeypatch, capsys):
    from util import settings

    run = ok(run_listing("6.7", env={"NGRAM_FILE": str(ngram)}))
    assert re.fullmatch(r"\d+\.\d{4}\n", run.stdout), str(run)
    # the program's own dict, from running its code in this process; its int() calls (one per
    # line, in the timed loop) noted, to compare the printed time with the loop's own span
    monkeypatch.setattr(settings, "NGRAM_FILE", ngram)
    called: list[float] = []

    def noted_int(text: str) -> int:
        called.append(time.time())
        return int(text)

    capsys.readouterr()
    namespace = runpy.run_module("chapter_06.listing_6_7", run_name="__main__",
                                 init_globals={"int": noted_int})
    assert namespace["freqs"]["Aardvark"] == 15209
    assert namespace["freqs"] == dict(true_counts)
    assert len(called) == 1_000_000
    printed = float(capsys.readouterr().out)
    assert printed >= round(called[-1] - called[0], 4) > 0, "the timer spans the loop"


@pytest.mark.listing("6.7")
def test_6_7_without_the_file(tmp_path):
    run = run_listing("6.7", env={"NGRAM_FILE": str(tmp_path / "missing")})
    assert run.returncode == 1 and run.stdout == ""
    assert "FileNotFoundError" in run.stderr and str(tmp_path / "missing") in run.stderr


@pytest.mark.listing("6.8")
def test_6_8_parallel_map_reduce(ngram):
    run = ok(run_listing("6.8", env={"NGRAM_FILE": str(ngram)}))
    assert len(run.lines) == 2, str(run)
    assert run.lines[0] == AARDVARK_LINE
    assert TOOK.match(run.lines[1])


@pytest.mark.listing("6.8")
def test_6_8_maps_a_million_lines_in_17_chunks_of_60000(ngram):
    lines, submitted = submissions("6.8", ngram)
    assert lines[0] == AARDVARK_LINE
    assert submitted == 17  # 16 chunks of 60,000 lines and one of 40,000


@pytest.mark.listing("6.8")
def test_6_8_functions(ngram, true_counts):
    assert list(listing_6_8.partition(list(range(10)), 4)) == [[0, 1, 2, 3], [4, 5, 6, 7],
                                                                [8, 9]]
    chunk = ["Aardvark\t1822\t2\t1\n", "Aardvark\t1824\t3\t1\n", "aardvark\t1900\t7\t2\n"]
    assert listing_6_8.map_frequencies(chunk) == {"Aardvark": 5, "aardvark": 7}
    with pytest.raises(ValueError):  # the 2009 data's five fields do not unpack into four
        listing_6_8.map_frequencies(["Aardvark\t1822\t2\t1\t1\n"])
    first = {"a": 1}
    assert listing_6_8.merge_dictionaries(first, {"a": 2, "b": 1}) == {"a": 3, "b": 1} == first
    # the map step in a real process pool, then the reduce, give the file's true counts
    code = """if __name__ == "__main__":
    import functools, json, os
    from concurrent.futures import ProcessPoolExecutor
    from chapter_06.listing_6_8 import map_frequencies, merge_dictionaries, partition
    with open(os.environ["NGRAM_FILE"], encoding="utf-8") as f:
        contents = f.readlines()
    with ProcessPoolExecutor(2) as pool:
        counters = list(pool.map(map_frequencies, partition(contents, 60000)))
    split = [counter.get("Aardvark", 0) for counter in counters]
    print(json.dumps([split, functools.reduce(merge_dictionaries, counters)]))
"""
    split, merged = in_fresh_python(code, {"NGRAM_FILE": str(ngram)})
    assert len(split) == 17
    assert split[0] > 0 and split[1] > 0 and split[0] + split[1] == 15209 == sum(split)
    assert merged == dict(true_counts)


@pytest.mark.listing("6.9")
def test_6_9_parallel_reduce(ngram, shim):
    """Each map made to take 0.2 s longer (the shim sleeps first): the printed time covers at
    least the rounds of maps the pool's workers need, one per CPU at a time."""
    env = shim.env(slow={"map_frequencies": 0.2}) | {"NGRAM_FILE": str(ngram)}
    run = ok(run_listing("6.9", env=env))
    assert len(run.lines) == 2, str(run)
    assert run.lines[0] == AARDVARK_LINE
    took = TOOK.match(run.lines[1])
    assert took, str(run)
    assert float(run.lines[1].split()[2]) >= -(-17 // CPUS) * 0.2, "the timer spans the maps"


@pytest.mark.listing("6.9")
def test_6_9_maps_17_chunks_then_merges_them_in_one_reduce(ngram):
    lines, submitted = submissions("6.9", ngram)
    assert lines[0] == AARDVARK_LINE
    assert submitted == 17 + 1
    # 1700-line chunks: 589 maps, reduced in chunks of 500: 2 merges (500 and 89), then 1
    lines, submitted = submissions("6.9", ngram, 1700)
    assert lines[0] == AARDVARK_LINE
    assert submitted == 589 + 2 + 1


@pytest.mark.listing("6.9")
def test_6_9_reduce_merges_in_rounds():
    code = """if __name__ == "__main__":
    import asyncio, json
    from concurrent.futures import ProcessPoolExecutor
    from chapter_06.listing_6_9 import reduce

    class CountingPool(ProcessPoolExecutor):
        submitted = 0

        def submit(self, *args, **kwargs):
            CountingPool.submitted += 1
            return super().submit(*args, **kwargs)

    async def main():
        loop = asyncio.get_running_loop()
        with CountingPool(2) as pool:
            counters = [{"a": i, f"k{i}": 1} for i in range(1, 8)]
            merged = await reduce(loop, pool, counters, 3)
            merges = CountingPool.submitted
            single = {"Aardvark": 15209}
            pairs = await reduce(loop, pool, [{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}], 2)
            return merged, merges, await reduce(loop, pool, [single], 500) is single, pairs

    print(json.dumps(asyncio.run(main())))
"""
    merged, merges, single_returned_unchanged, pairs = in_fresh_python(code)
    assert pairs == {"a": 10}, "two pairs merged, then the pair of results: down to one"
    counters = [{"a": i, f"k{i}": 1} for i in range(1, 8)]
    expected = functools.reduce(listing_6_8.merge_dictionaries, counters)
    # groups of 3, 3 and 1 merged in the pool, then one group of the three results
    assert merged == expected == {"a": 28, **{f"k{i}": 1 for i in range(1, 8)}}
    assert merges == 4, "each of the 3 + 1 merges is submitted to the process pool"
    assert single_returned_unchanged is True


# ---------------------------------------------------------------------------------------------
# 6.10-6.14: shared memory


@pytest.mark.listing("6.10")
def test_6_10_shared_value_and_array():
    run = ok(run_listing("6.10"))
    assert run.stdout == "1\n[1, 1]\n"


@pytest.mark.listing("6.11")
def test_6_11_race_as_it_happens():
    """The listing as it is, for 20 s: rounds that print 2 one after another, until either a
    lost update prints 1 and the assert stops the program at once, or the time is up (the race
    is left to chance here; the widened window below makes it certain). Each outcome is held to
    what it must look like: all 10,000 rounds if it ends by itself with 0, the 1 last and the
    assertion if with 1, and a loop that keeps going (at least 20 rounds) if it is stopped."""
    with Listing("6.11") as listing:
        try:
            run = listing.wait(timeout=20)
        except AssertionError:  # no lost update within 20 s: stopped, it has not ended
            run = listing.result()
    lines = run.lines
    assert lines and lines[0] == str(CPUS)
    values = lines[1:]
    assert set(values) <= {"1", "2"}, str(run)
    if run.returncode == 0:
        assert values == ["2"] * 10000
    elif run.returncode == 1:
        assert values[-1] == "1" and set(values[:-1]) <= {"2"}, str(run)
        assert run.stderr.rstrip().endswith("AssertionError")
        assert "assert(integer.value == 2)" in run.stderr
    else:  # killed at the time limit: no lost update yet, the loop still running
        assert run.returncode == -signal.SIGKILL, str(run)
        assert "1" not in values[:-1] and len(values) >= 20, str(run)


@pytest.mark.listing("6.11")
def test_6_11_without_a_race_the_rounds_go_on_past_a_thousand(shim):
    """With its two processes made to take turns (the shim: each runs to its end before the
    next starts), no update is lost: the rounds all print 2 and go on past 1,000 (all 10,000
    take a minute or so)."""
    with Listing("6.11", env=shim.env(one_at_a_time=True)) as listing:
        assert listing.read_line(30) == str(CPUS)
        for _ in range(1001):
            assert listing.read_line(30) == "2"
        assert listing.running()


@pytest.mark.listing("6.11")
def test_6_11_lost_update_when_the_read_and_write_are_apart(shim):
    """Pause 20 ms between reading the shared value and writing it back (as a busy scheduler
    may): both processes read 0, both write 1, the listing prints 1 and fails its assert."""
    run = run_listing("6.11", env=shim.env(widen=0.02), timeout=120)
    assert run.returncode == 1, str(run)
    assert run.lines[0] == str(CPUS)
    assert run.lines[-1] == "1" and set(run.lines[1:-1]) <= {"2"}
    assert len(run.lines) <= 12, "the widened window loses an update almost at once"
    assert run.stderr.rstrip().endswith("AssertionError")


@pytest.mark.listing("6.12")
def test_6_12_lock_never_loses_an_update():
    run = ok(run_listing("6.12"))
    assert run.lines == ["2"] * 100


@pytest.mark.listing("6.12")
def test_6_12_lock_holds_even_when_the_read_and_write_are_apart(shim):
    """The same 20 ms pause that makes 6.11 lose an update at once: with the lock, 100 rounds
    all end at 2 (and take at least 100 x 2 x 20 ms: the processes take turns)."""
    run = ok(run_listing("6.12", env=shim.env(widen=0.02), timeout=120))
    assert run.lines == ["2"] * 100
    assert run.seconds >= 100 * 2 * 0.02


@pytest.mark.listing("6.13")
def test_6_13_pool_initializer_shares_a_value(shim):
    with Listing("6.13", env=shim.env(trace=("increment", "get_lock"))) as listing:
        run = ok(listing.wait(60))
        parent = listing.process.pid
    assert run.stdout == "1.0\n"
    calls = shim.calls()
    assert [name for _, name in calls] == ["increment", "get_lock"], calls
    (worker, _), (locker, _) = calls
    assert worker != parent, "increment runs in a worker of the pool"
    assert locker == worker, "the worker takes the shared counter's lock to increment it"


@pytest.mark.listing("6.13")
def test_6_13_a_value_cannot_be_a_task_argument():
    code = """if __name__ == "__main__":
    import json
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import Value
    from chapter_06.listing_6_13 import init
    with ProcessPoolExecutor(1) as pool:
        future = pool.submit(init, Value("d", 0))
        try:
            future.result(timeout=60)
            print(json.dumps(None))
        except Exception as error:
            print(json.dumps([type(error).__name__, str(error)]))
"""
    assert in_fresh_python(code) == [
        "RuntimeError",
        "Synchronized objects should only be shared between processes through inheritance"]


def check_progress(run, chunks: int, total: int) -> list[int]:
    """Every line but the last is a progress line with this total and a non-decreasing count;
    the last is the Aardvark count. Returns the counts."""
    ok(run)
    assert run.lines[-1] == AARDVARK_LINE, str(run)
    counts = []
    for line in run.lines[:-1]:
        match = PROGRESS.fullmatch(line)
        assert match, str(run)
        assert int(match[2]) == total
        counts.append(int(match[1]))
    assert counts == sorted(counts)
    # the reporter checks n < total, then reads n again to print it: a chunk may finish between
    assert all(count <= chunks for count in counts)
    return counts


@pytest.mark.listing("6.14")
def test_6_14_progress_then_the_answer(ngram):
    run = run_listing("6.14", env={"NGRAM_FILE": str(ngram)})
    counts = check_progress(run, chunks=17, total=1_000_000 // 60000)
    assert len(counts) <= 5, "the synthetic file maps in a second or so"


@pytest.mark.listing("6.14")
def test_6_14_reports_progress_every_second(ngram, shim):
    """Each map takes a moment longer (the shim sleeps before each map_frequencies call), so
    that the 17 chunks keep the pool busy for about 2.5 s: a progress line at the start and
    one every second after, the count climbing; the answer within a second of the last."""
    rounds = -(-17 // CPUS)  # the pool has a worker per CPU
    env = shim.env(slow={"map_frequencies": round(2.5 / rounds, 3)})
    run = run_listing("6.14", env=env | {"NGRAM_FILE": str(ngram)}, timeout=60)
    counts = check_progress(run, chunks=17, total=1_000_000 // 60000)
    assert len(counts) >= 2 and counts[-1] > counts[0], str(run)
    *reports, answer = [when for when, _ in run.timed_lines]
    assert_smallest([later - earlier for earlier, later in itertools.pairwise(reports)], 1,
                    what="the reporter's 1 s interval")
    assert_about(answer - reports[-1], 0, early=0, late=1.5,
                 what="the answer after the last progress line")


@pytest.mark.listing("6.14")
def test_6_14_workers_count_every_chunk_in_the_shared_value(ngram):
    """main() with 10,000 chunks of 100 lines: the progress lines are well formed and the
    parent's shared Value ends at 10,000, one increment per chunk, made in the workers."""
    code = """if __name__ == "__main__":
    import asyncio, json
    import chapter_06.listing_6_14 as listing
    asyncio.run(listing.main(partiton_size=100))
    print(json.dumps(listing.map_progress.value))
"""
    result = subprocess.run([sys.executable, "-u", "-c", code], cwd=REPO,
                            env=listing_env({"NGRAM_FILE": str(ngram)}), capture_output=True,
                            text=True, timeout=120)
    *printed, last = result.stdout.splitlines(keepends=True)
    run = Run("".join(printed), result.stderr, result.returncode, 0.0)
    check_progress(run, chunks=10000, total=10000)
    assert json.loads(last) == 10000


@pytest.mark.listing("6.14")
def test_6_14_no_progress_line_below_one_chunk(tmp_path):
    small = tmp_path / "small"
    small.write_text("Aardvark\t1822\t2\t1\nAardvark\t2007\t15207\t9\naardvark\t2000\t5\t1\n",
                     encoding="utf-8")
    run = run_listing("6.14", env={"NGRAM_FILE": str(small)})
    assert check_progress(run, chunks=1, total=0) == []


# ---------------------------------------------------------------------------------------------
# spawn and forkserver (the default start method on Linux from Python 3.14)

SPAWN_CASES = {
    "6.2": "Hi there, Jeff\nHi there, John\n",
    "6.8": None,
    "6.10": "1\n[1, 1]\n",
    "6.13": "1.0\n",
    "6.14": None,
}


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
@pytest.mark.parametrize("listing", [
    pytest.param("6.2", marks=pytest.mark.listing("6.2")),
    pytest.param("6.8", marks=pytest.mark.listing("6.8")),
    pytest.param("6.10", marks=pytest.mark.listing("6.10")),
    pytest.param("6.13", marks=pytest.mark.listing("6.13")),
    pytest.param("6.14", marks=pytest.mark.listing("6.14")),
])
def test_listings_under_spawn_and_forkserver(listing, method, shim, ngram):
    """The listings work when the children are fresh interpreters that import the listing
    module by name (spawn; forkserver, Python 3.14's default on Linux), and they really are:
    the shim saw them start."""
    env = shim.env(start_method=method) | {"NGRAM_FILE": str(ngram)}
    run = ok(run_listing(listing, env=env))
    if listing == "6.8":
        assert run.lines[0] == AARDVARK_LINE and TOOK.match(run.lines[1])
    elif listing == "6.14":
        check_progress(run, chunks=17, total=16)
    else:
        assert run.stdout == SPAWN_CASES[listing]
    interpreters = shim.log()
    main = [pid for pid, _, command in interpreters if f"-m {module_name(listing)}" in command]
    assert len(main) == 1, interpreters
    fresh = [command for pid, _, command in interpreters if pid != main[0]]
    marker = "multiprocessing.spawn" if method == "spawn" else "multiprocessing.forkserver"
    assert any(marker in command for command in fresh), interpreters


DEFAULT_START_METHOD = "fork" if sys.version_info < (3, 14) else "forkserver"  # on Linux


def interpreter_kinds(interpreters: list[tuple[int, int, str]]) -> dict[str, int]:
    """How many interpreters of each kind the shim saw start: the listing itself ("main"), the
    fork server, multiprocessing's resource tracker, and fresh ("spawn") children."""
    def kind(command: str) -> str:
        for marker, name in (("multiprocessing.forkserver", "forkserver"),
                             ("multiprocessing.resource_tracker", "tracker"),
                             ("multiprocessing.spawn", "spawn")):
            if marker in command:
                return name
        return "main" if "-m chapter_06." in command else command

    return dict(collections.Counter(kind(command) for _, _, command in interpreters))


@pytest.mark.listing("6.10")
@pytest.mark.parametrize("method", [None, "fork", "forkserver", "spawn"])
def test_6_10_who_imports_the_listing_under_each_start_method(method, shim):
    """The same output under every start method, but not the same processes. fork (Linux's
    default up to 3.13): the two children are copies of the parent, no interpreter starts (a
    child would even see globals set under the main guard); forkserver (Linux's default from
    3.14): one fork server imports the listing once, and the children are its copies; spawn
    (macOS, the book's): each child is a fresh interpreter that imports the listing itself, the
    cost that makes 6.12's 200 processes take seconds (chapter_06/README.md)."""
    run = ok(run_listing("6.10", env=shim.env(start_method=method)))
    assert run.stdout == "1\n[1, 1]\n"
    assert interpreter_kinds(shim.log()) == {
        "fork": {"main": 1},
        "forkserver": {"main": 1, "forkserver": 1, "tracker": 1},
        "spawn": {"main": 1, "tracker": 1, "spawn": 2},
    }[method or DEFAULT_START_METHOD]


@pytest.mark.listing("6.14")
@pytest.mark.parametrize("method", [None, "fork", "forkserver", "spawn"])
def test_a_pool_starts_every_worker_at_once_only_under_fork(method):
    """Why 6.14's first progress line differs: under fork a ProcessPoolExecutor starts all its
    workers at the first submit (they have mapped a few chunks when the reporter first looks),
    under forkserver and spawn one more per task only while none is idle (still starting)."""
    code = """if __name__ == "__main__":
    import json, multiprocessing, os
    from concurrent.futures import ProcessPoolExecutor
    context = multiprocessing.get_context(os.environ.get("METHOD") or None)
    with ProcessPoolExecutor(4, mp_context=context) as pool:
        pool.submit(len, ()).result()
        print(json.dumps([context.get_start_method(), len(pool._processes)]))
"""
    expected = method or DEFAULT_START_METHOD
    assert in_fresh_python(code, {"METHOD": method or ""}) == [
        expected, 4 if expected == "fork" else 1]


# ---------------------------------------------------------------------------------------------
# 6.15: one event loop per process


@pytest.mark.listing("6.15")
def test_6_15_run_in_new_loop_returns_dicts(products_db, monkeypatch, capsys):
    from util import settings

    for attribute, variable in (("POSTGRES_HOST", "PGHOST"), ("POSTGRES_USER", "PGUSER"),
                                ("POSTGRES_PASSWORD", "PGPASSWORD"),
                                ("PRODUCTS_DB", "PRODUCTS_DB")):
        monkeypatch.setattr(settings, attribute, products_db.env[variable])
    monkeypatch.setattr(settings, "POSTGRES_PORT", int(products_db.env["PGPORT"]))
    sizes = []
    queries = listing_6_15.query_products_concurrently

    async def noting_the_pool_size(pool, count):
        sizes.append(pool.get_size())
        return await queries(pool, count)

    monkeypatch.setattr(listing_6_15, "query_products_concurrently", noting_the_pool_size)
    rows = listing_6_15.run_in_new_loop(500)
    assert sizes == [6], "the pool opens its six connections (min_size=6) before the queries"
    assert len(rows) == 500 and all(type(row) is dict for row in rows)
    assert {tuple(row) for row in rows} == {("product_id", "product_name", "brand_id", "sku_id",
                                             "product_color_name", "product_size_name")}
    assert {row["product_id"] for row in rows} == {100}
    printed = capsys.readouterr().out
    assert re.search(r"starting <function query_products_concurrently at 0x[0-9a-f]+> with "
                     r"args \(<asyncpg.pool.Pool object at 0x[0-9a-f]+>, 500\) \{\}", printed)


@pytest.mark.listing("6.15")
def test_6_15_fifty_thousand_queries_in_five_processes(products_db):
    with Listing("6.15", env=products_db.env) as listing:
        # the pool's workers (one per CPU, at most one per task) each run queries of their own
        children_burning_cpu(listing, seconds=0.3, processes=min(5, CPUS))
        run = listing.wait(timeout=240)
    ok(run)
    assert run.lines[0].startswith("starting <function main at 0x")
    assert run.lines[0].endswith(" with args () {}")
    assert re.fullmatch(r"finished <function main at 0x[0-9a-f]+> in \d+\.\d{4} second\(s\)",
                        run.lines[-1])
    assert run.lines.count("Retrieved 50000 products the product database.") == 1
    starts = re.findall(r"starting <function query_products_concurrently at 0x[0-9a-f]+> with "
                        r"args \(<asyncpg.pool.Pool object at 0x[0-9a-f]+>, 10000\) \{\}",
                        run.stdout)
    finishes = re.findall(r"finished <function query_products_concurrently at 0x[0-9a-f]+> in "
                          r"\d+\.\d{4} second\(s\)", run.stdout)
    assert len(starts) == 5 and len(finishes) == 5, str(run)
    assert run.stdout.index("Retrieved 50000") > run.stdout.rindex("finished <function query")

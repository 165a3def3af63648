"""Chapter 1: processes, threads, the GIL, and threads helping I/O-bound work."""
import re
import subprocess
import sys
import threading
import time

import pytest
import requests

from chapter_01 import listing_1_5, listing_1_6
from tests.support import (
    REPO,
    Listing,
    assert_about,
    listing_env,
    module_name,
    ok,
    run_listing,
    startup_shim,
)

TIMING_LINE_17 = r"^Running synchronously took (\d+\.\d{4}) seconds\.$"
TIMING_LINE_18 = r"^Running with threads took (\d+\.\d{4}) seconds\.$"


@pytest.mark.listing("1.1")
def test_1_1_writes_the_response_headers_to_headers_txt(example_site, tmp_path):
    # A headers.txt left by an earlier run is replaced, not added to ('w', not 'a').
    (tmp_path / "headers.txt").write_text("left by an earlier run\n")
    example_site.reset()
    run = ok(run_listing("1.1", env=example_site.env, cwd=tmp_path, timeout=30))
    assert run.stdout == ""
    assert example_site.stats()["completed"] == 1  # one request
    assert [path.name for path in tmp_path.iterdir()] == ["headers.txt"]
    text = (tmp_path / "headers.txt").read_text()
    assert "left by an earlier run" not in text
    assert not text.endswith("\n")
    lines = text.split("\n")
    assert all(re.fullmatch(r"[^:]+: .*", line) for line in lines), lines
    assert "X-Stub: yes" in lines
    sent = requests.get(example_site.url, timeout=10).headers
    names = [line.split(": ", 1)[0] for line in lines]
    assert len(names) == len({name.lower() for name in sent}) == len(set(names))
    assert {name.lower() for name in names} == {name.lower() for name in sent}


@pytest.mark.listing("1.2")
def test_1_2_one_process_one_thread():
    with Listing("1.2") as running:
        run = running.wait(30)
        pid = running.process.pid
    ok(run)
    assert run.lines == [
        f"Python process running with process id: {pid}",
        "Python is currently running 1 thread(s)",
        "The current thread is MainThread",
    ]


def run_buffered(listing: str) -> tuple[int, subprocess.CompletedProcess]:
    """Run a listing whose threads or processes print at the same time, with Python's normal
    buffering (as in a terminal) rather than -u: unbuffered, print writes the text and the
    newline separately, so lines from two writers can interleave mid-line."""
    process = subprocess.Popen(
        [sys.executable, "-m", module_name(listing)], cwd=REPO,
        env=listing_env({"PYTHONUNBUFFERED": ""}), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    return process.pid, subprocess.CompletedProcess(process.args, process.returncode,
                                                    stdout, stderr)


@pytest.mark.listing("1.3")
def test_1_3_a_second_thread_greets():
    _, run = run_buffered("1.3")
    ok(run)
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 3, run.stdout
    greeting = r"Hello from thread <Thread\(Thread-\d+( \(hello_from_thread\))?, started \d+\)>!"
    assert sum(bool(re.fullmatch(greeting, line)) for line in lines) == 1, run.stdout
    assert sum(bool(re.fullmatch(r"Python is currently running [12] thread\(s\)", line))
               for line in lines) == 1, run.stdout
    assert "The current thread is MainThread" in lines


# 1.3 as __main__, its worker held back as if busy: hello_from_thread (wrapped as the module
# defines it) greets only once the main thread calls join().
HELD_GREETING = """if True:
    import functools, importlib.util, sys, threading

    joining = threading.Event()
    join = threading.Thread.join

    def join_and_release(thread, *args, **kwargs):
        joining.set()
        return join(thread, *args, **kwargs)

    threading.Thread.join = join_and_release

    def held(greet):
        @functools.wraps(greet)
        def hello_from_thread():
            joining.wait(10)
            greet()
        return hello_from_thread

    class Namespace(dict):
        def __setitem__(self, name, value):
            super().__setitem__(name, held(value) if name == "hello_from_thread" else value)

    spec = importlib.util.find_spec(sys.argv[1])
    namespace = Namespace(__name__="__main__", __file__=spec.origin, __spec__=None,
                          __builtins__=__builtins__)
    exec(compile(spec.loader.get_source(spec.name), spec.origin, "exec"), namespace)
"""


@pytest.mark.listing("1.3")
def test_1_3_the_main_thread_goes_on_while_the_worker_runs():
    """While the worker is still at work, the main thread counts it (2 threads) and prints its
    lines; the greeting comes once the main thread waits in join()."""
    result = subprocess.run([sys.executable, "-u", "-c", HELD_GREETING, module_name("1.3")],
                            cwd=REPO, env=listing_env(), capture_output=True, text=True,
                            timeout=30)
    assert (result.returncode, result.stderr) == (0, ""), result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Python is currently running 2 thread(s)",
                         "The current thread is MainThread"], lines
    assert len(lines) == 3 and re.fullmatch(
        r"Hello from thread <Thread\(Thread-\d+ \(hello_from_thread\), started \d+\)>!",
        lines[2]), lines


@pytest.mark.listing("1.4")
def test_1_4_parent_and_child_have_their_own_pids():
    pid, run = run_buffered("1.4")
    ok(run)
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 2, run.stdout
    parent = [m for line in lines if (m := re.fullmatch(r"Hello from parent process (\d+)", line))]
    child = [m for line in lines if (m := re.fullmatch(r"Hello from child process (\d+)!", line))]
    assert len(parent) == len(child) == 1, run.stdout
    assert int(parent[0][1]) == pid
    assert int(child[0][1]) != pid


# 1.4 with the child held back (as if slow to start) until the parent calls join(): a start-up
# shim in every Python the listing starts (the child too, whatever the start method) patches
# multiprocessing's Process.run to wait for a file that Process.join creates.
HELD_CHILD = """\
import multiprocessing.process
import os
import time
from pathlib import Path

_joined = Path(os.environ["CH01_JOINED"])
_join, _run = multiprocessing.process.BaseProcess.join, multiprocessing.process.BaseProcess.run


def join(self, *args, **kwargs):
    _joined.touch()
    return _join(self, *args, **kwargs)


def run(self):
    deadline = time.monotonic() + 10
    while not _joined.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    _run(self)


multiprocessing.process.BaseProcess.join = join
multiprocessing.process.BaseProcess.run = run
"""


@pytest.mark.listing("1.4")
def test_1_4_the_parent_greets_while_the_child_runs(tmp_path):
    """The parent prints its line while the child is still at work: it joins only after."""
    env = startup_shim(tmp_path, HELD_CHILD) | {"CH01_JOINED": str(tmp_path / "joined")}
    with Listing("1.4", env=env) as running:
        run = ok(running.wait(30))
        pid = running.process.pid
    assert run.stderr == ""
    assert len(run.lines) == 2, run
    assert run.lines[0] == f"Hello from parent process {pid}", run
    child = re.fullmatch(r"Hello from child process (\d+)!", run.lines[1])
    assert child and int(child[1]) != pid, run


@pytest.mark.parametrize("listing", [
    pytest.param(listing_1_5, id="1.5", marks=pytest.mark.listing("1.5")),
    pytest.param(listing_1_6, id="1.6", marks=pytest.mark.listing("1.6")),
])
def test_1_5_and_1_6_fib_values_on_small_numbers(listing, capsys):
    assert [listing.fib(n) for n in (1, 2, 3, 10, 20, 30)] == [0, 1, 1, 34, 4181, 514229]
    listing.print_fib(20)
    assert capsys.readouterr().out == "fib(20) is 4181\n"


# The listings' own programs, as __main__, with their own fib memoized: each fib(n) is worked
# out once, by the listing's own function body (so its values and what the program prints are
# the listing's), and fib(40) and fib(41) take milliseconds instead of a minute of CPU each.
# What the long computation shows (threads give no speed-up under the GIL) is measured on
# fib(29) and fib(30) below. With --together, print_fib waits at a barrier for a second
# print_fib call to begin; with --slow, it sleeps half a second first (standing in for the long
# computation, without the GIL), so that the time the program prints has a known value.
MEMOIZED_FIB = """if True:
    import functools, importlib.util, sys, threading, time

    together = threading.Barrier(2, timeout=5)

    def wrapped(name, value):
        if name == "fib":
            return functools.cache(value)
        if name == "print_fib" and {"--together", "--slow"} & set(sys.argv):
            @functools.wraps(value)
            def print_fib(number):
                if "--together" in sys.argv:
                    together.wait()  # until both fibs are under way
                if "--slow" in sys.argv:
                    time.sleep(0.5)
                value(number)
            return print_fib
        return value

    class Namespace(dict):  # module globals that memoize `fib` as it is defined
        def __setitem__(self, name, value):
            super().__setitem__(name, wrapped(name, value))

    spec = importlib.util.find_spec(sys.argv[1])
    namespace = Namespace(__name__="__main__", __file__=spec.origin, __spec__=None,
                          __builtins__=__builtins__)
    exec(compile(spec.loader.get_source(spec.name), spec.origin, "exec"), namespace)
"""


def run_memoized(listing: str, *args: str) -> subprocess.CompletedProcess:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-u", "-c", MEMOIZED_FIB, module_name(listing),
                             *args],
                            cwd=REPO, env=listing_env(), capture_output=True, text=True,
                            timeout=60)
    result.seconds = time.monotonic() - started
    result.lines = result.stdout.splitlines()
    assert (result.returncode, result.stderr) == (0, ""), result.stdout + result.stderr
    return result


@pytest.mark.listing("1.5")
def test_1_5_full_run_prints_fib_40_and_41_and_the_time():
    run = run_memoized("1.5", "--slow")
    assert run.lines[:2] == ["fib(40) is 63245986", "fib(41) is 102334155"]
    assert len(run.lines) == 3, run
    completed = re.fullmatch(r"Completed in (\d+\.\d{4}) seconds\.", run.lines[2])
    assert completed, run
    assert float(completed[1]) <= run.seconds
    # The timer runs around both print_fib calls: half a second each, one after the other.
    assert_about(float(completed[1]), 1, early=0.05, late=0.3, what="two 0.5 s calls in turn")


@pytest.mark.listing("1.6")
def test_1_6_full_run_prints_both_fibs_from_threads():
    run = run_memoized("1.6", "--slow")
    # Unbuffered, print writes the text and the newline apart: one thread's text may come
    # between the other's text and newline ("fib(40) is ...fib(41) is ..." then "").
    assert sorted(re.findall(r"fib\(\d+\) is \d+", "".join(run.lines[:2]))) == [
        "fib(40) is 63245986", "fib(41) is 102334155"], run.stdout
    assert len(run.lines) == 3, run
    took = re.fullmatch(r"Threads took (\d+\.\d{4}) seconds\.", run.lines[2])
    assert took, run
    assert float(took[1]) <= run.seconds
    # The timer runs around both threads, which sleep their half second at the same time.
    assert_about(float(took[1]), 0.5, early=0.05, late=0.2, what="two 0.5 s calls at once")


@pytest.mark.listing("1.6")
def test_1_6_both_fibs_are_under_way_at_once_in_two_threads():
    """Each print_fib waits (5 s at most) until the other has begun: both get through only if
    the second thread starts while the first is still at work. Started one after the other,
    the first would wait alone and fail (BrokenBarrierError)."""
    run = run_memoized("1.6", "--together")
    *fibs, took = run.lines  # the two fib lines may interleave, as above
    assert sorted(re.findall(r"fib\(\d+\) is \d+", "".join(fibs))) == [
        "fib(40) is 63245986", "fib(41) is 102334155"], run.stdout
    assert len(fibs) == 2 and re.fullmatch(r"Threads took \d+\.\d{4} seconds\.", took), run


def _sequential(print_fib) -> None:
    print_fib(29)
    print_fib(30)


def _threaded(print_fib) -> None:
    threads = [threading.Thread(target=print_fib, args=(n,)) for n in (29, 30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _timed(run, print_fib) -> tuple[float, float]:
    """Wall time and CPU time (all threads of this process) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    run(print_fib)
    return time.perf_counter() - wall, time.process_time() - cpu


@pytest.mark.listing("1.6")
def test_1_6_threads_give_no_speed_up_under_the_gil(capsys):
    if hasattr(sys, "_is_gil_enabled") and not sys._is_gil_enabled():
        pytest.skip("free-threaded build with the GIL disabled: threads do run in parallel")
    sequential, threaded = [], []
    for _ in range(5):  # interleaved rounds, best of each
        sequential.append(_timed(_sequential, listing_1_6.print_fib))
        threaded.append(_timed(_threaded, listing_1_6.print_fib))
    lines = capsys.readouterr().out.splitlines()
    assert sorted(set(lines)) == ["fib(29) is 317811", "fib(30) is 514229"]
    assert len(lines) == 20
    # The sequential time is taken as its CPU time, which is its wall time on a core of its
    # own: a test busy on the other core (or more) can lengthen wall times but not CPU times.
    # Threads running in parallel would finish in about 0.6 of it; under the GIL they need all
    # of it, one thread at a time.
    sequential_time = min(cpu for _, cpu in sequential)
    threaded_time = min(wall for wall, _ in threaded)
    assert threaded_time >= 0.8 * sequential_time, (sequential, threaded)


@pytest.mark.listing("1.7")
def test_1_7_two_sequential_requests_take_twice_the_latency(example_site):
    example_site.reset()
    run = ok(run_listing("1.7", env=example_site.env, timeout=30))
    assert example_site.stats()["completed"] == 2
    assert run.lines[:2] == ["200", "200"] and len(run.lines) == 3, run
    took = float(re.fullmatch(TIMING_LINE_17, run.lines[2])[1])
    assert took >= 2 * example_site.latency - 0.05


@pytest.mark.listing("1.8")
def test_1_8_two_threads_overlap_their_requests(example_site):
    latency = example_site.latency
    example_site.reset()
    run = ok(run_listing("1.8", env=example_site.env, timeout=30))
    assert example_site.stats()["completed"] == 2
    # Run unbuffered (-u), print writes "200" and its newline separately, so the two threads'
    # lines may interleave ("200200" then ""): check the text between the first and last line.
    assert run.lines[0] == "All threads running!", run
    assert "".join(run.lines[1:-1]) == "200200", run
    took = float(re.fullmatch(TIMING_LINE_18, run.lines[-1])[1])
    # "All threads running!" is printed before any answer could have arrived.
    assert run.timed_lines[0][0] < run.timed_lines[1][0] - latency / 2
    # About one latency: under 1.4 L, so at most 0.7 of listing 1.7's 2 L or more.
    assert_about(took, latency, early=0.05, late=0.4 * latency)

"""`python -m util trace N.M`: a listing run as `util run` does, under VizTracer; the trace file,
its PNG timeline and one line saying where they are.

Every test gives the CLI its own free ports and data folder (as tests/test_cli.py does), and
reads the trace back with util.tools.timeline, the model util.tools.timeline_drawing draws.
"""
from __future__ import annotations

import itertools
import re
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import pexpect
import psutil
import pytest

from tests.support import (
    REPO,
    Program,
    assert_about,
    assert_smallest,
    free_port,
    listing_env,
    ok,
    run_program,
    wait_for_port,
)
from util.tools import timeline
from util.tools.processes import port_open

PNG = b"\x89PNG\r\n\x1a\n"
TRACE_LINE = "[util] trace of "


@pytest.fixture
def trace_env():
    """Fresh addresses and data folder: nothing is running for the CLI to find."""
    data = Path(tempfile.mkdtemp(prefix="asyncio-book-trace-"))
    yield {"EXAMPLE_PORT": str(free_port()), "PGPORT": str(free_port()),
           "SERVER_PORT": str(free_port()), "WEB_PORT": str(free_port()),
           "SERVICE_PORT": str(free_port()), "ASYNCIO_DATA_DIR": str(data)}
    shutil.rmtree(data, ignore_errors=True)


def trace(*args: str, env: dict, timeout: float = 180):
    return run_program("util", "trace", *args, env=env, timeout=timeout)


def saved(env: dict, stem: str) -> tuple[Path, Path]:
    folder = Path(env["ASYNCIO_DATA_DIR"]) / "trace"
    return folder / f"{stem}.json", folder / f"{stem}.png"


def the_trace_line(result) -> str:
    """The one line util trace adds: where the trace and the timeline are."""
    lines = [line for line in result.stderr.splitlines() if line.startswith(TRACE_LINE)]
    assert len(lines) == 1, result
    return lines[0]


def assert_saved(env: dict, stem: str, result) -> timeline.Trace:
    """Both files exist, the line names them and says how to open the trace; the trace read."""
    json_file, png_file = saved(env, stem)
    line = the_trace_line(result)
    assert json_file.is_file() and png_file.is_file(), result
    assert png_file.read_bytes()[:8] == PNG
    assert png_file.stat().st_size < 100_000
    assert json_file.name in line and png_file.name in line and "vizviewer" in line, line
    return timeline.load(json_file)


def overlap(lanes: list[timeline.Lane]) -> float:
    """How long all the lanes were alive at once."""
    return min(lane.alive[1] for lane in lanes) - max(lane.alive[0] for lane in lanes)


def test_2_9_three_task_lanes_alive_3_seconds_together(trace_env):
    result = ok(trace("2.9", env=trace_env))
    assert result.lines == (["sleeping for 3 second(s)"] * 3
                            + ["finished sleeping for 3 second(s)"] * 3)
    traced = assert_saved(trace_env, "listing_2_9", result)
    delays = [lane for lane in traced.of_kind("task") if lane.coroutine == "delay"]
    assert len(delays) == 3, traced.lanes
    for lane in delays:
        assert_about(lane.alive[1] - lane.alive[0], 3, early=0.1, late=0.6, what=lane.label)
        assert [what for _when, what in lane.marks] == ["created", "done"]
    assert overlap(delays) > 2.8
    assert [lane.coroutine for lane in traced.of_kind("task")] == ["main"] + ["delay"] * 3
    assert len(traced.of_kind("loop")) == 1
    assert_about(traced.seconds, 3, early=0.1, late=1.0, what="the traced run")
    assert traced.slow == []


def test_2_20_each_blocking_request_holds_the_loop_and_is_highlighted(trace_env, example_site):
    env = trace_env | example_site.env  # the stand-in answers after 0.5 s
    result = ok(trace("2.20", env=env))
    traced = assert_saved(env, "listing_2_20", result)
    requests = [lane for lane in traced.of_kind("task")
                if lane.coroutine == "get_example_status"]
    assert len(requests) == 3
    held = [stretch for stretch in traced.slow if "get_example_status" in stretch.lane]
    assert len(held) == 3, traced.slow
    # each request holds the loop for the stand-in's 0.5 s (the smallest of the three)
    assert_smallest([stretch.seconds for stretch in held], 0.5, what=held)
    # one step each, the whole request long
    assert_smallest([max(end - start for start, end in lane.runs) for lane in requests], 0.5,
                    what=[lane.label for lane in requests])
    starts = sorted(stretch.start for stretch in held)  # one after another, never together
    assert all(later - earlier >= 0.45 for earlier, later in itertools.pairwise(starts))


def test_a_thread_pool_of_chapter_7_shows_its_workers_running_together(trace_env):
    env = trace_env | {"PASSWORD_COUNT": "200"}  # enough hashing that each worker shows
    result = ok(trace("7.17", env=env))
    traced = assert_saved(env, "listing_7_17", result)
    workers = [lane for lane in traced.of_kind("thread") if lane.ran() > 0.05]
    assert len(workers) >= 2, traced.lanes
    busy = [(lane, start, end) for lane in workers for start, end in lane.runs]
    together = any(a[0] is not b[0] and a[1] < b[2] and b[1] < a[2] and
                   min(a[2], b[2]) - max(a[1], b[1]) > 0.01
                   for a in busy for b in busy)
    assert together, [(lane.label, lane.runs[:5]) for lane in workers]


def test_a_process_pool_of_chapter_6_shows_its_children(trace_env):
    result = ok(trace("--seconds", "240", "6.5", env=trace_env, timeout=300))
    assert result.lines[-1] == "100000000"
    traced = assert_saved(trace_env, "listing_6_5", result)
    children = traced.of_kind("process")
    assert len(children) >= 2, traced.lanes
    main_pid = traced.of_kind("loop")[0].pid
    assert all(lane.pid != main_pid for lane in children)
    assert max(lane.ran() for lane in children) > 0.5  # one of them counted to 100,000,000


def test_a_task_that_raises_and_the_ones_cancelled_are_marked(trace_env, example_site):
    env = trace_env | example_site.env
    result = ok(trace("4.12_taskgroup", env=env))
    traced = assert_saved(env, "listing_4_12_taskgroup", result)
    ends = [what for lane in traced.of_kind("task") for _when, what in lane.marks[1:]]
    assert any(what.startswith("raised ") for what in ends), ends
    assert "cancelled" in ends, ends


def test_an_unknown_listing_is_one_clear_line(trace_env):
    result = trace("2.99", env=trace_env)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: there is no listing 2.99: chapter 2 has 2.1 to 2.24 "
        "(see `python -m util list 2`)"]
    assert not saved(trace_env, "listing_2_99")[0].exists()


WARNING = re.compile(r"^(?P<path>.+?):\d+: \w*Warning: ", re.MULTILINE)


@pytest.mark.parametrize("number, bound", [("2.9", ()), ("14.4", ("--seconds", "3"))])
def test_a_trace_prints_no_warning_from_the_projects_own_code(trace_env, number, bound):
    """Every deprecation warning shown (PYTHONWARNINGS reaches the traced child too), none from
    the project's files: on 3.14+ the uvloop stand-in once subclassed the deprecated
    asyncio.DefaultEventLoopPolicy on every run. 14.4 is the listing that installs uvloop."""
    env = trace_env | {"PYTHONWARNINGS": "always::DeprecationWarning"}
    result = ok(trace(*bound, number, env=env))
    the_trace_line(result)
    ours = [match.group(0) for match in WARNING.finditer(result.stderr)
            if Path(match["path"]).resolve().is_relative_to(REPO)
            and not Path(match["path"]).resolve().relative_to(REPO).parts[0].startswith(".")]
    assert ours == [], result.stderr


def test_without_viztracer_s_c_extension_util_trace_says_what_is_missing(trace_env, tmp_path):
    """A VizTracer without its compiled part (a Python it has no wheel for, built without a
    compiler), stood in by an empty package ahead of the real one: one line, exit 2."""
    (tmp_path / "viztracer").mkdir()
    (tmp_path / "viztracer" / "__init__.py").write_text("")
    result = trace("2.9", env=trace_env | {"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 2, result
    assert result.stdout == ""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert result.stderr.splitlines() == [
        f"error: util trace needs VizTracer, which does not import on Python "
        f"{sys.version.split()[0]} (No module named 'viztracer.snaptrace'): `uv sync` installs "
        f"it, building it from source where no wheel exists, which needs a C compiler and "
        f"Python's headers (on Debian python{version}-dev)"]
    assert not saved(trace_env, "listing_2_9")[0].exists()


def test_a_listing_that_fails_at_once_still_saves_its_trace(trace_env):
    result = trace("3.5", env=trace_env)  # accept() on a non-blocking socket: BlockingIOError
    assert result.returncode == 1, result
    assert "BlockingIOError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(TRACE_LINE)
    traced = assert_saved(trace_env, "listing_3_5", result)
    assert traced.lanes
    assert not port_open("127.0.0.1", int(trace_env["SERVER_PORT"]))


def test_ctrl_c_saves_the_partial_trace_and_leaves_nothing_running(trace_env):
    with Program("util", "trace", "3.8", env=trace_env) as running:
        wait_for_port(int(trace_env["SERVER_PORT"]), timeout=60, process=running.process)
        started = psutil.Process(running.process.pid).children(recursive=True)
        assert started
        result = running.stop(signal.SIGINT, timeout=60)
    assert result.returncode == 130, result
    traced = assert_saved(trace_env, "listing_3_8", result)
    assert [lane.coroutine for lane in traced.of_kind("task")][:1] == ["main"]
    assert not any(process.is_running() for process in started)
    assert not port_open("127.0.0.1", int(trace_env["SERVER_PORT"]))


def test_ctrl_c_at_a_terminal_saves_the_trace_too(trace_env):
    """A terminal sends Ctrl-C to the whole job: util trace lets the listing stop, then draws."""
    child = pexpect.spawn(sys.executable, ["-m", "util", "trace", "3.8"], cwd=str(REPO),
                          env=listing_env(trace_env), encoding="utf-8", timeout=90)
    try:
        wait_for_port(int(trace_env["SERVER_PORT"]), timeout=60)
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130, child.before
        assert TRACE_LINE + "3.8" in child.before
        assert all(path.exists() for path in saved(trace_env, "listing_3_8"))
        assert not port_open("127.0.0.1", int(trace_env["SERVER_PORT"]))
    finally:
        child.close(force=True)


# small traces: 4.6's thousand requests and 11.1's thousand thread rounds took 26 s and 39 s
ONE_PER_CHAPTER = ["1.7", "2.12", "3.8", "4.8", "5.2", "6.10", "7.11_fixed", "8.2", "9.1",
                   "10.9", "11.4", "12.1", "13.1", "14.4"]


@pytest.mark.parametrize("number", ONE_PER_CHAPTER)
def test_every_chapter_can_be_traced_for_a_few_seconds(trace_env, example_site, number):
    env = trace_env | example_site.env
    chapter, rest = number.split(".")
    bound = ("--seconds", "6")  # before the number or after it, as a reader may write it
    result = trace(*bound, number, env=env) if int(chapter) % 2 else trace(number, *bound, env=env)
    line = the_trace_line(result)
    ok(result)
    traced = assert_saved(env, f"listing_{chapter}_{rest.replace('.', '_')}", result)
    assert traced.lanes, line
    if number in {"3.8", "9.1", "14.4"}:  # servers: stopped at the bound
        assert "stopped after 6 s" in line
    if number == "14.4":
        assert "instead of uvloop" in line


def test_a_step_longer_than_100_ms_is_a_slow_stretch_and_asyncio_internals_are_hidden():
    def call(tid, start_ms, ms, name):
        return {"ph": "X", "pid": 1, "tid": tid, "ts": start_ms * 1000, "dur": ms * 1000,
                "name": name}

    def mark(name, at_ms, **args):
        return {"ph": "i", "pid": 1, "tid": 1, "ts": at_ms * 1000, "name": name, "args": args}

    events = [
        {"ph": "M", "pid": 1, "tid": 1, "name": "thread_name", "args": {"name": "MainThread"}},
        {"ph": "M", "pid": 1, "tid": 7, "name": "thread_name", "args": {"name": "Task-1"}},
        {"ph": "M", "pid": 1, "tid": 8, "name": "thread_name", "args": {"name": "Task-2"}},
        call(1, 0, 1000, "BaseEventLoop.run_forever (base_events.py:1)"),
        call(1, 100, 700, "select.epoll.poll"),
        mark("task created", 0, task="Task-1", coro="main"),
        call(7, 1, 2, "main (listing.py:1)"),
        call(7, 850, 150, "main (listing.py:1)"),
        call(7, 900, 50, "requests.get (api.py:1)"),
        mark("task ended", 1000, task="Task-1", outcome="raised", error="ValueError"),
        mark("task created", 1000, task="Task-2", coro="BaseEventLoop.shutdown_asyncgens"),
        call(8, 1000, 1, "BaseEventLoop.shutdown_asyncgens (base_events.py:1)"),
    ]
    traced = timeline.build(events)
    assert [lane.label for lane in traced.lanes] == ["MainThread (event loop)", "Task-1: main()"]
    task = traced.of_kind("task")[0]
    assert rounded(task.runs) == [(0.001, 0.003), (0.85, 1.0)]
    assert rounded(task.marks) == [(0.0, "created"), (1.0, "raised ValueError")]
    assert rounded([(s.start, s.end, s.lane) for s in traced.slow]) == [
        (0.85, 1.0, "Task-1: main()")]
    assert rounded(traced.of_kind("loop")[0].runs) == [(0.0, 0.1), (0.8, 1.0)]


def rounded(rows: list[tuple]) -> list[tuple]:
    return [tuple(round(x, 6) if isinstance(x, float) else x for x in row) for row in rows]


def test_the_chapter_pictures_exist_small_and_each_readme_shows_them_with_a_sentence():
    from util.tools import listing_index, trace_pictures

    assert len(trace_pictures.PICTURES) >= 15
    for picture in trace_pictures.PICTURES:
        info = listing_index.find(picture.listing)
        image = trace_pictures.picture_path(info)
        assert image.read_bytes()[:8] == PNG, image
        assert image.stat().st_size < 100_000, image
        readme = (info.path.parent / "README.md").read_text(encoding="utf-8")
        assert f"\n{trace_pictures.SECTION}\n" in readme
        shown = f"![Timeline of listing {info.id}](timelines/{image.name})\n\n{picture.what_to_see}"
        assert shown in readme, info.id

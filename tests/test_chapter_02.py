"""Chapter 2: coroutines, tasks, cancellation, futures, async_timed, the two pitfalls, the loop,
debug mode; and the util helpers delay and async_timed that later chapters import."""
import ast
import asyncio
import inspect
import json
import logging
import re
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest

import util
import util.async_timer
import util.delay_functions
from chapter_02 import listing_2_1, listing_2_6, listing_2_16, listing_2_24
from tests.support import (
    REPO,
    Run,
    assert_about,
    assert_smallest,
    async_timed_shape,
    listing_env,
    module_name,
    ok,
    run_listing,
)

SLOW_STEP = re.compile(r"Executing <Task finished name='(Task-\d+)' coro=<cpu_bound_work\(\) done,"
                       r" defined at .*util/async_timer\.py:\d+> result=100000000 .*"
                       r"took (\d+\.\d+) seconds")


def at(run: Run, text: str) -> float:
    return run.arrivals(text)[0]


def main_times(listing: str, runs: int, capsys) -> tuple[list[float], str]:
    """Run a listing's program in this process, as `python -m` runs it (runpy, as __main__),
    `runs` times: how long each took, without an interpreter's start-up, and what the last
    printed. For a listing that prints nothing before its wait, or nothing at all."""
    seconds = []
    for _ in range(runs):
        capsys.readouterr()
        started = time.monotonic()
        runpy.run_module(module_name(listing), run_name="__main__")
        seconds.append(time.monotonic() - started)
    return seconds, capsys.readouterr().out


def code_without_docstring(path: Path) -> str:
    body = ast.parse(path.read_text()).body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return ast.dump(ast.Module(body=body, type_ignores=[]))


@pytest.mark.listing("2.1")
def test_2_1_defines_a_coroutine_and_runs_nothing(capsys):
    run = run_listing("2.1", timeout=30)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", ""), run
    assert inspect.iscoroutinefunction(listing_2_1.my_coroutine)
    assert asyncio.run(listing_2_1.my_coroutine()) is None
    assert capsys.readouterr().out == "Hello world!\n"


@pytest.mark.listing("2.2")
def test_2_2_calling_a_coroutine_function_returns_a_coroutine():
    run = ok(run_listing("2.2", timeout=30))
    assert len(run.lines) == 2, run
    assert run.lines[0] == "Function result is 2 and the type is <class 'int'>"
    assert re.fullmatch(r"Coroutine result is <coroutine object coroutine_add_one at "
                        r"0x[0-9a-fA-F]+> and the type is <class 'coroutine'>", run.lines[1])
    assert "RuntimeWarning: coroutine 'coroutine_add_one' was never awaited" in run.stderr


@pytest.mark.listing("2.3")
def test_2_3_asyncio_run_returns_the_result():
    run = run_listing("2.3", timeout=30)
    assert (run.returncode, run.stdout) == (0, "2\n"), run


@pytest.mark.listing("2.4")
def test_2_4_await_gives_each_result():
    run = run_listing("2.4", timeout=30)
    assert (run.returncode, run.lines) == (0, ["2", "3"]), run


@pytest.mark.listing("2.5")
def test_2_5_hello_world_after_one_second(capsys):
    run = run_listing("2.5", timeout=30)
    assert (run.returncode, run.lines) == (0, ["Hello World!"]), run
    seconds, printed = main_times("2.5", 2, capsys)
    assert printed == "Hello World!\n"
    assert_smallest(seconds, 1, what="asyncio.sleep(1), then the message")


# Listing 2.6 and its copy util.delay_functions.delay, which every later chapter imports.

DELAYS = [pytest.param(listing_2_6.delay, id="listing_2_6"),
          pytest.param(util.delay_functions.delay, id="util")]


@pytest.mark.listing("2.6")
def test_2_6_running_prints_nothing_and_util_holds_the_identical_code():
    run = run_listing("2.6", timeout=30)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", ""), run
    assert (code_without_docstring(Path(listing_2_6.__file__))
            == code_without_docstring(Path(util.delay_functions.__file__)))
    assert util.delay is util.delay_functions.delay


@pytest.mark.listing("2.6")
@pytest.mark.parametrize("delay", DELAYS)
def test_2_6_delay_prints_sleeps_and_returns(delay, capsys):
    start = time.monotonic()
    assert asyncio.run(delay(1)) == 1
    elapsed = time.monotonic() - start
    assert capsys.readouterr().out == ("sleeping for 1 second(s)\n"
                                       "finished sleeping for 1 second(s)\n")
    assert_about(elapsed, 1, early=0, late=0.3)

    start = time.monotonic()
    assert asyncio.run(delay(0)) == 0
    assert_about(time.monotonic() - start, 0, late=0.2)


@pytest.mark.listing("2.6")
@pytest.mark.parametrize("delay", DELAYS)
def test_2_6_two_delays_gathered_take_one_second_not_two(delay, capsys):
    async def both():
        return await asyncio.gather(delay(1), delay(1))

    start = time.monotonic()
    assert asyncio.run(both()) == [1, 1]
    assert_about(time.monotonic() - start, 1, early=0, late=0.3)
    assert capsys.readouterr().out.splitlines() == ["sleeping for 1 second(s)"] * 2 + [
        "finished sleeping for 1 second(s)"] * 2


@pytest.mark.listing("2.6")
@pytest.mark.listing("2.16")
def test_util_imports_quietly_as_the_listings_use_it():
    code = ("import util, util.async_timer, util.delay_functions\n"
            "from util import async_timed, delay\n"
            "assert delay is util.delay_functions.delay\n"
            "assert async_timed is util.async_timer.async_timed\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=listing_env(),
                            capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.listing("2.7")
def test_2_7_awaiting_one_after_another_is_sequential():
    run = ok(run_listing("2.7", timeout=30))
    assert run.lines == ["sleeping for 1 second(s)", "finished sleeping for 1 second(s)", "2",
                         "Hello World!"]
    assert_about(at(run, "2") - at(run, "sleeping for 1 second(s)"), 1, early=0.05, late=0.4)


@pytest.mark.listing("2.8")
def test_2_8_a_task_starts_when_main_awaits():
    run = ok(run_listing("2.8", timeout=30))
    assert run.lines[0] in ("<class '_asyncio.Task'>", "<class 'asyncio.tasks.Task'>"), run
    assert run.lines[1:] == ["sleeping for 3 second(s)", "finished sleeping for 3 second(s)",
                             "3"]
    assert_about(at(run, "3") - run.timed_lines[0][0], 3, early=0.05, late=0.5)
    assert_about(run.seconds, 3, early=0, late=1.2)


@pytest.mark.listing("2.9")
def test_2_9_three_tasks_sleep_together_3_s_not_9():
    run = ok(run_listing("2.9", timeout=30))
    assert run.lines == (["sleeping for 3 second(s)"] * 3
                         + ["finished sleeping for 3 second(s)"] * 3)
    assert_about(run.timed_lines[-1][0] - run.timed_lines[0][0], 3, early=0.05, late=0.5)
    assert_about(run.seconds, 3, early=0, late=1.2)


@pytest.mark.listing("2.10")
def test_2_10_other_code_runs_while_the_tasks_sleep():
    run = ok(run_listing("2.10", timeout=30))
    other = "I'm running other code while I'm waiting!"
    assert run.lines == (["sleeping for 3 second(s)"] * 2 + [other] * 2
                         + ["finished sleeping for 3 second(s)"] * 2)
    start = run.timed_lines[0][0]
    arrivals = [when - start for when, _ in run.timed_lines]
    assert_about(arrivals[2], 1, early=0.05, late=0.4)
    assert_about(arrivals[3], 2, early=0.05, late=0.4)
    assert_about(arrivals[5], 3, early=0.05, late=0.5)
    assert_about(run.seconds, 3, early=0, late=1.2)


@pytest.mark.listing("2.11")
def test_2_11_cancelling_a_task_after_five_seconds():
    run = ok(run_listing("2.11", timeout=30))
    check = "Task not finished, checking again in a second."
    assert run.lines == [check, "sleeping for 10 second(s)"] + [check] * 5 + [
        "Our task was cancelled"]
    assert_about(at(run, "Our task was cancelled") - run.timed_lines[0][0], 6, early=0.05, late=0.5)
    assert_about(run.seconds, 6, early=0, late=1.5)


@pytest.mark.listing("2.12")
def test_2_12_wait_for_times_out_and_cancels_the_task():
    run = ok(run_listing("2.12", timeout=30))
    assert run.lines == ["sleeping for 2 second(s)", "Got a timeout!",
                         "Was the task cancelled? True"]
    assert_about(at(run, "Got a timeout!") - at(run, "sleeping for 2 second(s)"), 1, early=0.05,
                 late=0.4)


@pytest.mark.listing("2.12_timeout")
def test_2_12_timeout_block_expires_after_one_second():
    run = ok(run_listing("2.12_timeout", timeout=30))
    assert run.lines == ["sleeping for 2 second(s)", "Got a timeout!",
                         "Was the task cancelled? True", "Did the timeout expire? True"]
    assert_about(at(run, "Got a timeout!") - at(run, "sleeping for 2 second(s)"), 1, early=0.05,
                 late=0.4, what="asyncio.timeout(1)")


@pytest.mark.listing("2.13")
def test_2_13_shield_keeps_the_task_running_past_the_timeout():
    run = ok(run_listing("2.13", timeout=30))
    assert run.lines == ["sleeping for 10 second(s)", "Task took longer than five seconds!",
                         "finished sleeping for 10 second(s)", "10"]
    start = run.timed_lines[0][0]
    assert_about(at(run, "Task took longer than five seconds!") - start, 5, early=0.05, late=0.5)
    assert_about(at(run, "10") - start, 10, early=0.05, late=0.5)
    assert_about(run.seconds, 10, early=0, late=1.2)


@pytest.mark.listing("2.14")
def test_2_14_a_future_without_deprecated_loop_lookups():
    run = run_listing("2.14", timeout=30, python_args=("-W", "error::DeprecationWarning"))
    assert (run.returncode, run.stderr) == (0, ""), run
    assert run.lines == ["Is my_future done? False", "Is my_future done? True",
                         "What is the result of my_future? 42"]


@pytest.mark.listing("2.15")
def test_2_15_awaiting_a_future_set_a_second_later():
    run = run_listing("2.15", timeout=30)
    assert (run.returncode, run.stderr) == (0, ""), run
    assert run.lines == ["Is the future done? False", "Is the future done? True", "42"]
    assert_about(at(run, "42") - at(run, "Is the future done? False"), 1, early=0.05, late=0.4)


# Listing 2.16 and its copy util.async_timer.async_timed, which later chapters import.

TIMERS = [pytest.param(listing_2_16.async_timed, id="listing_2_16"),
          pytest.param(util.async_timer.async_timed, id="util")]


@pytest.mark.listing("2.16")
def test_2_16_running_prints_nothing_and_util_holds_the_identical_code():
    run = run_listing("2.16", timeout=30)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", ""), run
    assert (code_without_docstring(Path(listing_2_16.__file__))
            == code_without_docstring(Path(util.async_timer.__file__)))
    assert util.async_timed is util.async_timer.async_timed


@pytest.mark.listing("2.16")
@pytest.mark.parametrize("async_timed", TIMERS)
def test_2_16_reports_arguments_and_time(async_timed, capsys):
    async def sample(x, k=None):
        """A sample coroutine."""
        await asyncio.sleep(0.5)
        return x

    decorated = async_timed()(sample)
    assert decorated.__name__ == "sample" and decorated.__doc__ == "A sample coroutine."
    assert asyncio.run(decorated(1, k=2)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines
    assert lines[0] == f"starting {sample} with args (1,) {{'k': 2}}"
    assert re.fullmatch(r"starting <function .*sample at 0x[0-9a-f]+> with args \(1,\) "
                        r"\{'k': 2\}", lines[0])
    finished = re.fullmatch(r"finished <function .*sample at 0x[0-9a-f]+> in (\d+\.\d{4}) "
                            r"second\(s\)", lines[1])
    assert finished and lines[1].startswith(f"finished {sample} in ")
    assert_about(float(finished[1]), 0.5, early=0.01, late=0.2)


@pytest.mark.listing("2.16")
@pytest.mark.parametrize("async_timed", TIMERS)
def test_2_16_reports_the_time_when_the_coroutine_raises(async_timed, capsys):
    @async_timed()
    async def failing():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        asyncio.run(failing())
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("starting <function ")
    assert re.fullmatch(r"finished <function .*failing at 0x[0-9a-f]+> in \d+\.\d{4} second\(s\)",
                        lines[1])


@pytest.mark.listing("2.16")
@pytest.mark.parametrize("async_timed", TIMERS)
def test_2_16_reports_the_time_when_the_coroutine_is_cancelled(async_timed, capsys):
    @async_timed()
    async def sleeper():
        await asyncio.sleep(10)

    async def main():
        task = asyncio.create_task(sleeper())
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return task.cancelled()

    assert asyncio.run(main()) is True
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("starting <function ")
    finished = re.fullmatch(r"finished <function .*sleeper at 0x[0-9a-f]+> in (\d+\.\d{4}) "
                            r"second\(s\)", lines[1])
    assert finished
    # From the sleeper's start, which comes a moment after main's 0.5 s sleep began (0.0995 s
    # for 0.1 s seen under load), to the cancellation: about 0.5 s, not the 10 s it would have
    # slept.
    assert_about(float(finished[1]), 0.5, early=0.01, late=0.2)


@pytest.mark.listing("2.17")
def test_2_17_the_decorator_shows_3_s_in_total_not_5():
    run = ok(run_listing("2.17", timeout=30))
    shape, seconds = async_timed_shape(run.lines)
    assert shape == [
        "starting main () {}",
        "starting delay (2,) {}",
        "sleeping for 2 second(s)",
        "starting delay (3,) {}",
        "sleeping for 3 second(s)",
        "finished sleeping for 2 second(s)",
        "finished delay",
        "finished sleeping for 3 second(s)",
        "finished delay",
        "finished main",
    ], run
    assert len(seconds) == 3
    assert all(abs(value - expected) < 0.2
               for value, expected in zip(seconds, (2, 3, 3), strict=True)), seconds
    assert_about(run.seconds, 0, late=4.2)


CPU_BOUND_SEQUENCE = [
    "starting main () {}",
    "starting cpu_bound_work () {}",
    "finished cpu_bound_work",
    "starting cpu_bound_work () {}",
    "finished cpu_bound_work",
]


@pytest.mark.listing("2.18")
def test_2_18_two_cpu_bound_tasks_run_one_after_the_other():
    run = ok(run_listing("2.18", timeout=120))
    shape, (first, second, main) = async_timed_shape(run.lines)
    assert shape == [*CPU_BOUND_SEQUENCE, "finished main"], run
    # main took the sum of both: they did not overlap at all.
    assert main >= 0.95 * (first + second)
    assert "Executing" not in run.stderr  # no debug-mode report without debug mode


@pytest.mark.listing("2.19")
def test_2_19_the_delay_cannot_start_until_the_cpu_work_is_done():
    # In debug mode (section 2.9), which reports each task's slow step and its result.
    run = ok(run_listing("2.19", timeout=150, env={"PYTHONASYNCIODEBUG": "1"}))
    shape, (first, second, main) = async_timed_shape(run.lines)
    assert shape == [*CPU_BOUND_SEQUENCE, "sleeping for 4 second(s)",
                     "finished sleeping for 4 second(s)", "finished main"], run
    assert main >= first + second + 3.9
    # Each task counted to 100 million in one step, never giving the delay a turn.
    reports = dict(SLOW_STEP.findall(run.stderr))
    assert sorted(reports) == ["Task-2", "Task-3"], run.stderr
    assert float(reports["Task-2"]) >= 0.9 * first and float(reports["Task-3"]) >= 0.9 * second
    slept = at(run, "finished sleeping for 4 second(s)") - at(run, "sleeping for 4 second(s)")
    assert_about(slept, 4, early=0.05, late=0.5)


@pytest.mark.listing("2.20")
def test_2_20_a_blocking_client_serialises_the_requests(example_site):
    latency = example_site.latency
    example_site.reset()
    run = ok(run_listing("2.20", env=example_site.env, timeout=30))
    shape, seconds = async_timed_shape(run.lines)
    assert shape == ["starting main () {}"] + [
        "starting get_example_status () {}", "finished get_example_status"] * 3 + [
        "finished main"], run
    *requests, main = seconds
    assert all(latency - 0.05 <= value < 2 * latency for value in requests), seconds
    assert main >= 2.8 * latency  # a concurrent client would take about one latency
    assert example_site.stats()["completed"] == 3


@pytest.mark.listing("2.21")
def test_2_21_a_hand_made_loop_runs_main(capsys):
    run = run_listing("2.21", timeout=30)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", ""), run
    seconds, printed = main_times("2.21", 2, capsys)
    assert printed == ""
    assert_smallest(seconds, 1, what="main's asyncio.sleep(1) on the hand-made loop")


@pytest.mark.listing("2.22")
def test_2_22_call_soon_runs_while_delay_sleeps():
    run = ok(run_listing("2.22", timeout=30))
    assert run.lines == ["sleeping for 1 second(s)", "I'm being called in the future!",
                         "finished sleeping for 1 second(s)"]
    start = run.timed_lines[0][0]
    assert_about(at(run, "I'm being called in the future!") - start, 0, late=0.3)
    assert_about(at(run, "finished sleeping for 1 second(s)") - start, 1, early=0.05, late=0.4)


@pytest.mark.listing("2.23")
def test_2_23_debug_mode_reports_the_slow_cpu_bound_step():
    run = ok(run_listing("2.23", timeout=90))
    shape, (took,) = async_timed_shape(run.lines)
    assert shape == ["starting cpu_bound_work () {}", "finished cpu_bound_work"], run
    assert "Executing <Task finished name='Task-2' coro=<cpu_bound_work() done" in run.stderr
    reports = SLOW_STEP.findall(run.stderr)
    assert [name for name, _ in reports] == ["Task-2"], run.stderr
    assert float(reports[0][1]) >= max(0.1, 0.9 * took)


@pytest.mark.listing("2.18")
@pytest.mark.listing("2.23")
@pytest.mark.parametrize("switch", [
    pytest.param({"env": {"PYTHONASYNCIODEBUG": "1"}}, id="PYTHONASYNCIODEBUG=1"),
    # -X dev with its other checks, but not the debug hooks on the memory allocators
    # (PYTHONMALLOC overrides those): they slow 2.18's 200 million additions 2-3 fold and have
    # nothing to do with asyncio's debug mode, which is what -X dev is shown to switch on here.
    pytest.param({"python_args": ("-X", "dev"), "env": {"PYTHONMALLOC": "pymalloc"}},
                 id="-X dev"),
])
def test_2_23_other_debug_switches_report_listing_2_18(switch):
    run = ok(run_listing("2.18", timeout=120, **switch))
    shape, (first, second, _) = async_timed_shape(run.lines)
    assert shape == [*CPU_BOUND_SEQUENCE, "finished main"], run
    reports = dict(SLOW_STEP.findall(run.stderr))
    assert sorted(reports) == ["Task-2", "Task-3"], run.stderr
    # Each report is the whole of one task's CPU work, done in a single step.
    assert float(reports["Task-2"]) >= max(0.1, 0.9 * first)
    assert float(reports["Task-3"]) >= max(0.1, 0.9 * second)


@pytest.mark.listing("2.24")
def test_2_24_sets_the_threshold_quietly():
    run = run_listing("2.24", timeout=30)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", ""), run
    assert_about(run.seconds, 0, late=1.5)


@pytest.mark.listing("2.24")
def test_2_24_runs_main_in_debug_mode_and_leaves_the_loop_with_a_250_ms_threshold():
    """The program as `python -m` runs it (runpy, as __main__), with asyncio.run wrapped to
    read the loop once main() is done: debug mode on, slow_callback_duration 0.25 s."""
    code = """if True:
    import asyncio, json, runpy
    seen, real_run = {}, asyncio.run

    def run(main, *, debug=None):
        async def read_the_loop_after():
            await main
            loop = asyncio.get_running_loop()
            seen.update(debug=loop.get_debug(), threshold=loop.slow_callback_duration)
        return real_run(read_the_loop_after(), debug=debug)

    asyncio.run = run
    runpy.run_module("chapter_02.listing_2_24", run_name="__main__")
    print(json.dumps(seen))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=listing_env(),
                            capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert json.loads(result.stdout) == {"debug": True, "threshold": 0.25}


@pytest.mark.listing("2.24")
@pytest.mark.parametrize("raise_threshold", [False, True], ids=["default-0.1s", "0.25s"])
def test_2_24_a_150_ms_step_is_reported_only_under_the_default_threshold(raise_threshold,
                                                                          caplog):
    async def blocking_step():
        time.sleep(0.15)

    async def main():
        if raise_threshold:
            await listing_2_24.main()  # sets slow_callback_duration on this loop
        assert asyncio.get_running_loop().slow_callback_duration == (
            0.25 if raise_threshold else 0.1)
        await asyncio.create_task(blocking_step())

    with caplog.at_level(logging.WARNING, logger="asyncio"):
        asyncio.run(main(), debug=True)
    reports = [record.getMessage() for record in caplog.records
               if record.name == "asyncio" and "blocking_step" in record.getMessage()]
    if raise_threshold:
        assert reports == []
    else:
        assert len(reports) == 1
        took = re.fullmatch(r"Executing <Task finished .*blocking_step.* took (\d+\.\d{3}) seconds",
                            reports[0])
        assert took and float(took[1]) >= 0.15

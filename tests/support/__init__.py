"""What the tests share, one job a module:

- processes: running a module as a reader does (`Program`, `Listing`, `run_program`,
  `run_listing`, `Run`, `ok`, `listing_env`, `module_name`, `startup_shim`);
- http: `http_get`, one GET whatever its status (a `Response`);
- network: waiting for a port, `connect` with retries, `receive` (a size, or up to a text),
  `echo` (free ports: util.tools.processes);
- databases: `unique_database_name`, for the Postgres a run's workers share;
- run_wide: the folder and locks a run's xdist workers share (import tests.support.run_wide);
- timing: `assert_about`, every wall-clock window, widened by TIMING_SLACK; `assert_smallest`;
- waiting: util's one `wait_until`, its twin `wait_until_async` inside a test's event loop,
  and `wait_for_stderr` / `wait_for_stdout` on a program;
- async_timed: util.async_timed's lines without addresses and times, main's own time;
- terminal: a VT100 `Screen` and a pty `Terminal` (import tests.support.terminal);
- shutdown: what each Python prints when Ctrl-C interrupts its wait for threads at exit
  (import tests.support.shutdown);
- display: Xvfb, xdotool, X11 events and Tk's `send` (import tests.support.display);
- django_project: chapter 9's Django project set up in the test's process.
"""
from tests.support.async_timed import async_timed_shape, main_seconds
from tests.support.databases import unique_database_name
from tests.support.http import Response, http_get
from tests.support.network import connect, echo, receive, wait_for_port
from tests.support.processes import (
    REPO,
    Listing,
    Program,
    Run,
    listing_env,
    module_name,
    ok,
    run_listing,
    run_program,
    start_server,
    startup_shim,
)
from tests.support.timing import assert_about, assert_smallest
from tests.support.waiting import (
    Timeout,
    wait_for_stderr,
    wait_for_stdout,
    wait_until,
    wait_until_async,
)
from util.tools.processes import free_port

__all__ = ["REPO", "Listing", "Program", "Response", "Run", "Timeout", "assert_about",
           "assert_smallest", "async_timed_shape", "connect", "echo", "free_port", "http_get",
           "listing_env", "main_seconds", "module_name", "ok", "receive", "run_listing",
           "run_program", "start_server", "startup_shim", "unique_database_name", "wait_for_port",
           "wait_for_stderr", "wait_for_stdout", "wait_until", "wait_until_async"]

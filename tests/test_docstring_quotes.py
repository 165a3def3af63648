"""Every output a listing's or companion's docstring quotes ("…" in its text, or `…` right after
"prints") is what the program prints, so a quote cannot drift from the program.

Most quotes are checked against the text the module prints, read from its source (and util's,
and its chapter's modules'): a quote must be one of their string literals, or an f-string's
shape with its fields filled (`"Was the task cancelled? True"` is f"... {task.cancelled()}";
`...` and `<name>` in a quote stand for anything). Quotes of what Python or a library prints,
or of values only a run gives, are checked against a real run of the listing, where one is quick
and needs no service or client (RUNS); the rest are listed in ELSEWHERE with where they come
from and which test runs that path. A quote no check accounts for fails the test.
"""
from __future__ import annotations

import ast
import re
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.support import free_port, run_listing
from util.settings import REPO
from util.tools import listing_index

QUOTE = re.compile(r'"([^"]+)"|\bprints `([^`]+)`')  # "…", or `…` right after "prints"
PLACEHOLDER = re.compile(r"\.\.\.|…|<[^<>]*>")
HOLE = "\x00"

# Quotes of what a run prints (Python's, a library's, or values), checked by running the
# listing: (arguments, python options, the oldest Python it runs on) and the quotes.
RUNS = {
    "1.3": ((), (), (3, 11), ["Thread-1 (hello_from_thread)"]),
    "2.2": ((), (), (3, 11), ["RuntimeWarning: coroutine 'coroutine_add_one' was never awaited"]),
    "3.5": ((), (), (3, 11), ["BlockingIOError: [Errno 11] Resource temporarily unavailable"]),
    "7.6_shutdown_default_executor": ((), (), (3, 13), [
        "The executor did not finishing joining its threads within 1 seconds."]),
    "10.10": ((), (), (3, 11), ["tried 0 times", "tried 2 times", "Exception: I've failed!"]),
    "11.3": ((), (), (3, 11), ["Exception: Socket is closed!"]),
    "11.9": ((), (), (3, 11), ["ValueError: BoundedSemaphore released too many times"]),
    "11.10_barrier": ((), (), (3, 11), ["Worker 0 waiting at the barrier (round 1)..."]),
    "14.1": ((), ("-W", "default"), (3, 11), ["ResourceWarning: unclosed event loop"]),
    "14.5": ((), (), (3, 11), ["AttributeError: module 'asyncio' has no attribute 'coroutine'"]),
    "14.7": ((), (), (3, 11), ["StopIteration"]),
}
NOT_OUTPUT = "not output: a phrase, a name or what the reader types"
# Quotes no quick run of the listing shows, and why; the test named checks the program's side.
ELSEWHERE = {
    "1.1": {"Name: value": "the format of headers.txt's lines (test_chapter_01)"},
    "2.8_eager": {"create_task only schedules": NOT_OUTPUT},
    "2.8_eager_start": {"create_task only schedules": NOT_OUTPUT},
    "2.13_timeout_at": {"5 s since the last byte": NOT_OUTPUT},
    "2.21_runner": {"Task was destroyed but it is pending!": "what asyncio logs on the path the "
                    "companion avoids"},
    "2.23": {"Executing <Task finished name='Task-2' coro=<cpu_bound_work() done, defined at "
             ".../util/async_timer.py:...> result=100000000 ...> took 4.123 seconds":
             "asyncio's debug warning, an example ('such as'); test_chapter_02 checks it"},
    "3.4": {"OSError: [Errno 98] Address already in use": "needs a client first (test_chapter_03)"},
    "3.5": {"not ready yet": NOT_OUTPUT},
    "3.8_logged_error": {"ERROR:root:Unexpected network error": "needs a client (test_chapter_03)",
                         "boom": NOT_OUTPUT},
    "3.8_unhandled_error": {"boom": NOT_OUTPUT, "Task exception was never retrieved":
                            "needs a client (test_chapter_03, test_suggested_clients)"},
    "3.10": {"boom": NOT_OUTPUT},
    "3.10_close_clients": {"boom": NOT_OUTPUT},
    "4.7_call_graph": {"Awaited by": "asyncio's call graph, 3.14+ (test_todays_asyncio_3_14)",
                       "why has this not finished, and who is blocked on it?": NOT_OUTPUT},
    "4.8_as_completed": {"fast-1: 200": "needs the stand-in (test_todays_asyncio)",
                         "fast-2: 200": "needs the stand-in (test_todays_asyncio)",
                         "slow: 200": "needs the stand-in (test_todays_asyncio)"},
    "4.11": {"ERROR:root:Request got an exception": "needs the stand-in (test_chapter_04)"},
    "4.11_exceptiongroup": {"Task exception was never retrieved": NOT_OUTPUT},
    "4.12_taskgroup": {"stop everything on the first error": NOT_OUTPUT},
    "4.16": {"TypeError: Passing coroutines is forbidden, use tasks explicitly.":
             "needs the stand-in (test_chapter_04)"},
    "6.4_terminate_workers": {"Finished counting to 100000000": "what it never prints",
                              "killed 2 worker process(es)": "counts per CPU; with `kill` "
                              "(test_todays_asyncio)"},
    "6.10_start_method": {"seen in the children: True": "under fork only (test_todays_asyncio)",
                          "A SemLock created in a fork context is being shared with a process "
                          "in a spawn context": "the path the companion avoids"},
    "6.13": {"RuntimeError: Synchronized objects should only be shared between processes "
             "through inheritance": "the path the listing avoids"},
    "6.14": {"Finished 3/16": "progress that varies run to run (test_chapter_06)",
             "5/16": "progress that varies run to run (test_chapter_06)"},
    "7.11": {"Exception ignored in: <module 'threading' ...>": "Ctrl-C at exit, per Python "
             "(test_chapter_07)",
             "Exception ignored while joining a thread in _thread._shutdown():": "Ctrl-C at exit, "
             "per Python (test_chapter_07)",
             "Exception ignored on threading shutdown:": "Ctrl-C at exit, per Python "
             "(test_chapter_07)"},
    "7.12": {"hello world": "the book's caption"},
    "8.11": {"Got exception object of type 'NoneType' has no len() ...": "needs a terminal and "
             "Postgres (test_chapter_08)"},
    "8.13": {"dictionary changed size during iteration": "the error the listing no longer has",
             "alice connected!": "telnet's CR in a name, as a terminal shows it (test_chapter_08)"},
    "9.1": {"16:13:44.481169": "the book's example time"},
    "9.2_appkey": {"NotAppKeyWarning: It is recommended to use web.AppKey instances for keys.":
                   "a server on Postgres (test_todays_asyncio runs the docstring's commands)"},
    "9.4": {"widget": NOT_OUTPUT},
    "9.5": {"idle in transaction": "Postgres's state (test_chapter_09)",
            "connection already closed": "psycopg2's error after a Postgres restart "
            "(test_chapter_09)"},
    "9.6": {"WSGI hello!": "a server's answer (test_chapter_09)",
            "Listening at: http://127.0.0.1:8000": "gunicorn's log (test_chapter_09)",
            "Using worker: sync": "gunicorn's log (test_chapter_09)"},
    "9.7": {"ASGI hello!": "a server's answer (test_chapter_09)",
            "ASGI 'lifespan' protocol appears unsupported.": "uvicorn's log (test_chapter_09)"},
    "9.8": {"TypeError: Starlette.__init__() got an unexpected keyword argument 'on_startup'":
            "needs Postgres (test_chapter_09)"},
    "9.10": {"Users online:": "the page listing_9_10.html (test_chapter_09)"},
    "9.11_async_orm": {"afilter": NOT_OUTPUT},
    "9.12": {"Response time (microseconds)": "the template's column (test_chapter_09_django)"},
    "10.8": {"ERROR:root:...": "needs the four services (test_chapter_10)"},
    "11.10_barrier": {"wait until all N tasks have arrived": NOT_OUTPUT},
    "12.1_queue_shutdown": {"no more items": NOT_OUTPUT},
    "12.4": {"ERROR:root:Error processing url /rel": "needs the stand-in (test_chapter_12)"},
    "12.7": {"Processing order Order(user_type=<UserType.POWER_USER: 1>, order_delay=<n>)":
             "a server (test_chapter_12)"},
    "13.4": {"Hello there!!": "a bytes literal, written 1,000,000 times (test_chapter_13)"},
    "13.5": {"Exception ignored in ... __del__ ... RuntimeError: Event loop is closed":
             "Ctrl-C, per Python (test_chapter_13)",
             "lost sys.stderr": "a child's lost traceback, rarely (test_reader_path)"},
    "13.7": {"gpg: waiting for lock ...": "gpg's, in a shared home the listing avoids"},
    "13.8_taskgroup": {"Exception ignored in ... BaseSubprocessTransport .__del__ ... Event loop "
                       "is closed": "the path the companion avoids"},
    "13.12": {"one answer": NOT_OUTPUT},
    "14.1_markcoroutinefunction": {"coroutine ... was never awaited": "the path the companion "
                                   "avoids", "a coroutine function or a function": NOT_OUTPUT},
    "14.2": {"ResourceWarning: unclosed <StreamWriter ...>": "a server (test_chapter_14)"},
    "14.5_fixed": {"ValueError: a coroutine was expected, got <generator object ...>":
                   "the path the companion avoids"},
    "14.8": {"RuntimeError: Task got bad yield": "inside an asyncio task, which the listing "
             "does not run (test_chapter_14)"},
}


def docstring(path: Path) -> str:
    return " ".join((ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").split())


def templates(path: Path) -> list[str]:
    """The text `path` can print, as regular expressions: each string literal but the module's
    docstring, and each f-string with its fields as holes (only those with 4+ letters of text)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree, clean=False)
    found, in_fstrings = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            texts = [value for value in node.values if isinstance(value, ast.Constant)]
            in_fstrings.update(map(id, texts))
            if sum(len(text.value) for text in texts) >= 4:
                found.append("".join(re.escape(value.value) if isinstance(value, ast.Constant)
                                     else ".*?" for value in node.values))
    found += [re.escape(node.value) for node in ast.walk(tree)
              if isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value != doc and id(node) not in in_fstrings]
    return found


@cache
def printable(folder: Path) -> tuple[list[re.Pattern], list[str]]:
    """What the modules of a chapter folder (its Django project too) and util can print: the
    templates compiled, and their text without the escapes."""
    paths = [*folder.rglob("*.py"), *(REPO / "util").rglob("*.py")]
    found = [template for path in paths for template in templates(path)]
    return ([re.compile(template, re.DOTALL) for template in found],
            [re.sub(r"\\(.)", r"\1", template) for template in found])


def printed_by_the_source(quote: str, folder: Path) -> bool:
    """The quote is a literal's text, or an f-string's with its fields filled (a placeholder of
    the quote stands for anything), or each of its pieces lies in one literal."""
    shown = PLACEHOLDER.sub(HOLE, quote)
    pieces = [piece for piece in shown.split(HOLE) if piece.strip()]
    patterns, texts = printable(folder)
    return (any(pattern.fullmatch(shown) for pattern in patterns)
            or all(any(piece in text for text in texts) for piece in pieces))


def unprinted_quotes() -> dict[str, list[str]]:
    """Each listing's quotes that its source does not print."""
    found = {}
    for info in listing_index.discover():
        quotes = [quote for match in QUOTE.finditer(docstring(info.path))
                  if not printed_by_the_source(quote := match[1] or match[2], info.path.parent)]
        if quotes:
            found[info.id] = quotes
    return found


def test_every_quote_is_printed_by_the_source_or_checked_by_a_run_or_accounted_for():
    accounted = {listing: set(ELSEWHERE.get(listing, {}))
                 | set(RUNS[listing][3] if listing in RUNS else ())
                 for listing in {*ELSEWHERE, *RUNS}}
    unprinted = {listing: set(quotes) for listing, quotes in unprinted_quotes().items()}
    assert unprinted == accounted, ("a quote the source does not print: fix it, or add it to "
                                    "RUNS (checked by a run) or ELSEWHERE (say why)")


def test_a_changed_message_is_caught():
    """The check itself: 7.6_shutdown_default_executor's old quote, and 3.3's line."""
    folder = REPO / "chapter_07"
    assert printed_by_the_source("Executor shut down; blocking call finished: False", folder)
    assert not printed_by_the_source(
        "Executor shut down after 1.5 s; blocking call finished: False", folder)
    assert printed_by_the_source("All the data is: b''", REPO / "chapter_03")
    assert printed_by_the_source("starting <function ...> with args (...) {...}",
                                 REPO / "chapter_02")


@pytest.mark.parametrize("listing", sorted(RUNS))
def test_a_quote_of_what_a_run_prints_is_what_the_run_prints(listing):
    args, python_args, since, quotes = RUNS[listing]
    if sys.version_info < since:
        pytest.skip(f"{listing} needs Python {'.'.join(map(str, since))}+")
    run = run_listing(listing, *args, python_args=python_args, timeout=60,
                      env={"SERVER_PORT": str(free_port())})
    output = run.stdout + run.stderr
    for quote in quotes:
        pattern = ".*?".join(map(re.escape, PLACEHOLDER.split(quote)))
        assert re.search(pattern, output), f"{listing} does not print {quote!r}:\n{run}"

"""Mutants made mechanically, not by hand: the numbers a listing teaches, moved by a factor, and
the flags that keep its output looking right, flipped.

The **numbers** operator finds, in every listing module, each number that is part of the lesson
(what a test must pin, so a careless re-implementation cannot move it unseen):

- a *timing*: the argument of a sleep, `delay`, a timeout (`wait_for`, `timeout`, `wait`,
  `as_completed`, `select`, `join`, `call_later`, …) or a keyword named like one; moved x1.5
  (1 s becomes 1.5 s, 2 s becomes 3 s);
- a *count*: the stop of a `range`, the size of a pool, semaphore, queue, barrier or connection
  limit, a bound in a `while` test; moved x0.1 (at least 1), or x2 where a tenth changes nothing;
- a number given to the listing's own functions and classes (`fetch_status(session, url, 3)`,
  `query_products_synchronously(pool, 10000)`, `WorkItem(3, …)`), assigned to a name
  (`GRACE_PERIOD = 2`, `rows = 50`) or listed (`delay_times = [3, 3, 3]`): a timing or a count
  by the name it is given.

The **flags** operator flips `return_exceptions`, opens a file for append instead of write, starts
a timer after the work it times (just before the clock is read again), and joins a thread or
process right after starting it.

Each mutant replaces the smallest run of whole lines around its edit that occurs once in the
file, so the runner applies it like a hand-written one. Ids say the listing, the operator and the
edit: "2.9-n-delay-3x1.5", "4.5-f-return-exceptions"; a second identical edit in one listing gets
"-2". A mutant no test can see is listed in EQUIVALENT with the reason.
"""
from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.mutation.table import Mutant
from util.settings import REPO

TIMING_CALLS = {"sleep", "delay", "wait_for", "timeout", "wait", "as_completed", "select",
                "join", "call_later", "settimeout", "poll", "ClientTimeout"}  # first argument
TIMING_POSITION = {"wait_for": 1}  # the timing is another positional argument
TIMING_WORDS = ("timeout", "delay", "interval", "seconds", "sleep", "period", "duration",
                "time", "_ms", "grace")
COUNT_CALLS = {"range", "Semaphore", "BoundedSemaphore", "Queue", "PriorityQueue", "LifoQueue",
               "Barrier", "ThreadPoolExecutor", "ProcessPoolExecutor", "InterpreterPoolExecutor",
               "Pool", "create_pool", "TCPConnector", "islice"}
COUNT_WORDS = ("max_workers", "processes", "maxsize", "limit", "min_size", "max_size", "parties",
               "workers", "count", "number", "num_", "size", "chunk", "batch", "concurren")
TIMERS = {"time", "perf_counter", "monotonic"}
TIMING_FACTOR = 1.5
COUNT_FACTOR = 0.1


@dataclass(frozen=True)
class Edit:
    """One mechanical edit of a listing: replace source[start:end] (offsets) with `text`."""

    start: int
    end: int
    text: str
    operator: str  # "numbers" or "flags"
    word: str  # for the id: "delay-3x1.5", "return-exceptions"
    mistake: str


def listing_modules(root: Path = REPO) -> list[Path]:
    return sorted(root.glob("chapter_[0-9][0-9]/listing_*.py"))


def listing_number(path: Path) -> str:
    """chapter_04/listing_4_13_taskgroup_cancel.py -> "4.13_taskgroup_cancel"."""
    match = re.fullmatch(r"listing_(\d+)_(\d+)(_\w+)?", path.stem)
    return f"{match[1]}.{match[2]}{match[3] or ''}"


@functools.cache
def listing_mark(number: str, root: Path = REPO) -> str:
    """The mark its tests carry: a companion its own number; a fixed book listing its own where
    a test module names it ("7.10_fixed"), else the book's ("4.16_fixed" under "4.16")."""
    if not number.endswith("_fixed"):
        return number
    own = f'.listing("{number}")'  # pytest.mark.listing(...), not run_listing(...)
    if any(own in path.read_text() for path in (root / "tests").glob("test_*.py")):
        return number
    return number.removesuffix("_fixed")


def call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def is_number(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and type(node.value) in (int, float)
            and node.value > 0)


def scaled(value: int | float, kind: str) -> int | float:
    """The moved number: a timing x1.5, a count x0.1 (at least 1), or x2 where that is itself."""
    if kind == "timing":
        moved = value * TIMING_FACTOR
        return int(moved) if float(moved).is_integer() else round(moved, 6)
    if isinstance(value, float):
        return round(value * COUNT_FACTOR, 6)
    tenth = max(1, round(value * COUNT_FACTOR))
    return tenth if tenth != value else value * 2


class Finder(ast.NodeVisitor):
    """Collects the edits of one listing module."""

    def __init__(self, source: str, tree: ast.Module):
        self.source = source
        self.parameters = own_parameters(tree)
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.edits: list[Edit] = []

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + len(self.lines[line - 1].encode()[:column].decode())

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno, node.end_col_offset))

    # --- numbers ------------------------------------------------------------------------------

    def number(self, node: ast.AST, kind: str, where: str) -> None:
        if not is_number(node):
            return
        moved = scaled(node.value, kind)
        if moved == node.value:
            return
        start, end = self.span(node)
        old = self.source[start:end].replace("_", "")
        how = f"x{TIMING_FACTOR:g}" if kind == "timing" else f"to{moved!r}"
        self.edits.append(Edit(start, end, repr(moved), "numbers", f"{where}-{old}{how}",
                               f"{where}: {kind} {old} becomes {moved!r}"))

    def named(self, node: ast.AST, name: str, where: str) -> None:
        """A number (or a list of them) given to `name`: a timing or a count by that name."""
        kind = "timing" if any(word in name.lower() for word in TIMING_WORDS) else "count"
        if isinstance(node, ast.List):
            for element in node.elts:
                self.number(element, kind, where)
        else:
            self.number(node, kind, where)

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0]
        name = target.id if isinstance(target, ast.Name) else \
            target.attr if isinstance(target, ast.Attribute) else "item"
        if len(node.targets) == 1:
            self.named(node.value, name, name)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = call_name(node)
        if name in self.parameters:
            names = self.parameters[name]
            for position, arg in enumerate(node.args):
                parameter = names[position] if position < len(names) else name
                self.named(arg, parameter, f"{name}-{parameter}")
        elif name == "get" and len(node.args) == 2:  # os.environ.get('COUNT', 10000)
            self.number(node.args[1], "count", "get")
        if name == "range":
            if node.args:
                self.number(node.args[1] if len(node.args) > 1 else node.args[0], "count",
                            "range")
        elif name in COUNT_CALLS:
            for arg in node.args[:2]:
                self.number(arg, "count", name)
        elif name in TIMING_CALLS:
            position = TIMING_POSITION.get(name, 0)
            if len(node.args) > position:
                self.number(node.args[position], "timing", name)
        for keyword in node.keywords:
            word = (keyword.arg or "").lower()
            if word == "args" and isinstance(keyword.value, ast.Tuple):  # Process(args=(n,))
                for element in keyword.value.elts:
                    self.number(element, "count", f"{name}-args")
            elif word == "return_exceptions":
                self.flag_return_exceptions(keyword)
            elif any(part in word for part in TIMING_WORDS):
                self.number(keyword.value, "timing", f"{name}-{keyword.arg}")
            elif any(part in word for part in COUNT_WORDS) or name in self.parameters:
                self.named(keyword.value, word, f"{name}-{keyword.arg}")
        if name == "open":
            self.flag_open_mode(node)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        test = node.test
        if isinstance(test, ast.Compare):
            for comparator in test.comparators:
                self.number(comparator, "count", "while")
        self.generic_visit(node)

    # --- flags --------------------------------------------------------------------------------

    def flag_return_exceptions(self, keyword: ast.keyword) -> None:
        value = keyword.value
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            start, end = self.span(value)
            flipped = str(not value.value)
            self.edits.append(Edit(start, end, flipped, "flags", "return-exceptions",
                                   f"return_exceptions={flipped}"))

    def flag_open_mode(self, call: ast.Call) -> None:
        modes = [k.value for k in call.keywords if k.arg == "mode"] + call.args[1:2]
        for mode in modes:
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) \
                    and "w" in mode.value:
                start, end = self.span(mode)
                text = self.source[start:end].replace("w", "a", 1)
                self.edits.append(Edit(start, end, text, "flags", "append",
                                       "opens the file for append instead of write"))

    def visit_body(self, body: list[ast.stmt]) -> None:
        for index, statement in enumerate(body):
            if self.is_timer_start(statement):
                self.timer_late(body, index)
            started = self.started_name(statement)
            if started:
                self.join_early(body, index, started)

    def generic_visit(self, node: ast.AST) -> None:
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                self.visit_body(body)
        super().generic_visit(node)

    @staticmethod
    def reads_clock(statement: ast.stmt) -> bool:
        return (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
                and call_name(statement.value) in TIMERS)

    @staticmethod
    def is_timer_start(statement: ast.stmt) -> bool:
        """`start = time.time()` and the like (perf_counter, monotonic, loop.time)."""
        return (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id.startswith("start")
                and isinstance(statement.value, ast.Call)
                and call_name(statement.value) in TIMERS)

    def whole_lines(self, statement: ast.stmt) -> tuple[int, int]:
        return self.starts[statement.lineno - 1], self.starts[statement.end_lineno]

    def timer_late(self, body: list[ast.stmt], index: int) -> None:
        """`start = time.time()` moved down to just before the clock is read again (`end =
        time.time()`) or the statement that reads `start`: the work between is no longer timed."""
        name = body[index].targets[0].id
        for later in body[index + 2:]:
            if self.reads_clock(later) or any(isinstance(node, ast.Name) and node.id == name
                                              for node in ast.walk(later)):
                start, end = self.whole_lines(body[index])
                later_start = self.whole_lines(later)[0]
                text = self.source[end:later_start] + self.source[start:end]
                self.edits.append(Edit(start, later_start, text, "flags", "timer-late",
                                       "starts the timer after the work it should time"))
                return

    @staticmethod
    def started_name(statement: ast.stmt) -> str | None:
        """`x.start()` as a statement: "x"."""
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
                and call_name(statement.value) == "start" and not statement.value.args \
                and isinstance(statement.value.func, ast.Attribute) \
                and isinstance(statement.value.func.value, ast.Name):
            return statement.value.func.value.id
        return None

    def join_early(self, body: list[ast.stmt], index: int, name: str) -> None:
        """`x.start()` … `x.join()` later in the same block: join right after starting."""
        for later in body[index + 2:]:
            if (isinstance(later, ast.Expr) and isinstance(later.value, ast.Call)
                    and call_name(later.value) == "join"
                    and isinstance(later.value.func, ast.Attribute)
                    and isinstance(later.value.func.value, ast.Name)
                    and later.value.func.value.id == name):
                start, end = self.whole_lines(body[index])
                join_start, join_end = self.whole_lines(later)
                text = (self.source[start:end] + self.source[join_start:join_end]
                        + self.source[end:join_start])
                self.edits.append(Edit(start, join_end, text, "flags", "join-early",
                                       f"joins {name} right after starting it"))
                return


def unique_context(source: str, edit: Edit) -> tuple[str, str]:
    """(old, new): the whole lines around the edit, grown until `old` occurs once."""
    first = source.rfind("\n", 0, edit.start) + 1
    last = source.find("\n", edit.end)
    last = len(source) if last == -1 else last + 1
    while True:
        old = source[first:last]
        if source.count(old) == 1 or (first == 0 and last == len(source)):
            new = source[first:edit.start] + edit.text + source[edit.end:last]
            return old, new
        if first > 0:
            first = source.rfind("\n", 0, first - 1) + 1
        if last < len(source):
            following = source.find("\n", last)
            last = len(source) if following == -1 else following + 1



def own_parameters(tree: ast.Module) -> dict[str, list[str]]:
    """The listing's own functions and classes: name -> its positional parameters' names (a
    class: its __init__'s, or its annotated fields, as a dataclass takes them)."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [a.arg for a in node.args.args]
            found.setdefault(node.name, names[1:] if names[:1] in (["self"], ["cls"]) else names)
        elif isinstance(node, ast.ClassDef):
            init = [item for item in node.body if isinstance(item, ast.FunctionDef)
                    and item.name == "__init__"]
            fields = [item.target.id for item in node.body if isinstance(item, ast.AnnAssign)
                      and isinstance(item.target, ast.Name)]
            found[node.name] = [a.arg for a in init[0].args.args[1:]] if init else fields
    return found


def edits_of(source: str) -> list[Edit]:
    tree = ast.parse(source)
    finder = Finder(source, tree)
    finder.visit(tree)
    finder.visit_body(tree.body)
    seen, edits = set(), []
    for edit in sorted(finder.edits, key=lambda e: (e.start, e.end, e.word)):
        if (edit.start, edit.end, edit.text) not in seen:
            seen.add((edit.start, edit.end, edit.text))
            edits.append(edit)
    return edits


def mutants_of(path: Path, root: Path = REPO) -> Iterator[Mutant]:
    source = path.read_text()
    number = listing_number(path)
    counts: Counter[str] = Counter()
    for edit in edits_of(source):
        word = f"{number}-{'n' if edit.operator == 'numbers' else 'f'}-{edit.word}"
        word = re.sub(r"[^\w.-]+", "-", word).replace("_", "-")
        word = number + word[len(number):]
        counts[word] += 1
        mutant_id = word if counts[word] == 1 else f"{word}-{counts[word]}"
        old, new = unique_context(source, edit)
        yield Mutant(id=mutant_id, listing=listing_mark(number, root),
                     file=str(path.relative_to(root)), old=old, new=new,
                     mistake=edit.mistake, equivalent=EQUIVALENT.get(mutant_id),
                     operator=edit.operator)


def generated(root: Path = REPO) -> list[Mutant]:
    return [mutant for path in listing_modules(root) for mutant in mutants_of(path, root)]


# Generated mutants no test can see, with the reason (as the hand-written table's `equivalent`);
# a reason shared by several mutants of one listing is named once.
DEADLOCK_7_10 = (
    "7.10's find_and_replace takes the plain Lock and then calls indices_of, which waits for "
    "the same Lock before it reads the list or compares a value: the program deadlocks on "
    "itself with nothing printed whatever the list holds and whatever the arguments (the test "
    "shows it still hanging, silent, after 2 s)")
ALL_TWOS_7_10_FIXED = (
    "the list holds only 1s and 2s and find_and_replace(1, 2) turns every 1 into a 2, so "
    "flipping one element still leaves [2, 2, 2, 2, 2] and nothing is printed (the test reads "
    "the list after the program's run; the two changed arguments are killed)")
BOOK_9_8_NEVER_BUILT = (
    "the book's 9.8 passes on_startup= to Starlette(), which Starlette 1.x refuses with a "
    "TypeError when the app is built, before any startup hook runs: create_pool is never "
    "called, so its sizes change nothing (tried: python -m and uvicorn, both end with the same "
    "TypeError; 9.8_fixed's pool is counted)")

EQUIVALENT: dict[str, str] = {
    "1.6-f-join-early-2": (
        "both threads are already started when the moved join runs, so it only swaps the order "
        "of the two joins: fibs_with_threads returns once both threads have ended either way, "
        "and the threads, their output and the printed time are the same (tried: the barrier "
        "and the half-second-sleep runs of tests/test_chapter_01.py pass)"),
    "10.10-n-retry-timeout-.1x1.5": (
        "the first retry wraps always_fail, which raises the moment it is called: the 0.1 s "
        "wait_for timeout around it is never reached, so 0.15 s changes nothing (tried: the log"
        " records' own clock, the printed lines, the stderr tracebacks)"),
    "10.10-n-sleep-1x1.5": (
        "always_timeout's sleep is always cut off by retry's 0.1 s timeout, long before its 1 "
        "s, and a 1.5 s sleep is cut off alike: the same TimeoutError at the same moment "
        "(tried: the log records' own clock, the tracebacks, the printed lines)"),
    "10.12-n-CircuitBreaker-time-window-5x1.5": (
        "the time window only resets a closed circuit whose first failure is older than it, and"
        " in 10.12 every closed request follows the last failure at once (a second failure 1 s "
        "after the first opens the circuit; the reset after the pause clears the failures): "
        'neither 5 s nor 7.5 s ever elapses, and no "Interval since first failure elapsed" line'
        " is printed either way (tried: the lines and their gaps)"),
    "10.12-n-sleep-2x1.5": (
        "slow_callback's sleep is always cut off by the breaker's 1 s timeout, so a 3 s sleep "
        "times out at the same 1 s as a 2 s one: the same lines at the same gaps (tried: each "
        "request's 1 s, the 5 s pause, the fail-fast lines)"),
    "11.13-n-sleep-5x1.5": (
        "the 5 s of work end at the very moment the 5 s wait_for stops the program (the workers"
        " start sleeping one loop iteration after the timeout starts): whether 'Finished work!'"
        " is printed before the timeout wins is decided by a fraction of a millisecond, so the "
        "test must accept a run without it, which is all a 7.5 s sleep changes; the triggers, "
        "the two reactions and the 5 s end are the same (tried: the line count, the end time)"),
    "11.2-n-range-1000to100": (
        "11.2's assert fails in its first round (the counter is 1, not 100), so a second round "
        "never starts: 100 rounds or 1,000 print the same single line and raise the same "
        "AssertionError after the same 10 ms (tried: the lines, the exit, main's time in "
        "process)"),
    "11.3-n-sleep-1x1.5": (
        "Eric's socket is closed before his message is sent, so his send raises at once and the"
        " exception ends gather and the program while the three other sends are still asleep: "
        "no send ever completes, and a 1 s or a 1.5 s sleep is cancelled alike (the test "
        "asserts no 'Sent:' line and an exit right after the last line)"),
    "11.9-n-BoundedSemaphore-1to2": (
        "the listing acquires once and releases twice: a bound of 2 is exceeded by the second "
        "release just as a bound of 1 is (acquire 2->1, release 1->2, release raises), the same"
        " ValueError at the same line with nothing printed before (tried: stdout, the exit, the"
        " error's last line)"),
    "14.5-n-sleep-1x1.5": (
        "the book's 14.5 decorates its generator with @asyncio.coroutine, removed in Python "
        "3.11, the oldest the project runs on: the decorator raises AttributeError where the "
        "function is defined, before anything prints or sleeps, so the sleep is never reached "
        "(the test shows the AttributeError and an empty stdout; the fixed form's sleep is "
        "timed by its own test)"),
    "2.13_timeout_at-f-timer-late": (
        "the clock is read past `task = asyncio.create_task(delay(10))` only, which schedules "
        "the task without running any of it: start moves by microseconds, so the 5 s deadline, "
        "the reschedule at 4 s and the printed '11 s' are the same (the test's gaps and lines "
        "pass with it)"),
    "2.2-n-coroutine-add-one-number-1to2": (
        "the coroutine made with the changed argument is never awaited, so the argument is "
        "never used: stdout shows only the coroutine object's repr and stderr the never-awaited"
        " warning, neither of which names the argument"),
    "2.21_runner-n-sleep-3600x1.5": (
        "the background task is always cancelled by the runner's close about a second after it "
        "starts, long before either 3600 s or 5400 s, and nothing prints or depends on its "
        "length: only its cancellation is observable"),
    "2.9_eager-n-sleep-1x1.5": (
        "cached_lookup is only called with 'answer', which is in CACHE, so it returns before "
        "the sleep: the changed sleep is never reached (the task is done right after "
        "create_task either way)"),
    "4.16-n-fetch-status-delay-2x1.5": (
        "4.16 hands asyncio.wait two coroutines, which raises TypeError on every Python the "
        "project runs (3.11 on) before either coroutine starts: api_b's delay is never slept, "
        "and neither stdout (empty), the traceback (it shows the wait's line, not the delay's),"
        " the never-awaited warning nor the stand-in (no request) shows it; 4.16 (fixed)'s 2 s "
        "is timed by its own test"),
    "6.1-f-join-early-2": (
        "both processes are already started when the moved join runs, so it only swaps the "
        "order of the two joins after both starts: the counts run at once as before, print the "
        "same lines, and 'Completed in' is read after both have ended either way (the test's "
        "parallel-CPU check and timings pass)"),
    "6.4_terminate_workers-n-join-timeout-5x1.5": (
        "the workers were already terminated or killed when the parent joins them, so each join"
        " returns as soon as the dead process is reaped, long before 5 s or 7.5 s: the same "
        "'still alive: 0' line right after (the test times the exit after stopping the workers)"),
    "7.11-n-sleep-1x1.5": (
        "a sleeps holding lock_a and then waits for lock_b, which b took at once: the deadlock,"
        " the two lines and both Ctrl-C presses are the same after a 1 s or a 1.5 s sleep "
        "(tried: b started 0.3 s late still deadlocks; the Ctrl-C test, sent at 1.5 s, sees the"
        " same tracebacks), and nothing prints when a blocks"),
    "7.11_fixed-f-join-early-2": (
        "both threads are already started when the moved join runs, so it only swaps the order "
        "of the two joins after both starts: the threads, their four lines and their timing are"
        " the same, and the main thread prints nothing after (the test of b's start during a's "
        "second passes)"),
    "8.13_bounded_queue-f-return-exceptions": (
        "a handler catches every error its client can cause (ValueError, TimeoutError, "
        "ConnectionError; except* round its TaskGroup) and leaves the set when it ends, so the "
        "handlers gathered at shutdown, their transports aborted, all end normally: gather has "
        "no exception to return or raise (tried: Ctrl-C with users chatting, mid-CONNECT, "
        "dropped and stalled; each exits at once, without a traceback)"),
    **dict.fromkeys([
        "7.10-n-IntListThreadsafe-wrapped-list-1to2",
        "7.10-n-IntListThreadsafe-wrapped-list-1to2-2",
        "7.10-n-IntListThreadsafe-wrapped-list-1to2-3",
        "7.10-n-IntListThreadsafe-wrapped-list-2to1",
        "7.10-n-IntListThreadsafe-wrapped-list-2to1-2",
        "7.10-n-find-and-replace-replace-with-2to1",
        "7.10-n-find-and-replace-to-replace-1to2",
    ], DEADLOCK_7_10),
    **dict.fromkeys([
        "7.10_fixed-n-IntListThreadsafe-wrapped-list-1to2",
        "7.10_fixed-n-IntListThreadsafe-wrapped-list-1to2-2",
        "7.10_fixed-n-IntListThreadsafe-wrapped-list-1to2-3",
        "7.10_fixed-n-IntListThreadsafe-wrapped-list-2to1",
        "7.10_fixed-n-IntListThreadsafe-wrapped-list-2to1-2",
    ], ALL_TWOS_7_10_FIXED),
    **dict.fromkeys([
        "9.8-n-create-pool-max-size-6to1",
        "9.8-n-create-pool-min-size-6to1",
    ], BOOK_9_8_NEVER_BUILT),
}

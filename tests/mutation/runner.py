"""Run the mutants of tests.mutation.table, each in a scratch copy of the repository.

The copy holds the repository's files (tracked, plus untracked ones git does not ignore; no .git,
.venv or .data). For each mutant the runner edits one file of the copy, runs
`python -m pytest <test modules naming N.M> --listing N.M -p no:randomly -n 0 -x -q` there with
the copy first on PYTHONPATH (the project is installed editable pointing at the working tree:
PYTHONPATH makes the copy's modules win), puts the file back, and reports killed (a test failed,
or the run timed out) or survived. A canary mutant that must be killed runs first: if it
survives, what ran was not the copy, and the run stops.
"""
from __future__ import annotations

import argparse
import contextlib
import enum
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.mutation.operators import generated
from tests.mutation.table import CANARY, MUTANTS, Mutant, chapter_of
from util.settings import REPO
from util.tools import stop_signals

SKIPPED = (".git", ".venv", ".data")
OPERATORS = ("hand", "numbers", "flags")  # the table's, then tests.mutation.operators
DEFAULT_TIMEOUT = 300.0
FAILED_TEST = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)
ASSERTION = re.compile(r"^E {3}(.*\S)", re.MULTILINE)
PASSED = re.compile(r"\b\d+ passed\b")


class Verdict(enum.StrEnum):
    """What became of a mutant: the first word of its line in the report."""

    KILLED = "killed"  # a test failed, or the run timed out
    SURVIVED = "survived"  # every test passed: a mistake no test catches
    EQUIVALENT = "equivalent"  # not run: the table says why no behaviour differs
    SKIPPED = "skipped"  # every test of the listing skipped on this Python: not judged
    STALE = "stale"  # its old text no longer occurs once: the table needs updating
    ERROR = "error"  # pytest could not judge it

    @property
    def counted(self) -> bool:
        """Whether it counts in "N killed of M"."""
        return self in (Verdict.KILLED, Verdict.SURVIVED)

    @property
    def problem(self) -> bool:
        return self in (Verdict.STALE, Verdict.ERROR)


VERDICT_WIDTH = max(map(len, Verdict))  # the first column of a report line


@dataclass
class Outcome:
    mutant: Mutant
    verdict: Verdict
    seconds: float = 0.0
    detail: str = ""  # the assertion or the test that caught it; why it is stale; the error

    @property
    def killed(self) -> bool:
        return self.verdict is Verdict.KILLED

    def line(self, label: str = "") -> str:
        """The report's line: the verdict (or `label`), the mutant, its time, the detail."""
        detail = f"  {self.detail}" if self.detail else ""
        return (f"{label or self.verdict:<{VERDICT_WIDTH}} {self.mutant.id:<34} "
                f"{self.seconds:6.1f} s{detail}")


# --- the scratch copy ------------------------------------------------------------------------

def repository_files(repo: Path = REPO) -> list[str]:
    """The files of the working tree git knows of or would add: tracked ones still present,
    and untracked ones not ignored; never under .git, .venv or .data."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo, capture_output=True, check=True).stdout.decode()
    files = sorted({name for name in listed.split("\0") if name})
    return [name for name in files
            if name.split("/", 1)[0] not in SKIPPED and (repo / name).is_file()]


def make_copy(repo: Path = REPO) -> Path:
    copy = Path(tempfile.mkdtemp(prefix="asyncio-mutation-"))
    for name in repository_files(repo):
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    return copy


# --- one mutant -------------------------------------------------------------------------------

def stale_reason(mutant: Mutant, root: Path = REPO) -> str | None:
    """Why the mutant no longer applies to `root` (None if its `old` occurs exactly once)."""
    path = root / mutant.file
    if not path.is_file():
        return f"{mutant.file} does not exist"
    count = path.read_text().count(mutant.old)
    if count != 1:
        return f"its old text occurs {count} times in {mutant.file}, not once"
    return None


def kill_tree(process: subprocess.Popen) -> None:
    """Kill pytest and everything it started (the listings run in sessions of their own)."""
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        family = []
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    for child in family:
        with contextlib.suppress(psutil.Error):
            child.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)


def test_paths(listing: str, root: Path) -> list[str]:
    """The test modules that name the listing (as in `listing("7.8")` or `listing_params(...,
    "7.8")`): collecting only those is much faster than collecting all of tests/, and
    `--listing` then picks the marked tests. All of tests/ if no module names it."""
    quoted = f'"{listing}"'
    paths = sorted(str(path.relative_to(root)) for path in (root / "tests").glob("test_*.py")
                   if quoted in path.read_text())
    return paths or ["tests"]


def pytest_command(listing: str, root: Path) -> list[str]:
    return [sys.executable, "-m", "pytest", *test_paths(listing, root), "--listing", listing,
            "-p", "no:randomly", "-n", "0", "-x", "-q"]


def sweep(folder: Path) -> None:
    """Stop every process whose command line names `folder`, then remove it. A run killed at
    its timeout leaves behind what daemonized out of its tree: the tests' embedded Postgres
    (pg_ctl), 13.7's gpg-agent; both live in temporary folders, and TMPDIR was `folder`."""
    marker = str(folder)
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(marker in word for word in process.info["cmdline"] or ()):
            with contextlib.suppress(psutil.Error):
                process.terminate()
                found.append(process)
    _, alive = psutil.wait_procs(found, timeout=10)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=5)
    shutil.rmtree(folder, ignore_errors=True)


def run_tests(copy: Path, listing: str, timeout: float) -> tuple[int | None, str]:
    """Run the tests of one listing in the copy: (exit code or None on timeout, output). Its
    temporary files go to a folder of the run's own, swept afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="mutant-tmp-"))
    scratch.chmod(0o755)  # the embedded Postgres runs as another user when we are root
    env = os.environ | {"PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1",
                        "TMPDIR": str(scratch)}
    env.pop("PYTEST_ADDOPTS", None)
    process = subprocess.Popen(pytest_command(listing, copy), cwd=copy, env=env, text=True,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        kill_tree(process)
        return None, ""
    finally:
        if process.poll() is None:
            kill_tree(process)
        sweep(scratch)


def what_caught_it(output: str) -> str:
    """The failing test and the first assertion line pytest printed for it."""
    test = FAILED_TEST.search(output)
    assertion = ASSERTION.search(output)
    parts = [test[1] if test else "", assertion[1].strip() if assertion else ""]
    text = " — ".join(part for part in parts if part)
    return text[:300] or "a test failed"


def run_mutant(mutant: Mutant, copy: Path, timeout: float) -> Outcome:
    if mutant.equivalent:
        return Outcome(mutant, Verdict.EQUIVALENT, detail=mutant.equivalent)
    stale = stale_reason(mutant, copy)
    if stale:
        return Outcome(mutant, Verdict.STALE, detail=f"{stale}: update the table")
    path = copy / mutant.file
    original = path.read_text()
    started = time.monotonic()
    try:
        path.write_text(original.replace(mutant.old, mutant.new, 1))
        returncode, output = run_tests(copy, mutant.listing, timeout)
    finally:
        path.write_text(original)
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(path.parent / "__pycache__")
    seconds = time.monotonic() - started
    verdict, detail = judge(returncode, output, mutant.listing, timeout)
    return Outcome(mutant, verdict, seconds, detail)


def judge(returncode: int | None, output: str, listing: str, timeout: float
          ) -> tuple[Verdict, str]:
    """The verdict on a mutant's test run (exit code, None if it timed out), and its detail."""
    if returncode is None:
        return Verdict.KILLED, f"timed out after {timeout:.0f} s"
    if returncode == 0 and not PASSED.search(output):
        return Verdict.SKIPPED, "every test of the listing skipped on this Python: not judged"
    if returncode == 0:
        return Verdict.SURVIVED, ""
    if returncode == 1:
        return Verdict.KILLED, what_caught_it(output)
    if returncode == 2 and "error" in output.lower():  # the mutant broke collection
        return Verdict.KILLED, "collection: " + what_caught_it(output)
    if returncode == 5:
        return Verdict.ERROR, f"no test is marked listing({listing!r})"
    tail = " | ".join(output.strip().splitlines()[-3:])
    return Verdict.ERROR, f"pytest exited {returncode}: {tail}"


# --- the report -------------------------------------------------------------------------------

@dataclass
class Tally:
    """The outcomes counted once, for the saved report and the closing lines alike."""

    outcomes: list[Outcome]

    def of(self, verdict: Verdict) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict is verdict]

    @property
    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict.problem]

    @property
    def counted(self) -> list[Outcome]:
        """The outcomes "N killed of M" counts: killed and survived."""
        return [o for o in self.outcomes if o.verdict.counted]

    @property
    def score(self) -> str:
        return f"{len(self.of(Verdict.KILLED))} killed of {len(self.counted)}"

    def cell(self) -> str:
        """Killed of counted, its ratio, the mutants not counted."""
        killed, counted = len(self.of(Verdict.KILLED)), len(self.counted)
        notes = ", ".join(f"{len(self.of(verdict))} {verdict}" for verdict in Verdict
                          if not verdict.counted and self.of(verdict))
        ratio = f"{100 * killed / counted:5.1f}%" if counted else "  -  "
        return f"{killed:3} killed of {counted:3} {ratio}" + (f" ({notes})" if notes else "")

    def operator(self, name: str) -> Tally:
        return Tally([o for o in self.outcomes if o.mutant.operator == name])

    def chapters(self) -> list[str]:
        """A line per chapter and operator (the hand-written table's, then each operator's),
        then a line per operator for all chapters."""
        lines = []
        for chapter in sorted({chapter_of(o.mutant) for o in self.outcomes}):
            mine = Tally([o for o in self.outcomes if chapter_of(o.mutant) == chapter])
            lines += [f"chapter {chapter:>2} {name:<7}: {mine.operator(name).cell()}"
                      for name in OPERATORS if mine.operator(name).outcomes]
        lines += [f"all        {name:<7}: {self.operator(name).cell()}"
                  for name in OPERATORS if self.operator(name).outcomes]
        return lines


def report(tally: Tally, finished: bool) -> str:
    out = ["# python -m tests.mutation: " + ("finished" if finished else "running"), ""]
    out += [*tally.chapters(), ""]
    out += ["## survivors"] + [f"- {o.mutant.id}: {o.mutant.mistake}"
                               for o in tally.of(Verdict.SURVIVED)]
    out += ["", "## stale or errors"] + [f"- {o.mutant.id}: {o.detail}" for o in tally.problems]
    out += ["", "## equivalent"] + [f"- {o.mutant.id}: {o.detail}"
                                    for o in tally.of(Verdict.EQUIVALENT)]
    out += ["", "## skipped (the listing's tests need a newer Python)"]
    out += [f"- {o.mutant.id}" for o in tally.of(Verdict.SKIPPED)]
    out += ["", "## every mutant"] + [o.line() for o in tally.outcomes]
    out += ["", f"mutants: {tally.score}"]
    return "\n".join(out) + "\n"


RESULT_LINE = re.compile(rf"^({'|'.join(Verdict)}) +(\S+) +([\d.]+) s(?:  (.*))?$")


def combine(reports: list[Path]) -> list[Outcome]:
    """The outcomes of saved reports (`--save`), in table order; a later report's outcome for a
    mutant replaces an earlier one's (to gather runs made chapter by chapter)."""
    every = every_mutant()
    by_id = {mutant.id: mutant for mutant in every}
    found: dict[str, Outcome] = {}
    for path in reports:
        for line in path.read_text().splitlines():
            match = RESULT_LINE.match(line)
            if match and match[2] in by_id:
                found[match[2]] = Outcome(by_id[match[2]], Verdict(match[1]), float(match[3]),
                                          match[4] or "")
    return [found[mutant.id] for mutant in every if mutant.id in found]


# --- the command line -------------------------------------------------------------------------

def every_mutant() -> list[Mutant]:
    """The hand-written table's mutants, then the operators' (made from today's listings)."""
    return [*MUTANTS, *generated()]


def select(chapters: Iterable[int], only: Iterable[str], operators: Iterable[str] = ()
           ) -> list[Mutant]:
    chapters, only, operators = set(chapters), set(only), set(operators)
    every = every_mutant()
    unknown = only - {mutant.id for mutant in every}
    if unknown:
        raise SystemExit(f"no mutant with id {', '.join(sorted(unknown))} (see --list)")
    return [mutant for mutant in every
            if (not chapters or chapter_of(mutant) in chapters)
            and (not only or mutant.id in only)
            and (not operators or mutant.operator in operators)]


def list_mutants(mutants: list[Mutant]) -> None:
    for mutant in mutants:
        note = f"  [equivalent: {mutant.equivalent}]" if mutant.equivalent else ""
        print(f"{mutant.id:<34} {mutant.operator:<7} {mutant.file:<44} {mutant.mistake}{note}")
    print(f"{len(mutants)} mutants")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--chapter", type=int, action="append", default=[], metavar="N",
                        help="only this chapter's mutants (repeatable)")
    parser.add_argument("--only", action="append", default=[], metavar="ID",
                        help="only this mutant (repeatable)")
    parser.add_argument("--operator", action="append", default=[], choices=OPERATORS,
                        help="only the hand-written table's mutants, or one operator's "
                             "(repeatable)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                        help="seconds per mutant; a timeout counts as killed "
                             "(default %(default).0f)")
    parser.add_argument("--save", type=Path, metavar="FILE",
                        help="write the report to FILE after every mutant")
    parser.add_argument("--combine", type=Path, nargs="+", metavar="REPORT",
                        help="run nothing: combine saved reports into one (with --save)")
    parser.add_argument("--no-canary", action="store_true",
                        help="skip the canary (only to debug the runner)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    mutants = select(args.chapter, args.only, args.operator)
    if args.list:
        list_mutants(mutants)
        return 0
    if args.combine:
        combined = report(Tally(combine(args.combine)), finished=True)
        if args.save:
            args.save.write_text(combined)
        print(combined, end="")
        return 0
    stop_signals.interrupt_on_sigterm()  # clean up on kill PID as on Ctrl-C
    outcomes: list[Outcome] = []
    copy = make_copy()
    print(f"scratch copy: {copy}", flush=True)
    try:
        if not args.no_canary:
            canary = run_mutant(CANARY, copy, args.timeout)
            print(canary.line(label="canary"), flush=True)
            if not canary.killed:
                print("the canary survived: the tests did not run the scratch copy; stopping")
                return 2
        for mutant in mutants:
            outcome = run_mutant(mutant, copy, args.timeout)
            outcomes.append(outcome)
            print(outcome.line(), flush=True)
            if args.save:
                args.save.write_text(report(Tally(outcomes), finished=False))
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
        return 130
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    tally = Tally(outcomes)
    if args.save:
        args.save.write_text(report(tally, finished=True))
    print()
    print(*tally.chapters(), sep="\n")
    survivors, problems = tally.of(Verdict.SURVIVED), tally.problems
    if survivors:
        print("survived: " + ", ".join(o.mutant.id for o in survivors))
    if problems:
        print("stale or errors: " + ", ".join(o.mutant.id for o in problems))
    print(f"mutants: {tally.score}")
    return 1 if survivors or problems else 0

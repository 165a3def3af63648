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

from tests.mutation.table import CANARY, MUTANTS, Mutant, chapter_of

REPO = Path(__file__).resolve().parents[2]
SKIPPED = (".git", ".venv", ".data")
DEFAULT_TIMEOUT = 300.0
FAILED_TEST = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)
ASSERTION = re.compile(r"^E {3}(.*\S)", re.MULTILINE)
PASSED = re.compile(r"\b\d+ passed\b")


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str  # killed, survived, skipped, stale, error, equivalent
    seconds: float = 0.0
    detail: str = ""  # the assertion or the test that caught it; why it is stale; the error

    @property
    def killed(self) -> bool:
        return self.verdict == "killed"

    def line(self) -> str:
        detail = f"  {self.detail}" if self.detail else ""
        return f"{self.verdict:<10} {self.mutant.id:<34} {self.seconds:6.1f} s{detail}"


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
        return Outcome(mutant, "equivalent", detail=mutant.equivalent)
    stale = stale_reason(mutant, copy)
    if stale:
        return Outcome(mutant, "stale", detail=f"{stale}: update the table")
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
    if returncode is None:
        return Outcome(mutant, "killed", seconds, f"timed out after {timeout:.0f} s")
    if returncode == 0 and not PASSED.search(output):
        return Outcome(mutant, "skipped", seconds,
                       "every test of the listing skipped on this Python: not judged")
    if returncode == 0:
        return Outcome(mutant, "survived", seconds)
    if returncode == 1:
        return Outcome(mutant, "killed", seconds, what_caught_it(output))
    if returncode == 2 and "error" in output.lower():  # the mutant broke collection
        return Outcome(mutant, "killed", seconds, "collection: " + what_caught_it(output))
    if returncode == 5:
        return Outcome(mutant, "error", seconds, f"no test is marked listing({mutant.listing!r})")
    tail = " | ".join(output.strip().splitlines()[-3:])
    return Outcome(mutant, "error", seconds, f"pytest exited {returncode}: {tail}")


# --- the report -------------------------------------------------------------------------------

def summary(outcomes: list[Outcome]) -> list[str]:
    lines = []
    chapters = sorted({chapter_of(outcome.mutant) for outcome in outcomes})
    for chapter in chapters:
        mine = [o for o in outcomes if chapter_of(o.mutant) == chapter]
        counted = [o for o in mine if o.verdict in ("killed", "survived")]
        killed = sum(o.killed for o in counted)
        extra = {verdict: sum(o.verdict == verdict for o in mine)
                 for verdict in ("equivalent", "skipped", "stale", "error")}
        notes = ", ".join(f"{n} {verdict}" for verdict, n in extra.items() if n)
        ratio = f"{100 * killed / len(counted):5.1f}%" if counted else "  -  "
        lines.append(f"chapter {chapter:>2}: {killed:3} killed of {len(counted):3} {ratio}"
                     + (f" ({notes})" if notes else ""))
    return lines


def report(outcomes: list[Outcome], finished: bool) -> str:
    counted = [o for o in outcomes if o.verdict in ("killed", "survived")]
    killed = sum(o.killed for o in counted)
    survivors = [o for o in outcomes if o.verdict == "survived"]
    problems = [o for o in outcomes if o.verdict in ("stale", "error")]
    equivalent = [o for o in outcomes if o.verdict == "equivalent"]
    out = ["# python -m tests.mutation: " + ("finished" if finished else "running"), ""]
    out += [*summary(outcomes), ""]
    out += ["## survivors"] + [f"- {o.mutant.id}: {o.mutant.mistake}" for o in survivors]
    out += ["", "## stale or errors"] + [f"- {o.mutant.id}: {o.detail}" for o in problems]
    out += ["", "## equivalent"] + [f"- {o.mutant.id}: {o.detail}" for o in equivalent]
    out += ["", "## skipped (the listing's tests need a newer Python)"]
    out += [f"- {o.mutant.id}" for o in outcomes if o.verdict == "skipped"]
    out += ["", "## every mutant"] + [o.line() for o in outcomes]
    out += ["", f"mutants: {killed} killed of {len(counted)}"]
    return "\n".join(out) + "\n"


RESULT_LINE = re.compile(
    r"^(killed|survived|skipped|stale|error|equivalent) +(\S+) +([\d.]+) s(?:  (.*))?$")


def combine(reports: list[Path]) -> list[Outcome]:
    """The outcomes of saved reports (`--save`), in table order; a later report's outcome for a
    mutant replaces an earlier one's (to gather runs made chapter by chapter)."""
    by_id = {mutant.id: mutant for mutant in MUTANTS}
    found: dict[str, Outcome] = {}
    for path in reports:
        for line in path.read_text().splitlines():
            match = RESULT_LINE.match(line)
            if match and match[2] in by_id:
                found[match[2]] = Outcome(by_id[match[2]], match[1], float(match[3]),
                                          match[4] or "")
    return [found[mutant.id] for mutant in MUTANTS if mutant.id in found]


# --- the command line -------------------------------------------------------------------------

def select(chapters: Iterable[int], only: Iterable[str]) -> list[Mutant]:
    chapters, only = set(chapters), set(only)
    unknown = only - {mutant.id for mutant in MUTANTS}
    if unknown:
        raise SystemExit(f"no mutant with id {', '.join(sorted(unknown))} (see --list)")
    return [mutant for mutant in MUTANTS
            if (not chapters or chapter_of(mutant) in chapters)
            and (not only or mutant.id in only)]


def list_mutants(mutants: list[Mutant]) -> None:
    for mutant in mutants:
        note = f"  [equivalent: {mutant.equivalent}]" if mutant.equivalent else ""
        print(f"{mutant.id:<34} {mutant.file:<44} {mutant.mistake}{note}")
    print(f"{len(mutants)} mutants")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--chapter", type=int, action="append", default=[], metavar="N",
                        help="only this chapter's mutants (repeatable)")
    parser.add_argument("--only", action="append", default=[], metavar="ID",
                        help="only this mutant (repeatable)")
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


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    mutants = select(args.chapter, args.only)
    if args.list:
        list_mutants(mutants)
        return 0
    if args.combine:
        combined = report(combine(args.combine), finished=True)
        if args.save:
            args.save.write_text(combined)
        print(combined, end="")
        return 0
    signal.signal(signal.SIGTERM, _terminate)  # clean up on kill PID as on Ctrl-C
    outcomes: list[Outcome] = []
    copy = make_copy()
    print(f"scratch copy: {copy}", flush=True)
    try:
        if not args.no_canary:
            canary = run_mutant(CANARY, copy, args.timeout)
            print("canary     " + canary.line()[11:], flush=True)
            if not canary.killed:
                print("the canary survived: the tests did not run the scratch copy; stopping")
                return 2
        for mutant in mutants:
            outcome = run_mutant(mutant, copy, args.timeout)
            outcomes.append(outcome)
            print(outcome.line(), flush=True)
            if args.save:
                args.save.write_text(report(outcomes, finished=False))
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
        return 130
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    if args.save:
        args.save.write_text(report(outcomes, finished=True))
    print()
    for line in summary(outcomes):
        print(line)
    survivors = [o.mutant.id for o in outcomes if o.verdict == "survived"]
    problems = [o.mutant.id for o in outcomes if o.verdict in ("stale", "error")]
    if survivors:
        print("survived: " + ", ".join(survivors))
    if problems:
        print("stale or errors: " + ", ".join(problems))
    counted = [o for o in outcomes if o.verdict in ("killed", "survived")]
    print(f"mutants: {sum(o.killed for o in counted)} killed of {len(counted)}")
    return 1 if survivors or problems else 0

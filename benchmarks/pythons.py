"""Several Pythons in one run: `python -m benchmarks --python PATH [--python PATH …]`.

Every interpreter, the running one first, is checked before anything starts (a Python, 3.11 or
later, with the project's packages). Then each comparison runs round by round, each round in a
child process of each interpreter in turn (`PATH -m benchmarks NAME --rounds 1 --json FILE`):
3.11, 3.13, 3.11, 3.13 …, so the machine's drift falls on every interpreter alike, as it falls
on every side within a round. The children share this process's Postgres (`--postgres`) and
start their own stand-ins. Each child's rounds are merged into one comparison per interpreter,
and those side by side into one: every row once per interpreter, every chart line too.

PATH may also be a command that runs a Python, split as a shell would: the sid root's 3.15 is
`--python '.ci/sid-root run .venv-3.15.2/bin/python'` (that root passes no environment on, so
its children reach Postgres with the book's user and password).
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import BenchmarkError, Comparison, Curve, Panel, Row, Side, Size
from util import settings
from util.tools.processes import stop_process

OLDEST = (3, 11)
ABOUT = ("import json, platform, sys; print(json.dumps({'implementation': "
         "platform.python_implementation(), 'version': platform.python_version(), 'abiflags': "
         "getattr(sys, 'abiflags', ''), 'prefix': sys.prefix, 'info': sys.version_info[:2]}))")
PACKAGES = ("import json, sys; import benchmarks.services; "  # what a child imports
            "from benchmarks import comparison_module; from benchmarks.machine import versions; "
            "[comparison_module(name) for name in sys.argv[1:]]; print(json.dumps(versions()))")
STOP_SECONDS = 30  # a child stopping (SIGTERM) gets this long to stop what it started


@dataclass
class Interpreter:
    """A Python the benchmarks run on: how to start it, its label in the report, its packages."""

    command: list[str]
    text: str  # as the reader gave it
    implementation: str
    version: str
    prefix: str
    libraries: dict[str, str] = dataclasses.field(default_factory=dict)
    label: str = ""

    def describe(self) -> dict:
        return {"label": self.label, "command": _short(self.text),
                "python": f"{self.implementation} {self.version}", "libraries": self.libraries}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _ask(command: list[str], options: list[str], text: str, timeout: float,
         *args: str) -> subprocess.CompletedProcess:
    """Run `command` with `options` (-c CODE) and `args`, in the repository."""
    try:
        return subprocess.run([*command, *options, *args], cwd=settings.REPO, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BenchmarkError(f"--python {text}: no answer in {timeout:g} s") from None
    except OSError as error:
        raise BenchmarkError(f"--python {text}: not a Python ({error.strerror})") from None


def check(text: str, names: list[str]) -> Interpreter:
    """The interpreter `text` names, asked what it is and whether it can run `names`; a
    BenchmarkError of one line if it cannot."""
    try:
        command = shlex.split(text)
    except ValueError as error:
        raise BenchmarkError(f"--python {text!r}: {error}") from None
    if not command:
        raise BenchmarkError("--python '': name a Python")
    if os.sep in command[0]:
        command[0] = os.path.abspath(command[0])  # the children run in the repository
        if not os.path.exists(command[0]):
            raise BenchmarkError(f"--python {text}: no such file")
    about = _ask(command, ["-I", "-c", ABOUT], text, 30)
    try:
        answer = json.loads(about.stdout.strip().splitlines()[-1])
        implementation, version = answer["implementation"], answer["version"]
    except (ValueError, IndexError, KeyError, TypeError):
        why = _last_line(about.stderr) or f"exit status {about.returncode}, no answer"
        raise BenchmarkError(f"--python {text}: not a Python ({why})") from None
    if tuple(answer["info"]) < OLDEST:
        raise BenchmarkError(f"--python {text} is {implementation} {version}: the benchmarks "
                             f"need {'.'.join(map(str, OLDEST))} or later")
    interpreter = Interpreter(command, text, implementation, version, answer["prefix"],
                              label=(implementation + " " if implementation != "CPython" else "")
                              + version + answer["abiflags"])
    packages = _ask(command, ["-c", PACKAGES], text, 120, *names)
    if packages.returncode != 0:
        raise BenchmarkError(f"--python {text} ({implementation} {version}) lacks the project's "
                             f"packages ({_last_line(packages.stderr)}): give it an environment "
                             f"of this project, e.g. UV_PROJECT_ENVIRONMENT=.venv-{version} uv "
                             f"sync --python {command[-1]}")
    interpreter.libraries = json.loads(_last_line(packages.stdout))
    return interpreter


def check_all(texts: list[str], names: list[str]) -> list[Interpreter]:
    """The running Python first, then each --python; labels unique (a version shared by two
    environments gets each one's command added)."""
    found = [check(sys.executable, names)]
    for text in texts:
        interpreter = check(text, names)
        same = next((other for other in found if other.prefix == interpreter.prefix), None)
        if same is not None:
            raise BenchmarkError(f"--python {text}: the same Python as {_short(same.text)}"
                                 + (" (the one running the benchmarks)" if same is found[0]
                                    else ""))
        found.append(interpreter)
    shared = {i.label for i in found if sum(other.label == i.label for other in found) > 1}
    for interpreter in found:
        if interpreter.label in shared:
            interpreter.label = f"{interpreter.label} ({_short(interpreter.text)})"
    return found


def _short(text: str) -> str:
    return text.replace(str(settings.REPO) + os.sep, "")


# One round on one interpreter -----------------------------------------------------------------

def child_arguments(name: str, size: Size, postgres: str | None, json_path: Path) -> list[str]:
    """What a child is asked: one round of one comparison, its result as JSON."""
    arguments = ["-m", "benchmarks", name, "--rounds", "1", "--json", str(json_path),
                 "--no-progress", "--scale", repr(size.scale)]
    if size.level != "full":
        arguments.append(f"--{size.level}")
    if postgres:
        arguments += ["--postgres", postgres]
    return arguments


def run_round(interpreter: Interpreter, name: str, size: Size, postgres: str | None,
              env: dict[str, str]) -> tuple[Comparison | None, str]:
    """One round of comparison `name` in a child of `interpreter`: (the comparison, "") or
    (None, why it failed). Bad input or a missing service in the child is a BenchmarkError here
    too; Ctrl-C or SIGTERM here stops the child (SIGTERM: it stops what it started)."""
    folder = settings.DATA_DIR / "benchmarks"  # in the checkout: the sid root sees it too
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix="python-") as scratch:
        json_path, errors = Path(scratch) / "round.json", Path(scratch) / "stderr"
        with open(errors, "w+", encoding="utf-8") as stderr:
            child = subprocess.Popen(
                [*interpreter.command, *child_arguments(name, size, postgres, json_path)],
                cwd=settings.REPO, env=os.environ | env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
            try:
                returncode = child.wait()
            finally:
                stop_process(child, STOP_SECONDS)  # at once if it has exited
            stderr.seek(0)
            said = stderr.read()
        found = [line.removeprefix("benchmarks: ") for line in said.splitlines()
                 if line.startswith("benchmarks: ")]
        if returncode == 2:
            raise BenchmarkError(f"on {interpreter.label}: "
                                 f"{found[-1] if found else _last_line(said)}")
        if json_path.exists():
            result = json.loads(json_path.read_text(encoding="utf-8"))
            if result["comparisons"]:
                return comparison_from(result["comparisons"][0]), ""
            failures = [failure.removeprefix("failed: ") for failure in result["failures"]]
            return None, "; ".join(failures) or f"exit status {returncode}"
        return None, f"exit status {returncode}: {_last_line(said) or 'no output'}"


# JSON ----------------------------------------------------------------------------------------

def comparison_json(comparison: Comparison) -> dict:
    return dataclasses.asdict(comparison)


def comparison_from(data: dict) -> Comparison:
    """A comparison from comparison_json's dict (NaN survives: json writes and reads it)."""
    rows = [Row(**(row | {"sides": [Side(**side) for side in row["sides"]]}))
            for row in data["rows"]]
    panels = [Panel(**(panel | {"curves": [Curve(**curve) for curve in panel["curves"]],
                                "reference": Curve(**panel["reference"])
                                if panel["reference"] else None}))
              for panel in data["panels"]]
    return Comparison(**(data | {"rows": rows, "panels": panels}))


# Merging -------------------------------------------------------------------------------------

def _finite(values) -> list[float]:
    return [v for v in values if math.isfinite(v)]


def _median(values) -> float:
    finite = _finite(values)
    return statistics.median(finite) if finite else math.nan


def _merge_curve(curves: list[Curve]) -> Curve:
    """One chart line from each round's: the median of the medians, the lowest low, the
    highest high (each round measured once, so its median is its sample)."""
    def points(attribute: str):
        return zip(*(getattr(curve, attribute) for curve in curves), strict=True)

    first = curves[0]
    return Curve(first.label, list(first.x), [_median(v) for v in points("median")],
                 [min(_finite(v), default=math.nan) for v in points("low")],
                 [max(_finite(v), default=math.nan) for v in points("high")])


def merge_rounds(rounds: list[Comparison]) -> Comparison:
    """Each round (one child each) of one comparison on one interpreter as one comparison:
    every side's samples together, its extras' median, a failure if any round had one."""
    first = rounds[0]
    rows = []
    for index, row in enumerate(first.rows):
        same = [r.rows[index] for r in rounds if index < len(r.rows)
                and r.rows[index].what == row.what]
        sides = []
        for side in row.sides:
            alike = [s for r in same for s in r.sides if s.name == side.name]
            extra = {key: _median([s.extra[key] for s in alike if key in s.extra])
                     for key in side.extra}
            sides.append(Side(side.name, [v for s in alike for v in s.samples], side.unit,
                              extra, next((s.failure for s in alike if s.failure), "")))
        rows.append(dataclasses.replace(row, sides=sides))
    panels = []
    for index, panel in enumerate(first.panels):
        same = [r.panels[index] for r in rounds if index < len(r.panels)
                and r.panels[index].title == panel.title]
        curves = [_merge_curve([c for p in same for c in p.curves if c.label == curve.label])
                  for curve in panel.curves]
        panels.append(dataclasses.replace(panel, curves=curves))
    notes = list(dict.fromkeys(note for r in rounds for note in r.notes))
    return dataclasses.replace(first, rows=rows, panels=panels, notes=notes,
                               seconds=sum(r.seconds for r in rounds))


def side_by_side(by_python: dict[str, Comparison]) -> Comparison:
    """One comparison from each interpreter's (label -> comparison, the first the baseline):
    each row once per interpreter, next to each other (row.python says which), each chart
    line once per interpreter (curve.python), each note once (prefixed by the interpreters it
    holds for, unless all)."""
    labels = list(by_python)
    first = by_python[labels[0]]
    whats = list(dict.fromkeys(row.what for c in by_python.values() for row in c.rows))
    rows = [dataclasses.replace(row, python=label) for what in whats
            for label, c in by_python.items() for row in c.rows if row.what == what]
    titles = list(dict.fromkeys(panel.title for c in by_python.values() for panel in c.panels))
    panels = []
    for title in titles:
        same = {label: next(p for p in c.panels if p.title == title)
                for label, c in by_python.items() if any(p.title == title for p in c.panels)}
        model = next(iter(same.values()))
        panels.append(dataclasses.replace(model, curves=[
            dataclasses.replace(curve, python=label)
            for label, panel in same.items() for curve in panel.curves]))
    notes = []
    for note in dict.fromkeys(note for c in by_python.values() for note in c.notes):
        holds = [label for label, c in by_python.items() if note in c.notes]
        notes.append(note if len(holds) == len(labels) else f"On {', '.join(holds)}: {note}")
    headline = first.rows[first.headline].what if first.rows else ""
    return dataclasses.replace(first, rows=rows, panels=panels, notes=notes,
                               seconds=sum(c.seconds for c in by_python.values()),
                               headline=next((i for i, row in enumerate(rows)
                                              if row.what == headline), 0))

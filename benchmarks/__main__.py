"""`python -m benchmarks [NAME …] [--quick] [--out DIR] [--python PATH …]`: run the
comparisons, write the report.

Bad input (an unknown name, a size of zero, no Postgres, a --python that is no Python or lacks
the project's packages) is one line on stderr and exit status 2, before anything starts.
Whatever happens (an error, Ctrl-C, SIGTERM), the services and children started here are
stopped. With --python, each comparison runs in children of every interpreter in turn
(benchmarks.pythons); a child is this same command with --json FILE, which writes its results
there instead of a report.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path

from benchmarks import ORDER, POSTGRES, comparison_module
from benchmarks.common import BenchmarkError, Progress, Size
from benchmarks.services import Services, parse_address
from util import settings
from util.tools import stop_signals

FULL_OUT = settings.REPO / "benchmarks" / "results"
QUICK_OUT = settings.DATA_DIR / "benchmarks" / "quick"


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise BenchmarkError(message)


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m benchmarks",
               description="Measure the book's headline claims side by side; write a Markdown "
                           "report and one PNG chart per comparison.")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"comparisons to run (default: all): {', '.join(ORDER)}")
    p.add_argument("--quick", action="store_true",
                   help="small sizes: everything in under a minute")
    p.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # the test suite's
    p.add_argument("--out", type=Path, default=None,
                   help=f"folder for report.md and the charts (default: benchmarks/results, "
                        f"or {QUICK_OUT.relative_to(settings.REPO)} with --quick)")
    p.add_argument("--rounds", type=int, default=None,
                   help="timed rounds per side (default: 2 or 3 by comparison, 1 with "
                        "--quick)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="multiply every count (N requests, queries …) by this")
    p.add_argument("--postgres", metavar="HOST:PORT", default=None,
                   help="use this running Postgres (PGUSER/PGPASSWORD) instead of starting "
                        "the embedded one")
    p.add_argument("--python", metavar="PATH", action="append", default=[],
                   help="also run every comparison on this Python (repeatable), round by round "
                        "in turn with the running one, and show them side by side; it needs "
                        "the project's packages (a command that runs a Python works too)")
    p.add_argument("--json", type=Path, default=None, help=argparse.SUPPRESS)  # a --python child
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BenchmarkError as error:
        print(f"benchmarks: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmarks: interrupted; services stopped", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    unknown = [name for name in args.names if name not in ORDER]
    if unknown:
        raise BenchmarkError(f"unknown benchmark {unknown[0]!r}: choose from {', '.join(ORDER)}")
    names = [name for name in ORDER if name in args.names] if args.names else list(ORDER)
    size = Size("tiny" if args.tiny else "quick" if args.quick else "full", args.rounds,
                args.scale)
    out = args.out or (QUICK_OUT if size.level != "full" else FULL_OUT)
    address = parse_address(args.postgres) if args.postgres else None
    from benchmarks import machine, pythons, report

    interpreters = pythons.check_all(args.python, names) if args.python else []
    with contextlib.suppress(ValueError):  # not the main thread
        stop_signals.interrupt_on_sigterm()  # every finally block runs, as on Ctrl-C

    described = machine.describe()
    started = time.perf_counter()
    with Services(postgres_address=address) as services:
        bar = None
        if not args.no_progress:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread beside the process pools, which fork
            bar = tqdm(total=0, unit="call" if not interpreters else "round",
                       dynamic_ncols=True, file=sys.stderr)
        try:
            if interpreters:
                results, failures = run_pythons(interpreters, names, size, services, bar)
            else:
                results, failures = run_here(names, size, services, bar)
        finally:
            if bar is not None:
                bar.close()
        if services._postgres is not None:
            with contextlib.suppress(Exception):
                described["postgres"] = asyncio.run(services._postgres.server_version())
    described["load_end"] = machine.load_average()
    described["seconds"] = time.perf_counter() - started
    described["command"] = "python -m benchmarks " + " ".join(argv if argv is not None
                                                                else sys.argv[1:])
    if interpreters:
        described["pythons"] = [interpreter.describe() for interpreter in interpreters]
    if args.json is not None:  # a --python child: the parent writes the report
        args.json.write_text(json.dumps({
            "comparisons": [pythons.comparison_json(c) for c in results],
            "failures": failures, "machine": described}), encoding="utf-8")
        return 1 if failures else 0
    if results:
        path = report.write(results, described, out)
        print(f"report: {path} ({len(results)} comparisons, "
              f"{described['seconds']:.0f} s)")
    for c in results:  # cells recorded as not measured: the report says why
        missing = [f"{row.what} ({side.name})" for row in c.rows for side in row.sides
                   if not side.measured]
        if missing:
            print(f"benchmarks: {c.name}: not measured: {'; '.join(missing)} (see the report)",
                  file=sys.stderr)
    for failure in failures:
        print(f"benchmarks: failed: {failure}", file=sys.stderr)
    return 1 if failures else 0


def run_here(names: list[str], size: Size, services: Services, bar) -> tuple[list, list[str]]:
    """Each comparison in this process: (the comparisons, the failures)."""
    results, failures = [], []
    for name in names:
        module = comparison_module(name)
        if bar is not None:
            bar.set_description(name)
        begun = time.perf_counter()
        try:
            comparison = module.run(size, Progress(bar), services)
        except BenchmarkError:
            raise
        except Exception as error:  # one comparison failing does not lose the others
            failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        comparison.seconds = time.perf_counter() - begun
        results.append(comparison)
    return results, failures


def run_pythons(interpreters: list, names: list[str], size: Size, services: Services,
                bar) -> tuple[list, list[str]]:
    """Each comparison round by round, each round in a child of every interpreter in turn,
    merged side by side: (the comparisons, the failures)."""
    from benchmarks import pythons

    postgres, env = None, {}
    if any(name in POSTGRES for name in names):  # one server for every child
        server = services.postgres()
        postgres, env = f"{server.host}:{server.port}", server.env()
    rounds = size.rounds or size.pick(tiny=1, quick=1, full=3)
    if bar is not None:
        bar.total = len(names) * rounds * len(interpreters)
    results, failures = [], []
    for name in names:
        done: dict[str, list] = {interpreter.label: [] for interpreter in interpreters}
        for index in range(rounds):
            for interpreter in interpreters:
                if bar is not None:
                    bar.set_description(f"{name} on {interpreter.label}, round {index + 1}")
                comparison, failure = pythons.run_round(interpreter, name, size, postgres, env)
                if comparison is not None:
                    done[interpreter.label].append(comparison)
                else:
                    failures.append(f"{name} on {interpreter.label}, round {index + 1}: "
                                    f"{failure}")
                if bar is not None:
                    bar.update(1)
        merged = {label: pythons.merge_rounds(found) for label, found in done.items() if found}
        if merged:
            results.append(pythons.side_by_side(merged))
    return results, failures


if __name__ == "__main__":
    sys.exit(main())

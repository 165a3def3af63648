"""`python -m util trace N.M [ARGS...]`: run a listing as `util run` does, under VizTracer, and
draw what ran when.

The listing runs with what its `Needs:` line names started beside it (RunEnvironment), in a
child `python -m viztracer --log_async … -m util.tools.trace_target MODULE ARGS`, so every
asyncio task gets a track of its own, and threads, subprocesses and multiprocessing children
are followed. The data folder's `trace/` then holds

    listing_N_M.json   the whole trace (Chrome/Perfetto format): `vizviewer` opens it offline
    listing_N_M.png    a compact timeline of it (util.tools.timeline)

A run is bounded (`--seconds`, 30 by default): at the bound the listing gets Ctrl-C (SIGINT),
then SIGTERM, as a reader would stop it; what was traced until then is saved all the same, as
it is when the listing fails or the reader presses Ctrl-C.

VizTracer 1.1.1 has wheels up to Python 3.14; on 3.15 `uv sync` builds it from its source (a C
compiler and Python's headers, e.g. Debian's python3.15-dev). Where it does not import, util
trace says so in one line, exit 2.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from util import settings
from util.tools import listing_index, stop_signals
from util.tools.errors import ReaderError
from util.tools.processes import exit_status
from util.tools.run_environment import RunEnvironment, to_stderr
from util.tools.trace_target import FINISHED

DEFAULT_SECONDS = 30.0
GRACE = 10.0  # seconds a listing has to stop after SIGINT (Ctrl-C)
SAVING = 120.0  # seconds VizTracer may take to save, after SIGTERM, before it is killed
TRACER_ENTRIES = 600_000  # calls kept (the latest): a long run keeps its last ones, ~60 MB
TRACER = ("--log_async", "--quiet", "--tracer_entries", str(TRACER_ENTRIES))


def trace_folder() -> Path:
    return settings.DATA_DIR / "trace"


def command(module: str, args: list[str], output: Path) -> list[str]:
    """The traced run of `module`: VizTracer, the task marks, then the listing as __main__."""
    return [sys.executable, "-m", "viztracer", *TRACER, "--output_file", str(output),
            "-m", "util.tools.trace_target", module, *args]


def main(listing_id: str, args: list[str], seconds: float | None = None,
         latency_ms: float | None = None) -> int:
    """`util trace N.M [--seconds S] [--latency MS] [ARGS...]` (the command line reads the
    options, before the number or right after it)."""
    return trace_listing(listing_id, args, DEFAULT_SECONDS if seconds is None else seconds,
                         latency_ms=latency_ms)


def parse_seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ReaderError(f"--seconds {text!r} is not a number of seconds") from None


def trace_listing(listing_id: str, args: list[str], seconds: float | None = DEFAULT_SECONDS,
                  picture: bool = True, latency_ms: float | None = None) -> int:
    """Trace one listing; print one line saying where the trace and its timeline are."""
    info = listing_index.find(listing_id)
    check_tracer()
    if seconds is not None and seconds <= 0:
        seconds = None
    folder = trace_folder()
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / f"{info.path.stem}.json"
    output.unlink(missing_ok=True)
    stopped = False
    with (stop_signals.raised(),
          RunEnvironment.for_listing(info, to_stderr, latency_ms) as started):
        finished = output.with_suffix(".finished")
        finished.unlink(missing_ok=True)
        traced = command(info.module, args, output)
        environ = os.environ | started.env | {FINISHED: str(finished)}
        try:
            with stop_signals.forwarded_to(
                    lambda: subprocess.Popen(traced, cwd=settings.REPO, env=environ)) as child:
                returncode, stopped = _wait(child, seconds, finished)
        finally:
            finished.unlink(missing_ok=True)
        if returncode == 0 and not stopped:
            started.listing_succeeded()
    if not output.exists() or output.stat().st_size == 0:
        raise ReaderError(f"listing {info.id} left no trace (it exited with {returncode} "
                          "before VizTracer could save one)")
    to_stderr(report(info, output, seconds if stopped else None, picture))
    if stopped:
        return 0
    return exit_status(returncode)


def check_tracer() -> None:
    """VizTracer and its C extension import on this Python, or one line says what is missing."""
    try:
        import viztracer.snaptrace  # noqa: F401
    except ImportError as error:
        version = ".".join(map(str, sys.version_info[:2]))
        raise ReaderError(
            f"util trace needs VizTracer, which does not import on Python "
            f"{sys.version.split()[0]} ({error}): `uv sync` installs it, building it from "
            f"source where no wheel exists, which needs a C compiler and Python's headers "
            f"(on Debian python{version}-dev)") from None


def _wait(child: subprocess.Popen, seconds: float | None, finished: Path) -> tuple[int, bool]:
    """The child's exit code, and whether it had to be stopped at the bound. At the bound it
    gets SIGINT, then SIGTERM, unless the listing is over and VizTracer is saving (`finished`
    exists); whatever it started and left running is stopped after it."""
    try:
        return child.wait(seconds), False
    except subprocess.TimeoutExpired:
        if finished.exists():
            return child.wait(), False
    import psutil

    try:
        descendants = psutil.Process(child.pid).children(recursive=True)
    except psutil.Error:
        descendants = []
    with contextlib.suppress(ProcessLookupError):
        child.send_signal(signal.SIGINT)
    try:
        child.wait(GRACE)
    except subprocess.TimeoutExpired:  # stuck: stop what it started, which it may wait for,
        _stop(descendants)  # then SIGTERM, which VizTracer turns into an exit that saves
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGTERM)
        try:
            child.wait(SAVING)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    _stop(descendants)
    return child.returncode, True


def _stop(processes) -> None:
    """SIGTERM, then SIGKILL, to the processes still running (psutil checks each is still the
    process it was, so a reused pid is never signalled)."""
    import psutil

    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _gone, alive = psutil.wait_procs(processes, timeout=GRACE)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()


def report(info: listing_index.ListingInfo, output: Path, bounded: float | None,
           picture: bool) -> str:
    """The one line a reader gets: where the trace and its timeline are, and how to open the
    trace offline."""
    from util.tools import timeline, timeline_drawing

    trace = timeline.load(output)
    notes = []
    if bounded is not None:
        notes.append(f"stopped after {bounded:g} s")
    if trace.uvloop_replaced:
        notes.append("traced on asyncio's default loop instead of uvloop")
    if trace.overflowed:
        notes.append("the tracer's buffer overflowed: the earliest calls are missing")
    shown = _shown(output)
    line = f"[util] trace of {info.id}: {shown}"
    if picture:
        image = output.with_suffix(".png")
        timeline_drawing.draw(trace, image, title=f"Listing {info.id} — {info.caption}")
        line += f", timeline {_shown(image)}"
    line += f"; open it offline with `uv run vizviewer {shown}`"
    if notes:
        line += f" ({'; '.join(notes)})"
    return line


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to the working folder when inside it."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    return str(path)

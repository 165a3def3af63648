"""A VizTracer trace as lanes: what ran when, and where it held the event loop too long.

`load(path)` reads the trace `util trace` saved (util.tools.trace) into a `Trace`: one `Lane`
per asyncio task (the tracer's async log gives each task a track of its own), per thread and per
child process, each with

- `alive`: from its creation (a task's `task created` mark, util.tools.trace_target) or first
  call to its end;
- `runs`: where it ran. A task runs in steps, each one resumption of its coroutine (a top-level
  call on its track); a thread or process runs in its calls, less the time it spent waiting
  (in select/epoll, on a lock or queue, in a blocking read or waitpid);
- `marks`: created, and how it ended (done, cancelled, raised).

Tasks that run asyncio's own coroutines (a subprocess's pipe readers, the shutdown of
asyncio.run) and the threads of its child watcher are left out: they are in the trace file, not
in the picture.

Steps that held the event loop longer than asyncio debug mode's slow-callback threshold (0.1 s)
are the trace's `slow` stretches. util.tools.timeline_drawing draws it all as a PNG.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from util.tools import trace_events
from util.tools.intervals import Interval, minus, top_level

SLOW_STEP = 0.1  # seconds: asyncio debug mode's loop.slow_callback_duration
ASYNCIO_THREAD = re.compile(r"asyncio-waitpid-\d+")  # the child watcher's threads (3.11)
ASYNCIO_INTERNALS = {"BaseEventLoop.shutdown_asyncgens", "BaseEventLoop.shutdown_default_executor"}
WAITING = re.compile(  # calls in which a thread or process waits rather than runs
    r"(select\.(epoll\.poll|poll\.poll|select|kqueue\.control|devpoll\.poll)"
    r"|_thread\.(lock|RLock)\.acquire|_multiprocessing\.SemLock\.acquire"
    r"|_queue\.SimpleQueue\.get|posix\.(read|waitpid|wait|wait4)|_winapi\.\w*Wait\w*)$")
FUNCTION = re.compile(r"^(?P<name>[^ (]+)")


@dataclass
class Lane:
    kind: str  # "loop" (the event loop's thread), "task", "thread" or "process"
    label: str
    pid: int
    alive: Interval
    runs: list[Interval] = field(default_factory=list)
    marks: list[tuple[float, str]] = field(default_factory=list)  # (when, what)
    name: str = ""  # the task's or thread's name, the process's name
    tid: int = 0  # the track's id in the trace (a thread's, or the tracer's id of a task)
    coroutine: str = ""  # a task's coroutine

    def ran(self) -> float:
        return sum(end - start for start, end in self.runs)


@dataclass
class Stretch:
    start: float
    end: float
    lane: str  # the label of the lane whose step it was

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Trace:
    lanes: list[Lane]
    slow: list[Stretch]
    start: float  # seconds, on the tracer's clock: every time in the lanes is relative to it
    end: float
    uvloop_replaced: bool = False
    overflowed: bool = False

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def of_kind(self, kind: str) -> list[Lane]:
        return [lane for lane in self.lanes if lane.kind == kind]


def load(path: Path | str) -> Trace:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return build(data.get("traceEvents", []),
                 overflowed=bool(data.get("viztracer_metadata", {}).get("overflow")))


def build(events: list[dict], overflowed: bool = False) -> Trace:
    """The lanes of a trace's events, on a clock that starts with the first lane."""
    found = trace_events.parse(events)
    if not found.calls:
        return Trace([], [], 0.0, 0.0, found.uvloop_replaced, overflowed)
    lanes, slow = _lanes(found)
    start = min(lane.alive[0] for lane in lanes)
    end = max(lane.alive[1] for lane in lanes)
    for lane in lanes:
        _shift(lane, start)
    slow = [Stretch(s.start - start, s.end - start, s.lane)
            for s in sorted(slow, key=lambda s: s.start)]
    return Trace(lanes, slow, 0.0, end - start, found.uvloop_replaced, overflowed)


def _lanes(found: trace_events.Events) -> tuple[list[Lane], list[Stretch]]:
    """The main process's event loop, tasks and threads, then the child processes, each kind
    in the order they started; and the stretches that held the loop longer than SLOW_STEP."""
    calls, thread_names = found.calls, found.thread_names
    main_pid = min(calls, key=lambda key: min(call[0] for call in calls[key]))[0]
    task_names = {name for pid, name in found.created if pid == main_pid}

    def is_task(pid: int, tid: int) -> bool:
        name = thread_names.get((pid, tid), "")
        return name in task_names or (re.fullmatch(r"Task-\d+", name) is not None
                                      and (pid, tid) != (pid, pid))

    loop_lanes, task_lanes, thread_lanes, process_lanes = [], [], [], []
    slow: list[Stretch] = []
    for (pid, tid), track in calls.items():
        if pid != main_pid:
            continue
        name = thread_names.get((pid, tid), f"thread {tid}")
        if is_task(pid, tid):
            lane = _task_lane(pid, name, track, found.created.get((pid, name)),
                              found.ended.get((pid, name)))
            if lane.coroutine in ASYNCIO_INTERNALS or (pid, name) in found.internal:
                continue
            task_lanes.append(lane)
            slow += [Stretch(start, end, lane.label) for start, end in lane.runs
                     if end - start > SLOW_STEP]
        elif not ASYNCIO_THREAD.fullmatch(name):
            lane = _thread_lane(pid, tid, name, track)
            (loop_lanes if lane.kind == "loop" else thread_lanes).append(lane)
    for lane in loop_lanes:
        slow += _slow_callbacks(calls[lane.pid, lane.tid], lane.label, slow)
    for pid in sorted({pid for pid, _tid in calls if pid != main_pid}):
        tracks = [track for (p, _tid), track in calls.items() if p == pid]
        name = found.process_names.get(pid, "process")
        process_lanes.append(_process_lane(pid, name, [c for track in tracks for c in track]))
    for kind in (task_lanes, thread_lanes, process_lanes):
        kind.sort(key=lambda lane: lane.alive[0])
    return loop_lanes + task_lanes + thread_lanes + process_lanes, slow


def _shift(lane: Lane, origin: float) -> None:
    lane.alive = (lane.alive[0] - origin, lane.alive[1] - origin)
    lane.runs = [(start - origin, end - origin) for start, end in lane.runs]
    lane.marks = [(when - origin, what) for when, what in lane.marks]


def _function(call_name: str) -> str:
    match = FUNCTION.match(call_name)
    return match["name"] if match else call_name


def _task_lane(pid: int, name: str, track, created, ended) -> Lane:
    steps = [(start, end) for start, end, _name in top_level(track)]
    coroutine = created[1] if created else (_function(top_level(track)[0][2]) if track else "")
    first = created[0] if created else steps[0][0]
    last = steps[-1][1] if steps else first
    marks = [(first, "created")]
    if ended:  # logged by a done callback, which runs once the loop is free again
        when, outcome, error = ended
        last = last if steps and first <= last <= when else max(when, first)
        marks.append((last, f"raised {error}" if outcome == "raised" and error else outcome))
    label = f"{name}: {coroutine}()" if coroutine else name
    return Lane("task", label, pid, (first, last), steps, marks, name, coroutine=coroutine)


def _running(track) -> list[Interval]:
    busy = [(start, end) for start, end, _name in top_level(track)]
    waits = [(start, end) for start, end, name in track if WAITING.match(_function(name))]
    return minus(busy, waits)


def _thread_lane(pid: int, tid: int, name: str, track) -> Lane:
    loops = [(start, end) for start, end, call in track
             if _function(call).endswith("BaseEventLoop.run_forever")]
    runs = _running(track)
    if loops:
        alive = (min(start for start, _ in loops), max(end for _, end in loops))
        runs = [(max(s, alive[0]), min(e, alive[1])) for s, e in runs
                if e > alive[0] and s < alive[1]]
        return Lane("loop", f"{name} (event loop)", pid, alive, runs, [], name, tid)
    alive = (min(c[0] for c in track), max(c[1] for c in track))
    return Lane("thread", name, pid, alive, runs, [], name, tid)


def _process_lane(pid: int, name: str, track) -> Lane:
    alive = (min(c[0] for c in track), max(c[1] for c in track))
    return Lane("process", f"{name} (pid {pid})", pid, alive, _running(track), [], name)


def _slow_callbacks(track, label: str, task_steps: list[Stretch]) -> list[Stretch]:
    """Callbacks (not task steps) that held the loop longer than SLOW_STEP."""
    found = []
    for start, end, name in track:
        if end - start > SLOW_STEP and _function(name).endswith("Handle._run"):
            covered = any(step.start <= start + SLOW_STEP and step.end >= end - SLOW_STEP
                          for step in task_steps)
            if not covered:
                found.append(Stretch(start, end, label))
    return found


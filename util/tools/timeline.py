"""A VizTracer trace as lanes (what ran when), and its compact PNG timeline.

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
are the trace's `slow` stretches. `draw(trace, path)` draws it all with matplotlib (Agg).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from util.tools.trace_target import TASK_CREATED, TASK_ENDED, UVLOOP_REPLACED

SLOW_STEP = 0.1  # seconds: asyncio debug mode's loop.slow_callback_duration
MAX_LANES = 30  # lanes drawn; the trace file has them all
ASYNCIO_THREAD = re.compile(r"asyncio-waitpid-\d+")  # the child watcher's threads (3.11)
ASYNCIO_INTERNALS = {"BaseEventLoop.shutdown_asyncgens", "BaseEventLoop.shutdown_default_executor"}
WAITING = re.compile(  # calls in which a thread or process waits rather than runs
    r"(select\.(epoll\.poll|poll\.poll|select|kqueue\.control|devpoll\.poll)"
    r"|_thread\.(lock|RLock)\.acquire|_multiprocessing\.SemLock\.acquire"
    r"|_queue\.SimpleQueue\.get|posix\.(read|waitpid|wait|wait4)|_winapi\.\w*Wait\w*)$")
FUNCTION = re.compile(r"^(?P<name>[^ (]+)")

Interval = tuple[float, float]


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
    process_names: dict[int, str] = {}
    thread_names: dict[tuple[int, int], str] = {}
    calls: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    created: dict[tuple[int, str], tuple[float, str]] = {}
    ended: dict[tuple[int, str], tuple[float, str, str]] = {}
    internal: set[tuple[int, str]] = set()  # tasks running asyncio's own coroutines
    uvloop_replaced = False
    for event in events:
        phase, pid, tid = event.get("ph"), event.get("pid"), event.get("tid")
        if phase == "M":
            name = (event.get("args") or {}).get("name", "")
            if event.get("name") == "process_name":
                process_names[pid] = name
            elif event.get("name") == "thread_name":
                thread_names[pid, tid] = name
        elif phase == "X":
            start = event["ts"] / 1e6
            calls.setdefault((pid, tid), []).append(
                (start, start + event.get("dur", 0) / 1e6, event.get("name", "")))
        elif phase in ("i", "I"):
            args, when = event.get("args") or {}, event["ts"] / 1e6
            if event.get("name") == TASK_CREATED:
                created[pid, args.get("task", "")] = (when, args.get("coro", ""))
                if args.get("asyncio"):
                    internal.add((pid, args.get("task", "")))
            elif event.get("name") == TASK_ENDED:
                ended[pid, args.get("task", "")] = (when, args.get("outcome", "done"),
                                                    args.get("error", ""))
            elif event.get("name") == UVLOOP_REPLACED:
                uvloop_replaced = True
    if not calls:
        return Trace([], [], 0.0, 0.0, uvloop_replaced, overflowed)
    main_pid = min(calls, key=lambda key: min(call[0] for call in calls[key]))[0]
    task_names = {name for pid, name in created if pid == main_pid}

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
            lane = _task_lane(pid, name, track, created.get((pid, name)), ended.get((pid, name)))
            if lane.coroutine in ASYNCIO_INTERNALS or (pid, name) in internal:
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
        name = process_names.get(pid, "process")
        process_lanes.append(_process_lane(pid, name, [c for track in tracks for c in track]))
    task_lanes.sort(key=lambda lane: lane.alive[0])
    thread_lanes.sort(key=lambda lane: lane.alive[0])
    process_lanes.sort(key=lambda lane: lane.alive[0])
    lanes = loop_lanes + task_lanes + thread_lanes + process_lanes
    start = min(lane.alive[0] for lane in lanes)
    end = max(lane.alive[1] for lane in lanes)
    for lane in lanes:
        _shift(lane, start)
    slow = [Stretch(s.start - start, s.end - start, s.lane)
            for s in sorted(slow, key=lambda s: s.start)]
    return Trace(lanes, slow, 0.0, end - start, uvloop_replaced, overflowed)


def _shift(lane: Lane, origin: float) -> None:
    lane.alive = (lane.alive[0] - origin, lane.alive[1] - origin)
    lane.runs = [(start - origin, end - origin) for start, end in lane.runs]
    lane.marks = [(when - origin, what) for when, what in lane.marks]


def _function(call_name: str) -> str:
    match = FUNCTION.match(call_name)
    return match["name"] if match else call_name


def _top_level(track: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """The calls on a track that no other call on it encloses, in time order."""
    top, reach = [], float("-inf")
    for start, end, name in sorted(track, key=lambda call: (call[0], -call[1])):
        if start >= reach:
            top.append((start, end, name))
            reach = end
        elif end > reach:  # overlaps without nesting (clock rounding): extend
            top[-1] = (top[-1][0], end, top[-1][2])
            reach = end
    return top


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _minus(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result, holes = [], _union(holes)
    for start, end in _union(intervals):
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


def _task_lane(pid: int, name: str, track, created, ended) -> Lane:
    steps = [(start, end) for start, end, _name in _top_level(track)]
    coroutine = created[1] if created else (_function(_top_level(track)[0][2]) if track else "")
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
    busy = [(start, end) for start, end, _name in _top_level(track)]
    waits = [(start, end) for start, end, name in track if WAITING.match(_function(name))]
    return _minus(busy, waits)


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


COLOURS = {"loop": "#8c8c8c", "task": "#3b75af", "thread": "#519e3e", "process": "#ef8636"}
SLOW_COLOUR = "#d62728"
MARKS = {"created": (">", "#2ca02c"), "done": ("o", "#222222"), "cancelled": ("x", "#ff7f0e"),
         "raised": ("X", SLOW_COLOUR)}


def draw(trace: Trace, path: Path | str, title: str = "", max_lanes: int = MAX_LANES) -> Path:
    """Draw the trace's lanes as a PNG timeline: bars where each ran, a thin line while it
    waited, marks where tasks were created and ended, the slow steps in red."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lanes = trace.lanes[:max_lanes]
    hidden = len(trace.lanes) - len(lanes)
    top, bottom = 0.35, 0.85 + (0.2 if hidden else 0)  # inches: the title; ticks and legend
    height = top + bottom + 0.26 * max(len(lanes), 1) + 0.2
    figure = Figure(figsize=(9, height), dpi=80)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    span = max(trace.seconds, 1e-3)
    for row, lane in enumerate(lanes):
        y = len(lanes) - 1 - row
        axes.hlines(y, *lane.alive, color="#c8c8c8", linewidth=1, zorder=1)
        normal = [(s, e - s) for s, e in lane.runs
                  if not (lane.kind == "task" and e - s > SLOW_STEP)]
        slow = [(s, e - s) for s, e in lane.runs if lane.kind == "task" and e - s > SLOW_STEP]
        minimum = span / 400  # the shortest step still shows, as a tick
        axes.broken_barh([(s, max(w, minimum)) for s, w in normal], (y - 0.3, 0.6),
                         facecolors=COLOURS[lane.kind], zorder=2)
        if slow:
            axes.broken_barh(slow, (y - 0.3, 0.6), facecolors=SLOW_COLOUR, zorder=2)
        for when, what in lane.marks:
            marker, colour = MARKS[what.split()[0]]
            axes.plot(when, y, marker=marker, color=colour, markersize=5, zorder=3,
                      linestyle="none")
    for stretch in trace.slow:
        axes.axvspan(stretch.start, stretch.end, color=SLOW_COLOUR, alpha=0.08, zorder=0)
    axes.set_yticks(range(len(lanes)))
    axes.set_yticklabels([_short(lane.label) for lane in reversed(lanes)], fontsize=8)
    axes.set_ylim(-0.7, max(len(lanes), 1) - 0.3)
    axes.set_xlim(-span * 0.01, span * 1.01)
    axes.set_xlabel("seconds", fontsize=8)
    axes.tick_params(axis="x", labelsize=8)
    axes.grid(axis="x", color="#eeeeee", zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if title:
        axes.set_title(title, fontsize=9, loc="left")
    legend = [Patch(color=COLOURS[kind], label=kind) for kind in COLOURS
              if any(lane.kind == kind for lane in lanes)]
    if trace.slow:
        legend.append(Patch(color=SLOW_COLOUR, label=f"held the loop > {SLOW_STEP * 1000:g} ms"))
    kinds = {what.split()[0] for lane in lanes for _when, what in lane.marks}
    legend += [Line2D([], [], marker=MARKS[what][0], color=MARKS[what][1], linestyle="none",
                      markersize=5, label=what) for what in MARKS if what in kinds]
    figure.subplots_adjust(left=2.5 / 9, right=0.98, top=1 - top / height,
                           bottom=bottom / height)
    if legend:
        figure.legend(handles=legend, fontsize=7, loc="lower center", ncol=len(legend),
                      bbox_to_anchor=(0.5 + 1.2 / 9, (0.02 + (0.2 if hidden else 0)) / height),
                      frameon=False)
    if hidden:
        figure.text(0.01, 0.04 / height, f"… and {hidden} more lanes (all are in the trace file)",
                    fontsize=7, color="#555555")
    path = Path(path)
    figure.savefig(path, dpi=80)
    return path


def _short(label: str, width: int = 42) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"

"""A VizTracer trace's events read into tables (for util.tools.timeline): each track's calls,
the names of processes and threads, and the marks util.tools.trace_target logged."""
from __future__ import annotations

from dataclasses import dataclass, field

from util.tools.intervals import Call
from util.tools.trace_target import TASK_CREATED, TASK_ENDED, UVLOOP_REPLACED

Track = tuple[int, int]  # (pid, tid): a thread's, or the tracer's track of a task
TaskKey = tuple[int, str]  # (pid, the task's name)


@dataclass
class Events:
    calls: dict[Track, list[Call]] = field(default_factory=dict)  # in seconds
    process_names: dict[int, str] = field(default_factory=dict)
    thread_names: dict[Track, str] = field(default_factory=dict)
    created: dict[TaskKey, tuple[float, str]] = field(default_factory=dict)  # (when, coroutine)
    ended: dict[TaskKey, tuple[float, str, str]] = field(default_factory=dict)  # (when, how, error)
    internal: set[TaskKey] = field(default_factory=set)  # tasks running asyncio's own coroutines
    uvloop_replaced: bool = False


def parse(events: list[dict]) -> Events:
    found = Events()
    for event in events:
        phase, pid, tid = event.get("ph"), event.get("pid"), event.get("tid")
        if phase == "M":
            name = (event.get("args") or {}).get("name", "")
            if event.get("name") == "process_name":
                found.process_names[pid] = name
            elif event.get("name") == "thread_name":
                found.thread_names[pid, tid] = name
        elif phase == "X":
            start = event["ts"] / 1e6
            found.calls.setdefault((pid, tid), []).append(
                (start, start + event.get("dur", 0) / 1e6, event.get("name", "")))
        elif phase in ("i", "I"):
            args, when = event.get("args") or {}, event["ts"] / 1e6
            if event.get("name") == TASK_CREATED:
                found.created[pid, args.get("task", "")] = (when, args.get("coro", ""))
                if args.get("asyncio"):
                    found.internal.add((pid, args.get("task", "")))
            elif event.get("name") == TASK_ENDED:
                found.ended[pid, args.get("task", "")] = (when, args.get("outcome", "done"),
                                                          args.get("error", ""))
            elif event.get("name") == UVLOOP_REPLACED:
                found.uvloop_replaced = True
    return found

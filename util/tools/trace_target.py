"""Inside a traced run: mark each task's life in the trace, then run the listing as `__main__`.

`python -m viztracer --log_async … -m util.tools.trace_target chapter_NN.listing_N_M ARGS` is
what `util trace` (util.tools.trace) starts. Before the listing runs, this module

- wraps the default loop's `create_task`, so every task logs an instant event when it is
  created (with its coroutine, and whether that is asyncio's own) and one when it ends
  (`done`, `cancelled` or `raised`, with the exception's type); VizTracer itself puts each
  task's steps on a track of its own;
- lets Ctrl-C (SIGINT) raise KeyboardInterrupt even if it was ignored when Python started (a
  background job), as util trace's bound sends it;
- makes `uvloop` the default loop (uvloop's loop is C code the tracer cannot see into): its
  `install`, `run`, `new_event_loop` and (up to Python 3.15, built when asked for, as uvloop
  does) `EventLoopPolicy` give asyncio's own, and the event `uvloop replaced` says so.

Once the listing is over it ignores Ctrl-C (VizTracer is saving) and creates the file that the
variable UTIL_TRACE_FINISHED names, so `util trace` no longer stops it at its bound.
"""
from __future__ import annotations

import asyncio
import os
import runpy
import signal
import sys
import types
from pathlib import Path

TASK_CREATED = "task created"
TASK_ENDED = "task ended"
UVLOOP_REPLACED = "uvloop replaced"
ASYNCIO_FOLDER = Path(asyncio.__file__).parent
FINISHED = "UTIL_TRACE_FINISHED"  # a file to create once the listing is over (util trace waits)


def _tracer():
    try:
        from viztracer import get_tracer
    except ImportError:  # pragma: no cover - viztracer is a dependency
        return None
    return get_tracer()


def _log(name: str, args: dict) -> None:
    tracer = _tracer()
    if tracer is not None:
        tracer.log_instant(name, args=args, scope="p")


def _coroutine_name(coro) -> str:
    return getattr(coro, "__qualname__", None) or type(coro).__name__


def _in_asyncio(coro) -> bool:
    """A coroutine of asyncio's own (a subprocess's pipe readers, shutdown_asyncgens)."""
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    return code is not None and Path(code.co_filename).parent == ASYNCIO_FOLDER


def _ended(task: asyncio.Task) -> None:
    if task.cancelled():
        outcome, error = "cancelled", ""
    elif task.exception() is not None:
        outcome, error = "raised", type(task.exception()).__name__
    else:
        outcome, error = "done", ""
    _log(TASK_ENDED, {"task": task.get_name(), "outcome": outcome, "error": error})


def mark_tasks() -> None:
    """Log every task's creation and end, whatever creates it (asyncio.run, create_task,
    gather, TaskGroup): they all go through the loop's create_task."""
    from asyncio import base_events

    original = base_events.BaseEventLoop.create_task

    def create_task(self, coro, *args, **kwargs):
        task = original(self, coro, *args, **kwargs)
        _log(TASK_CREATED, {"task": task.get_name(), "coro": _coroutine_name(coro),
                            "asyncio": _in_asyncio(coro)})
        task.add_done_callback(_ended)
        return task

    base_events.BaseEventLoop.create_task = create_task


def replace_uvloop() -> None:
    """A stand-in `uvloop` module that gives asyncio's default loop."""
    def note():
        _log(UVLOOP_REPLACED, {})

    def install():
        note()

    def new_event_loop():
        note()
        return asyncio.new_event_loop()

    def run(main, *, loop_factory=None, debug=None, **_kwargs):
        note()
        return asyncio.run(main, debug=debug)

    def deprecated(name: str):
        """uvloop's EventLoopPolicy, built only when a listing asks for it (as uvloop does):
        asyncio's DefaultEventLoopPolicy it stands on is deprecated from Python 3.14."""
        if name != "EventLoopPolicy" or sys.version_info >= (3, 16):
            raise AttributeError(f"module 'uvloop' has no attribute {name!r}")

        class EventLoopPolicy(asyncio.DefaultEventLoopPolicy):
            def __init__(self):
                note()
                super().__init__()

        return EventLoopPolicy

    stand_in = types.ModuleType("uvloop")
    stand_in.__doc__ = "util trace's stand-in: asyncio's default loop, which the tracer sees"
    stand_in.install, stand_in.run, stand_in.new_event_loop = install, run, new_event_loop
    stand_in.__getattr__ = deprecated
    stand_in.Loop = asyncio.SelectorEventLoop
    sys.modules["uvloop"] = stand_in


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m util.tools.trace_target MODULE [ARGS...]")
    module, args = sys.argv[1], sys.argv[2:]
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # inherited (a background job):
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C must stop it
    mark_tasks()
    replace_uvloop()
    sys.argv = [module, *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except KeyboardInterrupt:  # Ctrl-C, or util trace's bound: the trace is saved on the way out
        raise SystemExit(130) from None
    finally:  # VizTracer saves next: a Ctrl-C now would leave half a file
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if finished := os.environ.get(FINISHED):
            Path(finished).touch()


if __name__ == "__main__":
    main()

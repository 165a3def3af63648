"""The companions (`listing_N_M_<feature>.py`, today's asyncio beside the book's): the one place
that says what each needs.

Per companion id, `python` is the oldest Python it runs on and `feature` what that version
brought, named when an older Python is refused; `since` is what the README table "What changed
since the book" shows in its since column and what the docstring's `Since:` line starts with
(by default the `python` version; a library's version, or "—" for a design with nothing new).
The README table, the docstrings and the guards are checked against this table by
tests/test_todays_asyncio.py. A new companion needs its module, one entry here and one README
row; its `if __name__ == "__main__":` block starts with `refuse_older_python("N.M_feature")`.
"""
from __future__ import annotations

import sys
from collections import namedtuple  # not dataclasses: a companion starts faster without them


class Companion(namedtuple("Companion", "python feature since", defaults=(None,))):
    """The oldest Python a companion runs on, the feature it needs from it, and the README's
    since text when that is not simply the version."""
    __slots__ = ()

    @property
    def since_text(self) -> str:
        """The README's since column: "3.12", "3.12 (honoured from 3.13)", "Django 4.1", "—"."""
        return self.since or ".".join(map(str, self.python))


COMPANIONS = {
    "2.8_eager": Companion((3, 12), "asyncio.eager_task_factory"),
    "2.8_eager_start": Companion((3, 14), "create_task's eager_start argument"),
    "2.9_eager": Companion((3, 12), "asyncio.eager_task_factory"),
    "2.12_timeout": Companion((3, 11), "asyncio.timeout"),
    "2.13_timeout_at": Companion((3, 11), "asyncio.timeout_at"),
    "2.21_runner": Companion((3, 11), "asyncio.Runner"),
    "3.9_runner": Companion((3, 11), "asyncio.run's Ctrl-C handling"),
    "3.10_close_clients": Companion((3, 13), "Server.close_clients", since="3.11, 3.13"),
    "4.6_taskgroup": Companion((3, 11), "asyncio.TaskGroup"),
    "4.7_call_graph": Companion((3, 14), "asyncio.capture_call_graph"),
    "4.8_as_completed": Companion((3, 13), "async iteration over asyncio.as_completed"),
    "4.11_exceptiongroup": Companion((3, 11), "ExceptionGroup and except*"),
    "4.12_taskgroup": Companion((3, 11), "asyncio.TaskGroup"),
    "4.13_taskgroup_cancel": Companion((3, 15), "asyncio.TaskGroup.cancel"),
    "5.7_taskgroup": Companion((3, 11), "asyncio.TaskGroup"),
    "6.4_terminate_workers": Companion((3, 14), "ProcessPoolExecutor.terminate_workers"),
    "6.5_max_tasks_per_child": Companion((3, 11), "max_tasks_per_child"),
    "6.5_interpreter_pool": Companion((3, 14), "concurrent.futures.InterpreterPoolExecutor"),
    "6.10_start_method": Companion((3, 11), "the oldest Python this project supports",
                                   since="3.4, 3.14"),
    "7.5_to_thread": Companion((3, 9), "asyncio.to_thread"),
    "7.6_shutdown_default_executor": Companion(
        (3, 13), "a shutdown_default_executor timeout that is honoured",
        since="3.12 (honoured from 3.13)"),
    "8.13_bounded_queue": Companion((3, 11), "asyncio.timeout", since="—"),
    "9.2_appkey": Companion((3, 11), "aiohttp's web.AppKey", since="aiohttp 3.9"),
    "9.11_async_orm": Companion((3, 11), "Django's async ORM", since="Django 4.1"),
    "11.10_barrier": Companion((3, 11), "asyncio.Barrier"),
    "12.1_queue_shutdown": Companion((3, 13), "asyncio.Queue.shutdown"),
    "12.2_pstree": Companion((3, 14), "python -m asyncio ps and pstree"),
    "12.2_taskgroup": Companion((3, 11), "asyncio.TaskGroup"),
    "13.8_taskgroup": Companion((3, 11), "asyncio.TaskGroup"),
    "14.1_markcoroutinefunction": Companion((3, 12), "inspect.markcoroutinefunction"),
    "14.2_context": Companion((3, 11), "create_task's context argument"),
    "14.4_loop_factory": Companion((3, 12), "asyncio.run's loop_factory"),
}


def refusal(companion_id: str, version_info: tuple = sys.version_info) -> str | None:
    """The one line refusing this Python, or None when it is new enough."""
    companion = COMPANIONS[companion_id]
    if version_info >= companion.python:
        return None
    needed = ".".join(map(str, companion.python))
    running = ".".join(map(str, version_info[:3]))
    return (f"Listing {companion_id} needs Python {needed} or later ({companion.feature}); "
            f"this is Python {running}.")


def refuse_older_python(companion_id: str) -> None:
    """Exit with the one-line refusal and code 1 on a Python older than the companion needs."""
    message = refusal(companion_id, sys.version_info)
    if message:
        sys.exit(message)  # a str: printed to stderr, exit code 1, no traceback

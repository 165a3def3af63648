"""The companions (`listing_N_M_<feature>.py`, today's asyncio beside the book's): what each
needs, read from companions.json beside this module, the one place that says it.

Per companion id, `python` is the oldest Python it runs on and `feature` what that version
brought, named when an older Python is refused; `since` is what the README table "What changed
since the book" shows in its since column and what the docstring's `Since:` line starts with
(by default the `python` version; a library's version, or "—" for a design with nothing new).
The README table, the docstrings and the guards are checked against this table by
tests/test_todays_asyncio.py. A new companion needs its module, one row in companions.json and
one README row; its `if __name__ == "__main__":` block starts with
`refuse_older_python("N.M_feature")`.
"""
from __future__ import annotations

import json
import sys
from collections import namedtuple  # not dataclasses: a companion starts faster without them
from pathlib import Path


class Companion(namedtuple("Companion", "python feature since", defaults=(None,))):
    """The oldest Python a companion runs on, the feature it needs from it, and the README's
    since text when that is not simply the version."""
    __slots__ = ()

    @property
    def since_text(self) -> str:
        """The README's since column: "3.12", "3.12 (honoured from 3.13)", "Django 4.1", "—"."""
        return self.since or ".".join(map(str, self.python))


def _load(path: Path) -> dict[str, Companion]:
    """companions.json's rows as Companions, the version "3.12" as (3, 12)."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {companion_id: Companion(tuple(map(int, row["python"].split("."))), row["feature"],
                                    row.get("since"))
            for companion_id, row in rows.items()}


COMPANIONS = _load(Path(__file__).with_name("companions.json"))


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

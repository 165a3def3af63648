"""What Python prints when a second Ctrl-C interrupts its wait, at exit, for threads that are
not daemons (threading._shutdown): chapter 7's 7.1, 7.9 and 7.11. Measured on each Python:

- 3.11, 3.12: "Exception ignored in: <module 'threading' from '...'>", a traceback ending in
  `lock.acquire()` in _shutdown, then "KeyboardInterrupt: ";
- 3.13: no "Exception ignored" line, only that traceback (`_thread_shutdown()` in _shutdown);
- 3.14: "Exception ignored while joining a thread in _thread._shutdown():" and the traceback;
- 3.15: "Exception ignored on threading shutdown:" and the traceback.
"""
from __future__ import annotations

import sys

VERSION = sys.version_info[:2]
SHUTDOWN_INTERRUPTED = {
    (3, 11): "Exception ignored in: <module 'threading' from ",
    (3, 12): "Exception ignored in: <module 'threading' from ",
    (3, 13): None,
    (3, 14): "Exception ignored while joining a thread in _thread._shutdown():",
}.get(VERSION, "Exception ignored on threading shutdown:")


def assert_shutdown_interrupted(output: str) -> None:
    """`output` (stderr, or a terminal's text) ends with this Python's report of a Ctrl-C that
    interrupted threading._shutdown."""
    lines = [line.removeprefix("^C")  # a terminal echoes the Ctrl-C before the text
             for line in output.replace("\r\n", "\n").rstrip().splitlines()]
    assert lines and lines[-1].rstrip() in ("KeyboardInterrupt", "KeyboardInterrupt:"), output
    shutdown = [number for number, line in enumerate(lines)
                if line.endswith(", in _shutdown") and "threading.py" in line]
    assert len(shutdown) == 1, output
    header = lines[shutdown[0] - 2] if shutdown[0] >= 2 else ""
    assert lines[shutdown[0] - 1] == "Traceback (most recent call last):", output
    if SHUTDOWN_INTERRUPTED is None:
        assert "Exception ignored" not in output, output
    else:
        assert header.startswith(SHUTDOWN_INTERRUPTED), output

"""util.async_timed's output, with the parts that change from run to run taken out."""
from __future__ import annotations

import re

ASYNC_TIMED_START = re.compile(
    r"starting <function (\w+) at 0x[0-9a-fA-F]+> with args (\(.*\)) (\{.*\})")
ASYNC_TIMED_FINISH = re.compile(
    r"finished <function (\w+) at 0x[0-9a-fA-F]+> in (\d+\.\d{4}) second\(s\)")


def async_timed_shape(lines: list[str]) -> tuple[list[str], list[float]]:
    """util.async_timed's lines with addresses and times taken out ("starting delay (2,) {}",
    "finished delay"), other lines as they are; and the reported times, in order."""
    shape, seconds = [], []
    for line in lines:
        if match := ASYNC_TIMED_START.fullmatch(line):
            shape.append(f"starting {match[1]} {match[2]} {match[3]}")
        elif match := ASYNC_TIMED_FINISH.fullmatch(line):
            shape.append(f"finished {match[1]}")
            seconds.append(float(match[2]))
        else:
            shape.append(line)
    return shape, seconds


def main_seconds(lines: list[str]) -> float:
    """main's own time, from its one async_timed "finished" line (start-up time excluded)."""
    found = [float(match[2]) for line in lines
             if (match := ASYNC_TIMED_FINISH.fullmatch(line)) and match[1] == "main"]
    assert len(found) == 1, lines
    return found[0]

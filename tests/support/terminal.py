"""Programs in a real pseudo-terminal, as a reader runs them, and the screen a reader sees.

`Terminal("8.10", rows=12, cols=80)` runs a listing in a pty (pexpect) without
PYTHONUNBUFFERED, as from a shell; what it writes is fed to `Screen`, a small VT100 interpreter
for exactly the sequences the book's terminal programs use (it fails on any other, so a test
notices output it does not understand), so tests assert what the reader sees row by row.
"""
from __future__ import annotations

import codecs
import re
import sys
import time
from collections.abc import Callable

import pexpect

from tests.support.processes import REPO, listing_env, module_name
from util.tools.processes import Timeout, wait_until

ESC = "\x1b"


class Screen:
    """The rows x cols screen a terminal shows after the bytes fed so far."""

    SEQUENCE = re.compile(r"\x1b(?:\[(?P<params>[0-9;?]*)(?P<final>[A-Za-z@])|(?P<dec>[78]))")

    def __init__(self, rows: int, cols: int):
        self.rows, self.cols = rows, cols
        self.cells = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self.saved = (0, 0)
        self.pending = ""

    def line(self, number: int) -> str:
        """Row `number` (1-based, as the terminal counts), trailing blanks removed."""
        return "".join(self.cells[number - 1]).rstrip()

    def lines(self) -> list[str]:
        return [self.line(number) for number in range(1, self.rows + 1)]

    def __str__(self) -> str:
        return "\n".join(f"{number:2d}|{text}" for number, text in enumerate(self.lines(), 1))

    def feed(self, text: str) -> None:
        text, self.pending = self.pending + text, ""
        index = 0
        while index < len(text):
            char = text[index]
            if char == ESC:
                match = self.SEQUENCE.match(text, index)
                if match is None:
                    rest = text[index:]
                    if len(rest) < 16 and re.fullmatch(r"\x1b(\[[0-9;?]*)?", rest):
                        self.pending = rest  # the rest of the sequence is still on its way
                        return
                    raise AssertionError(f"unexpected escape sequence {rest[:12]!r}")
                self._sequence(match)
                index = match.end()
                continue
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self._line_feed()
            elif char == "\b":
                self.col = max(self.col - 1, 0)
            elif char == "\x07":
                pass
            elif char < " ":
                raise AssertionError(f"unexpected control character {char!r}")
            else:
                if self.col >= self.cols:  # autowrap
                    self.col = 0
                    self._line_feed()
                self.cells[self.row][self.col] = char
                self.col += 1
            index += 1

    def _line_feed(self) -> None:
        if self.row == self.rows - 1:
            self.cells.pop(0)
            self.cells.append([" "] * self.cols)
        else:
            self.row += 1

    def _sequence(self, match: re.Match) -> None:
        if match["dec"]:
            if match["dec"] == "7":
                self.saved = (self.row, self.col)
            else:
                self.row, self.col = self.saved
            return
        params, final = match["params"], match["final"]
        if params.startswith("?") or final == "m":
            return  # private modes and colours do not change the text
        numbers = [int(p) if p else 0 for p in params.split(";")] if params else []
        first = numbers[0] if numbers else 0
        count = max(first, 1)
        if final in "Hf":
            row, col = [*numbers, 0, 0][:2]
            self.row = min(max(row, 1), self.rows) - 1
            self.col = min(max(col, 1), self.cols) - 1
        elif final == "J":
            if first == 2:
                self.cells = [[" "] * self.cols for _ in range(self.rows)]
            elif first == 0:
                self.cells[self.row][self.col:] = [" "] * (self.cols - self.col)
                for row in range(self.row + 1, self.rows):
                    self.cells[row] = [" "] * self.cols
            elif first != 3:  # 3 only clears the scrollback
                raise AssertionError(f"unexpected CSI {params}J")
        elif final == "K":
            if first == 2:
                self.cells[self.row] = [" "] * self.cols
            elif first == 0:
                self.cells[self.row][self.col:] = [" "] * (self.cols - self.col)
            else:
                self.cells[self.row][:self.col + 1] = [" "] * (self.col + 1)
        elif final == "G":
            self.col = min(count, self.cols) - 1
        elif final == "E":
            self.row, self.col = min(self.row + count, self.rows - 1), 0
        elif final == "D":
            self.col = max(self.col - count, 0)
        elif final == "C":
            self.col = min(self.col + count, self.cols - 1)
        elif final == "A":
            self.row = max(self.row - count, 0)
        elif final == "B":
            self.row = min(self.row + count, self.rows - 1)
        else:
            raise AssertionError(f"unexpected escape sequence CSI {params}{final}")


class Terminal:
    """A listing running in a pseudo-terminal of rows x cols, as a reader runs it; `args`
    replaces `-m <the listing's module>` on the command line (e.g. `-m util run 8.14`)."""

    def __init__(self, listing: str, rows: int, cols: int, env: dict[str, str] | None = None,
                 args: tuple[str, ...] | None = None):
        environment = listing_env(env)
        for name in ("PYTHONUNBUFFERED", "LINES", "COLUMNS"):
            environment.pop(name, None)
        environment["TERM"] = "xterm"
        command = args if args is not None else ("-m", module_name(listing))
        self.started = time.monotonic()
        self.child = pexpect.spawn(sys.executable, list(command), env=environment, cwd=str(REPO),
                                   dimensions=(rows, cols))
        self.screen = Screen(rows, cols)
        self.raw = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.ended = False

    def pump(self, timeout: float = 0.05) -> None:
        """Feed whatever the program wrote (waiting at most `timeout` for it) to the screen."""
        if self.ended:
            time.sleep(timeout)
            return
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            self.ended = True
            return
        text = self._decoder.decode(data)
        self.raw += text
        self.screen.feed(text)

    def _pump_until(self, done: Callable[[], bool], what: str, timeout: float,
                    pump_timeout: float = 0.05) -> None:
        """Pump until `done()`; fails after `timeout`, showing the screen."""
        def pumped() -> bool:
            if done():
                return True
            self.pump(pump_timeout)
            return False

        try:
            wait_until(pumped, timeout, what, interval=0)
        except Timeout:
            raise AssertionError(f"{what}: not after {timeout} s\n{self.screen}\n"
                                 f"--- raw output\n{self.raw[-3000:]!r}") from None

    def wait_for(self, condition: Callable[[Screen], bool], what: str,
                 timeout: float = 15) -> float:
        """Pump until `condition(screen)` holds; returns when, in seconds since the start."""
        self._pump_until(lambda: condition(self.screen), f"{what} on screen", timeout)
        return time.monotonic() - self.started

    def wait_for_row(self, number: int, text: str, timeout: float = 15) -> float:
        return self.wait_for(lambda screen: screen.line(number) == text,
                             f"row {number} == {text!r}", timeout)

    def wait_for_raw(self, text: str, timeout: float = 15) -> float:
        return self.wait_for(lambda screen: text in self.raw, f"output {text!r}", timeout)

    def type(self, keys: str) -> float:
        self.child.send(keys)
        return time.monotonic() - self.started

    def wait_exit(self, timeout: float = 15) -> tuple[int | None, int | None]:
        """Pump until the program ends; its (exit status, signal)."""
        self._pump_until(lambda: self.ended, "the program's exit", timeout, pump_timeout=0.1)
        self.child.wait()
        return self.child.exitstatus, self.child.signalstatus

    def close(self) -> None:
        if self.child.isalive():
            self.child.close(force=True)
        else:
            self.child.close()

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

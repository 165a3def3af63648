"""An X display of the tests' own, and what a user does on it.

`start_xvfb()` starts an Xvfb server (skipping the test where Xvfb or xdotool is missing) and
yields an `XDisplay`: xdotool clicks and typing, and the window manager's close button as an X11
ClientMessage sent through ctypes. `TkProbe` reads a running Tk program's widgets with Tk's
`send`; `pump_tk_until` runs an in-process Tk app's events until a condition holds.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import tkinter
from collections.abc import Callable, Iterator

import pytest

from util.tools.processes import stop_process, wait_until


class XClientMessageEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5)]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]


class XDisplay:
    """An Xvfb server and what a user does on it (xdotool), plus Tk's `send` to read widgets."""

    def __init__(self, name: str, process: subprocess.Popen):
        self.name = name
        self.process = process
        self.env = {"DISPLAY": name}

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(["xdotool", *args], env=os.environ | self.env,
                                capture_output=True, text=True, timeout=10)
        return result.stdout.strip() if result.returncode == 0 else ""

    def find_window(self, name: str, timeout: float = 20) -> int:
        found = wait_until(lambda: self.xdotool("search", "--onlyvisible", "--name", f"^{name}$"),
                           timeout, f"a window named {name!r}")
        return int(found.split()[0])

    def geometry(self, window: int) -> tuple[int, int]:
        out = self.xdotool("getwindowgeometry", str(window))
        width, height = re.search(r"Geometry: (\d+)x(\d+)", out).groups()
        return int(width), int(height)

    def click(self, window: int, x: int, y: int) -> None:
        self.xdotool("mousemove", "--window", str(window), str(x), str(y), "click", "1")

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "20", text)

    def close(self, window: int) -> None:
        """What the window's close button does: send it WM_DELETE_WINDOW."""
        xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XInternAtom.restype = ctypes.c_ulong
        xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        xlib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
                                    ctypes.c_long, ctypes.c_void_p]
        xlib.XFlush.argtypes = xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        display = xlib.XOpenDisplay(self.name.encode())
        assert display, f"cannot open display {self.name}"
        try:
            event = XEvent()
            event.xclient.type = 33  # ClientMessage
            event.xclient.window = window
            event.xclient.message_type = xlib.XInternAtom(display, b"WM_PROTOCOLS", 0)
            event.xclient.format = 32
            event.xclient.data[0] = xlib.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
            xlib.XSendEvent(display, window, 0, 0, ctypes.byref(event))
            xlib.XFlush(display)
        finally:
            xlib.XCloseDisplay(display)


@contextlib.contextmanager
def start_xvfb() -> Iterator[XDisplay]:
    """An Xvfb server on a display number it picks itself, stopped afterwards."""
    missing = [tool for tool in ("Xvfb", "xdotool") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not found: apt-get install xvfb xdotool")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        number = b""
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not report its display"
        yield XDisplay(f":{number.decode()}", process)
    finally:
        stop_process(process)


class TkProbe:
    """Reads a running Tk program's widgets through Tk's `send` (X11 inter-application
    messages), as `wish` users do: what the user would see, without screen scraping."""

    def __init__(self, display: str):
        self.tk = tkinter.Tk(screenName=display)
        self.tk.withdraw()
        self.name = self.tk.tk.call("tk", "appname", f"ch07-probe-{os.getpid()}")

    def app(self, timeout: float = 20) -> str:
        def other():
            names = [name for name in self.tk.tk.splitlist(self.tk.tk.call("winfo", "interps"))
                     if name != self.name]
            return names[0] if names else None
        return wait_until(other, timeout, "a Tk application on the display")

    def send(self, app: str, *command: str) -> str:
        return str(self.tk.tk.call("send", app, *command))

    def close(self) -> None:
        self.tk.destroy()


def pump_tk_until(app: tkinter.Tk, condition: Callable[[], object], timeout: float,
                  message: str) -> None:
    """Run `app`'s pending Tk events until `condition()` holds; fail after `timeout` s."""
    def pumped() -> object:
        if result := condition():
            return result
        app.update()
        return False

    wait_until(pumped, timeout, message, interval=0.005)

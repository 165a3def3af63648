"""What the reader brings to a listing run, checked before util starts anything: the listing's
own port free, a terminal for one that reads keys (`Needs: tty`), a display for one that opens
a window (`Needs: display`). A missing one is one clear line (ReaderError)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from util import settings
from util.tools.errors import ReaderError
from util.tools.listing_index import Need
from util.tools.processes import port_open

NEEDS = {"tty", "display"}  # needs the reader brings: checked here, not started


def check(needs: tuple[Need, ...], listens: str | None, listing_id: str) -> None:
    """The listing's own port (`listens`, a util.settings variable) free, a terminal, a
    display: one clear line if one is missing."""
    if listens is not None:
        port = getattr(settings, listens)
        if port_open(settings.SERVER_HOST, port):
            raise ReaderError(f"port {port} ({listens}) is in use by another program: "
                              f"set {listens} to a free port")
    kinds = {need.kind for need in needs}
    if "tty" in kinds and not _stdin_is_a_terminal():
        raise ReaderError(f"listing {listing_id} reads the keys you type: run it in a "
                          f"terminal, with nothing piped or redirected into it")
    if "display" in kinds and (missing := display_missing()):
        raise ReaderError(f"listing {listing_id} opens a window, but {missing}: run it "
                          f"in a desktop session, or in a virtual display with `xvfb-run -a "
                          f"uv run python -m util run {listing_id}`")


def _stdin_is_a_terminal() -> bool:
    try:
        return os.isatty(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def display_missing() -> str | None:
    """Why Tk could not open a window here (None if it can): on X11 systems DISPLAY must name
    an X server that answers; macOS and Windows have their own display."""
    if sys.platform in ("darwin", "win32"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "DISPLAY is not set"
    import shutil

    if shutil.which("xdpyinfo"):
        try:
            answered = subprocess.run(["xdpyinfo"], stdin=subprocess.DEVNULL,
                                      capture_output=True, timeout=5).returncode == 0
        except subprocess.TimeoutExpired:
            answered = False
    else:
        answered = _x_server_answers(display)
    return None if answered else f"the X server of DISPLAY={display} does not answer"


def _x_server_answers(display: str) -> bool:
    """Connect to the X server's socket ("[host]:N[.screen]": a local socket, or TCP 6000+N)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host and host != "unix":
        return port_open(host, 6000 + int(number))
    for address in (f"/tmp/.X11-unix/X{number}", f"\0/tmp/.X11-unix/X{number}"):
        with socket.socket(socket.AF_UNIX) as probe:
            probe.settimeout(2)
            try:
                probe.connect(address)
                return True
            except OSError:
                continue
    return False

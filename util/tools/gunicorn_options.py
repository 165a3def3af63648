"""gunicorn options the project's own gunicorn commands share."""
from __future__ import annotations

import re
from importlib import metadata


def no_control_socket() -> list[str]:
    """gunicorn 25.1+ opens a control socket for gunicornc, without XDG_RUNTIME_DIR in
    ~/.gunicorn/, which it leaves behind: the project's servers need none (older gunicorns
    have none, nor the option)."""
    version = tuple(int(part) for part in re.findall(r"\d+", metadata.version("gunicorn"))[:2])
    return ["--no-control-socket"] if version >= (25, 1) else []

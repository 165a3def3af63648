"""The machine a report was measured on: CPU, cores, memory, load, Python and library versions."""
from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata

LIBRARIES = ("aiohttp", "asyncpg", "uvloop", "requests", "numpy", "flask", "gunicorn",
             "starlette", "uvicorn", "django", "psycopg2-binary", "matplotlib", "tqdm")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def memory_bytes() -> int | None:
    try:
        import psutil

        return psutil.virtual_memory().total
    except Exception:
        return None


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


def versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    text = (result.stdout + result.stderr).strip().splitlines()
    return text[0] if text else "wrk"


def describe() -> dict:
    """The machine now; the caller adds the load at the end and the Postgres version."""
    memory = memory_bytes()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count() or 1,
        "memory": f"{memory / 2**30:.1f} GiB" if memory else "unknown",
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "libraries": versions(),
        "wrk": wrk_version() or "not installed (load from an aiohttp client process)",
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "load_start": load_average(),
    }

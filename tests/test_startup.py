"""`python -m util` imports what its job needs: a listing that needs nothing starts at once."""
import re
import subprocess
import sys

from tests.support import REPO, listing_env

HEAVY = {"asyncio", "asyncpg", "aiohttp", "psutil", "urllib.request", "http", "viztracer",
         "matplotlib",
         "dataclasses", "inspect"}  # not heavy, but 10 ms of a 120 ms budget


def imported_by(*args: str) -> set[str]:
    """The modules `python -m util ARGS` imports in util's own process, each with its
    packages ("urllib.request" gives "urllib" and "urllib.request")."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "util", *args], cwd=REPO,
                            env=listing_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", result.stderr,
                       re.MULTILINE)
    return {".".join(name.split(".")[:depth]) for name in names
            for depth in range(1, name.count(".") + 2)}


def test_running_a_listing_that_needs_nothing_imports_no_driver_server_or_event_loop():
    assert not imported_by("run", "2.1") & HEAVY


def test_listing_imports_nothing_heavy():
    assert not imported_by("list", "2") & HEAVY


def test_the_books_util_api_still_imports_as_the_listings_use_it():
    code = "from util import async_timed, delay; import util; print(util.__all__)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=listing_env(),
                            capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "['async_timed', 'delay']", result.stderr

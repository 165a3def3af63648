"""`python -m util` imports what its job needs: a listing that needs nothing starts at once."""
import re
import subprocess
import sys

from tests.support import REPO, listing_env, ok

HEAVY = {"asyncio", "asyncpg", "aiohttp", "psutil", "urllib.request", "http", "viztracer",
         "matplotlib"}
# not heavy, but a third of the 120 ms that `run N.M` of a listing needing nothing may take:
# dataclasses imports inspect (10 ms); argparse with shutil and gettext 25 ms
SLOW_FOR_RUN = {"dataclasses", "inspect", "argparse"}


def imported_by(*args: str) -> set[str]:
    """The modules `python -m util ARGS` imports in util's own process, each with its
    packages ("urllib.request" gives "urllib" and "urllib.request")."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "util", *args], cwd=REPO,
                            env=listing_env(), capture_output=True, text=True, timeout=60)
    ok(result)
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", result.stderr,
                       re.MULTILINE)
    return {".".join(name.split(".")[:depth]) for name in names
            for depth in range(1, name.count(".") + 2)}


def test_running_a_listing_that_needs_nothing_imports_no_driver_server_or_event_loop():
    assert not imported_by("run", "2.1") & (HEAVY | SLOW_FOR_RUN)


def test_listing_imports_nothing_heavy():
    assert not imported_by("list", "2") & HEAVY


def test_the_books_util_api_still_imports_as_the_listings_use_it():
    code = "from util import async_timed, delay; import util; print(util.__all__)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=listing_env(),
                            capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "['async_timed', 'delay']", result.stderr


def test_run_read_without_the_parser_means_what_the_parser_would_make_of_it():
    from util.tools.cli import build_parser

    for argv in (["run", "2.1"], ["run", "13.7", "10"], ["run", "3.8", "--port", "1", "-x"]):
        options = build_parser().parse_args(argv)
        assert (options.listing, options.args) == (argv[1], argv[2:])

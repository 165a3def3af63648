"""The command line under bad input and faults: a listing or chapter number it cannot use, a
signal while it starts what a listing needs, a port already taken, no display, no terminal.
Each is one line `error: …` and exit 2, or a clean stop that leaves nothing running.

Every test has its own free ports and data folder, as tests/test_cli.py's do.
"""
import signal
from pathlib import Path

import psutil
import pytest

from tests import test_cli
from tests.support import Program, free_port
from tests.test_cli import assert_clean_error, cli
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.processes import port_open

cli_env = test_cli.cli_env  # the CLI tests' fixture: free ports and a data folder of its own

# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("number, message", [
    ("1" * 5000 + ".1", "'11111111111111111111…' is not a listing number: write it like 2.9"),
    ("2." + "9" * 5000, "'2.999999999999999999…' is not a listing number: write it like 2.9"),
])
def test_a_listing_number_of_thousands_of_digits_is_one_clear_line(cli_env, number, message):
    assert_clean_error(cli("run", number, env=cli_env), message)


@pytest.mark.parametrize("chapter, message", [
    ("0", "there is no chapter 0: the chapters here are 1 to 14"),
    ("15", "there is no chapter 15: the chapters here are 1 to 14"),
    ("two", "'two' is not a chapter number: write it like 2"),
    ("7" * 5000, "'77777777777777777777…' is not a chapter number: write it like 2"),
])
def test_list_of_a_chapter_that_does_not_exist_is_one_clear_line(cli_env, chapter, message):
    assert_clean_error(cli("list", chapter, env=cli_env), message)


def test_run_without_a_listing_asks_which_one(cli_env):
    assert_clean_error(cli("run", env=cli_env),
                       "which listing? write it like `python -m util run 2.9`")


# --- signals while util starts what a listing needs ---------------------------------------------

class Watched:
    """util running in the background, and every process it has started, seen so far."""

    def __init__(self, *args: str, env: dict):
        self.program = Program("util", *args, env=env)
        self.seen: dict[int, psutil.Process] = {}

    def look(self) -> list[psutil.Process]:
        try:
            for child in psutil.Process(self.program.process.pid).children(recursive=True):
                self.seen.setdefault(child.pid, child)
        except psutil.Error:
            pass
        return list(self.seen.values())

    def wait_for_child(self, *words: str, timeout: float = 60) -> psutil.Process:
        """The first process started by util whose command line has all `words`."""
        def found():
            for process in self.look():
                try:
                    if all(any(word in part for part in process.cmdline()) for word in words):
                        return process
                except psutil.Error:
                    continue
            return None

        return self.program.wait_for(found, f"a child running {words}", timeout, interval=0.01)

    def left_running(self) -> list[str]:
        left = []
        for process in self.seen.values():
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    left.append(f"{process.pid} {' '.join(process.cmdline())}")
            except psutil.Error:
                continue
        return left


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_while_the_stand_in_starts_stops_it(cli_env, signum):
    watched = Watched("run", "11.7", env=cli_env)
    with watched.program:
        watched.wait_for_child("util.tools.example_site_server")
        watched.program.send_signal(signum)
        result = watched.program.wait(30)
    assert result.returncode in (128 + signum, 130), result
    assert "Traceback" not in result.stderr, result
    assert watched.left_running() == []
    assert not port_open("127.0.0.1", int(cli_env["EXAMPLE_PORT"]))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_chapter_10_services_start_stops_them(make_database, cli_env, signum):
    ports = {name: free_port() for name in ("SERVER_PORT", "INVENTORY_PORT", "FAVORITES_PORT",
                                            "CART_PORT", "SERVICE_PORT")}
    env = cli_env | {name: str(port) for name, port in ports.items()}
    for book in ("products", "cart", "favorites"):
        env |= make_database(book, load=True).env
    watched = Watched("run", "10.8", env=env)
    with watched.program:
        watched.wait_for_child("chapter_10.listing_10_7")
        watched.program.send_signal(signum)
        result = watched.program.wait(60)
    assert result.returncode == 128 + signum, result
    assert "Traceback" not in result.stderr, result
    assert watched.left_running() == []
    for port in ports.values():
        assert not port_open("127.0.0.1", port)


@pytest.mark.parametrize("signum, moment", [
    (signal.SIGTERM, "[util] starting the embedded Postgres"),  # initdb, on a fresh folder
    (signal.SIGHUP, "pg_ctl start"),
    (signal.SIGTERM, "pg_ctl start"),
    (signal.SIGINT, "pg_ctl start"),
])
def test_a_signal_while_the_embedded_postgres_starts_stops_it(cli_env, signum, moment):
    data_dir = Path(cli_env["ASYNCIO_DATA_DIR"]) / "postgres"
    server = EmbeddedPostgres(port=int(cli_env["PGPORT"]), data_dir=data_dir)
    watched = Watched("run", "5.8", env=cli_env)
    try:
        with watched.program:
            if moment.startswith("[util]"):
                watched.program.wait_for(lambda: moment in watched.program.stderr, moment, 60)
            else:
                watched.wait_for_child("pg_ctl", "start", timeout=120)
            watched.program.send_signal(signum)
            result = watched.program.wait(120)
        assert result.returncode in (128 + signum, 130), result
        assert "Traceback" not in result.stderr, result
        assert watched.left_running() == []
        assert not server.listening()
        if server.initialized():
            status = server._run("pg_ctl", "status", "-D", str(data_dir))
            assert status.returncode == 3, status.stdout  # 3: no server running
    finally:
        server.stop()


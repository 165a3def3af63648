"""The command line under bad input and faults: a listing or chapter number it cannot use, a
signal while it starts what a listing needs, a port already taken, no display, no terminal.
Each is one line `error: …` and exit 2, or a clean stop that leaves nothing running.

Every test has its own free ports and data folder, as tests/test_cli.py's do.
"""
import re
import signal
import socket
import threading
from pathlib import Path

import psutil
import pytest

from tests import test_cli
from tests.support import Program, free_port
from tests.test_cli import assert_clean_error, cli
from util.tools import listing_index
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



# --- what the reader brings: the listing's own port, a display, a terminal ---------------------

@pytest.mark.parametrize("number", ["3.3", "3.8", "3.1"])
def test_a_busy_listing_port_is_one_line_naming_the_port_and_its_variable(cli_env, number):
    port = cli_env["SERVER_PORT"]
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(port)))
        squatter.listen()
        result = cli("run", number, env=cli_env)
    assert_clean_error(result, f"port {port} (SERVER_PORT) is in use by another program: set "
                               "SERVER_PORT to a free port")


def test_every_server_listing_says_which_port_it_listens_on():
    from util import settings

    servers = {info.id: info.listens for info in listing_index.discover() if info.listens}
    assert servers["3.8"] == "SERVER_PORT" and servers["8.13"] == "SERVICE_PORT"
    assert servers["9.2"] == "WEB_PORT" and servers["10.6"] == "CART_PORT"
    assert all(hasattr(settings, variable) for variable in servers.values())
    assert listing_index.find("9.2").needs == (listing_index.Need("postgres", ("products",)),)
    assert "8.14" not in servers, "a client"


@pytest.mark.parametrize("number", ["7.12", "7.15"])
def test_a_window_without_a_display_is_one_line_saying_how_to_get_one(cli_env, number):
    result = cli("run", number, env=cli_env | {"DISPLAY": ""})
    assert_clean_error(result, f"listing {number} opens a window, but DISPLAY is not set: run "
                               "it in a desktop session, or in a virtual display with "
                               f"`xvfb-run -a uv run python -m util run {number}`")
    assert not port_open("127.0.0.1", int(cli_env["EXAMPLE_PORT"])), "nothing was started"


def test_a_display_whose_x_server_does_not_answer_is_one_line(cli_env):
    unused = next(n for n in range(4000, 5000) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    result = cli("run", "7.12", env=cli_env | {"DISPLAY": f":{unused}"})
    assert_clean_error(result, f"listing 7.12 opens a window, but the X server of "
                               f"DISPLAY=:{unused} does not answer: run it in a desktop session, "
                               "or in a virtual display with "
                               "`xvfb-run -a uv run python -m util run 7.12`")


@pytest.mark.parametrize("number", ["8.8", "8.14"])
def test_a_terminal_program_without_a_terminal_is_one_line(cli_env, number):
    result = cli("run", number, env=cli_env | {"SERVICE_PORT": str(free_port())})
    assert_clean_error(result, f"listing {number} reads the keys you type: run it in a "
                               "terminal, with nothing piped or redirected into it")


# --- a PGPORT where no Postgres answers -------------------------------------------------------

def _not_a_postgres(behaviour: str) -> socket.socket:
    """A listener on a free port that never speaks, or closes each connection, or answers
    garbage, served by a daemon thread until the socket is closed."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    if behaviour == "silent":
        return listener  # connections wait in the backlog, unanswered

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                if behaviour == "garbage":
                    connection.recv(1024)
                    connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    return listener


@pytest.mark.parametrize("behaviour, reason", [
    ("silent", re.escape("no answer within 3 s: the program listening there is not a Postgres, "
                         "or it hangs; set PGPORT to a Postgres's port")),
    # a close with the startup message unread is a reset, one before it arrives a plain close
    ("closes", re.escape("the program listening there does not speak Postgres's protocol (")
               + r"(unexpected connection_lost\(\) call|\[Errno 104\] Connection reset by peer)"
               + re.escape("); set PGPORT to a Postgres's port")),
    ("garbage", re.escape("the program listening there does not speak Postgres's protocol (")
                + ".+" + re.escape("); set PGPORT to a Postgres's port")),
])
def test_a_pgport_that_is_not_a_postgres_says_why_within_seconds(cli_env, behaviour, reason):
    with _not_a_postgres(behaviour) as listener:
        port = listener.getsockname()[1]
        result = cli("run", "5.1", env=cli_env | {"PGPORT": str(port)}, timeout=30)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result
    assert re.fullmatch(re.escape(f"error: cannot connect to Postgres at 127.0.0.1:{port}: ")
                        + reason, lines[0]), lines[0]
    assert result.seconds < 8

"""The reader's front door, `python -m util`: list, run, services; clear errors, no tracebacks.

Every test gives the CLI its own free ports and data folder, so it never meets a reader's
services or the other tests'.
"""
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pexpect
import pytest

from tests.support import (
    REPO,
    Program,
    assert_about,
    free_port,
    listing_env,
    ok,
    run_listing,
    run_program,
    unique_database_name,
    wait_for_port,
)
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.processes import port_open


@pytest.fixture
def cli_env():
    """Fresh addresses and data folder: nothing is running for the CLI to find. The folder is
    not under pytest's tmp_path: pytest keeps that private, and the embedded Postgres runs as
    another user."""
    data = Path(tempfile.mkdtemp(prefix="asyncio-book-cli-"))
    yield {"EXAMPLE_PORT": str(free_port()), "PGPORT": str(free_port()),
           "SERVER_PORT": str(free_port()), "ASYNCIO_DATA_DIR": str(data)}
    shutil.rmtree(data, ignore_errors=True)


def cli(*args: str, env: dict, timeout: float = 60):
    return run_program("util", *args, env=env, timeout=timeout)


def assert_clean_error(result, message: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"error: {message}"]


def test_list_shows_every_listing_of_chapters_1_and_2_in_book_order(cli_env):
    result = ok(cli("list", env=cli_env))
    ids = [line.split()[0] for line in result.lines]
    numbered = [i for i in ids if re.fullmatch(r"[12]\.\d+", i)]
    assert numbered == [f"1.{n}" for n in range(1, 9)] + [f"2.{n}" for n in range(1, 25)]
    line_2_9 = next(line for line in result.lines if line.startswith("2.9 "))
    assert "Running multiple tasks concurrently" in line_2_9
    assert "[section 2.3.2; needs nothing]" in line_2_9
    line_1_7 = next(line for line in result.lines if line.startswith("1.7 "))
    assert "needs example-site]" in line_1_7


def test_list_of_one_chapter(cli_env):
    result = ok(cli("list", "2", env=cli_env))
    ids = [line.split()[0] for line in result.lines]
    assert [i for i in ids if re.fullmatch(r"2\.\d+", i)] == [f"2.{n}" for n in range(1, 25)]
    assert all(i.startswith("2.") for i in ids), "the companions of chapter 2 only"


def test_list_into_a_reader_that_stops_early_ends_quietly(cli_env):
    """`util list | head -3`: no BrokenPipeError traceback once head has stopped reading (here
    it stopped before the first line, so the first write finds the pipe closed)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        lister = subprocess.run([sys.executable, "-m", "util", "list"], cwd=REPO,
                                env=listing_env(cli_env), stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=30)
    finally:
        os.close(write_end)
    assert (lister.returncode, lister.stderr) == (141, "")


def test_run_2_9_prints_what_the_book_shows_in_about_3_seconds(cli_env):
    result = ok(cli("run", "2.9", env=cli_env))
    assert result.lines == (["sleeping for 3 second(s)"] * 3
                            + ["finished sleeping for 3 second(s)"] * 3)
    assert result.stderr == ""  # nothing started, nothing to say
    # the three 3 s sleeps overlap: 3 s from the first line to the last, not 9
    took = (result.arrivals("finished sleeping for 3 second(s)")[-1]
            - result.arrivals("sleeping for 3 second(s)")[0])
    assert_about(took, 3, late=0.9)


def test_run_1_7_starts_the_stand_in_and_stops_it_afterwards(cli_env):
    result = ok(cli("run", "1.7", env=cli_env))
    assert result.lines[:2] == ["200", "200"]
    assert re.fullmatch(r"Running synchronously took \d+\.\d{4} seconds\.", result.lines[2])
    assert "[util] started the example.com stand-in" in result.stderr
    assert not port_open("127.0.0.1", int(cli_env["EXAMPLE_PORT"]))


def test_run_passes_arguments_and_returns_the_listings_exit_code(cli_env):
    result = ok(cli("run", "2.14", "--unexpected", env=cli_env))
    assert result.lines[0] == "Is my_future done? False"


@pytest.mark.parametrize("number, message", [
    ("2.99", "there is no listing 2.99: chapter 2 has 2.1 to 2.24 (see `python -m util list 2`)"),
    ("77.1", "there is no listing 77.1: chapter 77 has none here"),
    ("two", "'two' is not a listing number: write it like 2.9"),
])
def test_a_wrong_listing_number_is_one_clear_line(cli_env, number, message):
    assert_clean_error(cli("run", number, env=cli_env), message)


def test_a_port_in_use_is_one_clear_line(cli_env):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(cli_env["EXAMPLE_PORT"])))
        squatter.listen()
        result = cli("run", "1.7", env=cli_env)
    assert_clean_error(result, f"port {cli_env['EXAMPLE_PORT']} is in use by another program: "
                               "set EXAMPLE_PORT to a free port for the example.com stand-in")


def test_ctrl_c_at_a_terminal_stops_the_listing_and_the_cli(cli_env):
    child = pexpect.spawn(sys.executable, ["-m", "util", "run", "3.8"], cwd=str(REPO),
                          env=listing_env(cli_env), encoding="utf-8", timeout=20)
    try:
        wait_for_port(int(cli_env["SERVER_PORT"]))
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130 or child.signalstatus == signal.SIGINT
        assert not port_open("127.0.0.1", int(cli_env["SERVER_PORT"]))
    finally:
        child.close(force=True)


def test_sigterm_to_the_cli_reaches_the_listing(cli_env):
    with Program("util", "run", "3.8", env=cli_env) as running:
        running.wait_for_port(int(cli_env["SERVER_PORT"]))
        result = running.stop(signal.SIGTERM)
    assert result.returncode == 128 + signal.SIGTERM
    assert not port_open("127.0.0.1", int(cli_env["SERVER_PORT"]))


def test_a_postgres_that_refuses_the_password_is_one_clear_line(postgres, cli_env):
    env = cli_env | postgres.env() | {"PGPASSWORD": "not-the-password"}
    assert_clean_error(cli("run", "5.1", env=env),
                       f"Postgres at {postgres.host}:{postgres.port} rejected user 'postgres' "
                       "with the configured password: set PGUSER/PGPASSWORD, or PGPORT for "
                       "another server")


@pytest.fixture
def cli_postgres(cli_env):
    """The embedded Postgres the CLI will start in the test's data folder (stopped after)."""
    server = EmbeddedPostgres(port=int(cli_env["PGPORT"]),
                              data_dir=Path(cli_env["ASYNCIO_DATA_DIR"]) / "postgres")
    yield server
    server.stop()


def test_run_5_7_on_an_empty_machine_starts_postgres_loads_products_and_reuses_it(
        cli_env, cli_postgres):
    first = ok(cli("run", "5.7", env=cli_env, timeout=180))
    assert first.stderr.splitlines() == [
        f"[util] starting the embedded Postgres on 127.0.0.1:{cli_postgres.port} "
        f"(data in {cli_postgres.data_dir})",
        "[util] created database 'products'",
        "[util] filled database 'products' with chapter_05.listing_5_3, "
        "chapter_05.listing_5_5, chapter_05.listing_5_6"]
    assert not cli_postgres.listening(), "stopped after the listing"
    second = ok(cli("run", "5.7", env=cli_env, timeout=60))
    assert "database" not in second.stderr, "the data is reused"
    assert second.stdout == first.stdout


def test_run_5_3_on_an_empty_machine_builds_the_schema_itself_then_5_7_fills_the_rest(
        cli_env, cli_postgres):
    schema = ok(cli("run", "5.3", env=cli_env, timeout=120))
    assert "[util] created database 'products'" in schema.stderr
    assert "filled" not in schema.stderr, "5.3 itself builds the schema, as in the book"
    assert schema.lines[-1] == "Finished creating the product database!"
    query = ok(cli("run", "5.7", env=cli_env, timeout=120))
    assert ("[util] filled database 'products' with chapter_05.listing_5_5, "
            "chapter_05.listing_5_6") in query.stderr
    again = cli("run", "5.3", env=cli_env, timeout=60)
    ok(again, "util gives 5.3 the empty database it expects, every time")
    assert ("[util] database 'products' as the book has it before listing 5.3: an empty "
            "database, no tables") in again.stderr


def test_run_uses_a_postgres_already_listening_as_docker_compose_would_provide(
        postgres, cli_env):
    env = cli_env | postgres.env() | {"PRODUCTS_DB": unique_database_name("products")}
    try:
        result = ok(cli("run", "5.7", env=env, timeout=120))
        assert "embedded" not in result.stderr
        assert f"[util] created database '{env['PRODUCTS_DB']}'" in result.stderr
        assert postgres.listening(), "a server the CLI did not start is left running"

        async def count_skus():
            connection = await postgres.connect(env["PRODUCTS_DB"])
            try:
                return await connection.fetchval("SELECT count(*) FROM sku")
            finally:
                await connection.close()

        assert asyncio.run(count_skus()) == 100_000
    finally:
        asyncio.run(postgres.drop_database(env["PRODUCTS_DB"]))


def test_services_up_status_down(cli_env):
    data = EmbeddedPostgres(port=int(cli_env["PGPORT"]),
                            data_dir=Path(cli_env["ASYNCIO_DATA_DIR"]) / "postgres")
    example_port = int(cli_env["EXAMPLE_PORT"])
    try:
        ok(cli("services", "up", env=cli_env, timeout=180))
        assert port_open("127.0.0.1", example_port) and port_open("127.0.0.1", data.port)
        status = cli("services", "status", env=cli_env)
        assert status.lines == [
            f"example.com stand-in (http://127.0.0.1:{example_port}): answering",
            f"postgres (127.0.0.1:{data.port}): the embedded server listening"]
        listing = run_listing("1.7", env={"EXAMPLE_URL": f"http://127.0.0.1:{example_port}"})
        assert listing.lines[:2] == ["200", "200"]
        ok(run_listing("5.7", env={"PGPORT": cli_env["PGPORT"]}))  # the book's way
    finally:
        down = cli("services", "down", env=cli_env)
        data.stop()
    ok(down)
    assert not port_open("127.0.0.1", example_port)
    assert not port_open("127.0.0.1", data.port)
    assert cli("services", "status", env=cli_env).lines == [
        f"example.com stand-in (http://127.0.0.1:{example_port}): not running",
        f"postgres (127.0.0.1:{data.port}): not running"]


def test_run_6_7_makes_the_ngram_data_first_and_reuses_it(cli_env):
    env = cli_env | {"NGRAM_FILE": str(Path(cli_env["ASYNCIO_DATA_DIR"]) / "ngrams")}
    first = ok(cli("run", "6.7", env=env, timeout=120))
    assert re.fullmatch(rf"\[util\] made {env['NGRAM_FILE']}: [\d,]+ lines \(seed \d+\); "
                        r"Aardvark appears 15209 times\n", first.stderr), first.stderr
    assert re.fullmatch(r"\d+\.\d{4}", first.stdout.strip())
    second = ok(cli("run", "6.7", env=env, timeout=120))
    assert second.stderr == "", "the data is made once"


@pytest.mark.listing("3.8")
@pytest.mark.skipif(shutil.which("nc") is None, reason="needs nc: apt-get install netcat-openbsd")
def test_run_3_8_then_nc_echoes_each_typed_line_as_the_book_describes(cli_env):
    port = int(cli_env["SERVER_PORT"])
    with Program("util", "run", "3.8", env=cli_env) as server:
        server.wait_for_port(port)
        server.wait_for_line(r"^Got a connection from \('127\.0\.0\.1', \d+\)$")  # the probe
        terminal = pexpect.spawn("nc", ["127.0.0.1", str(port)], encoding="utf-8", timeout=10)
        try:
            terminal.setecho(False)  # what comes back is the server's echo, not the terminal's
            client = server.wait_for_line(r"^Got a connection from \('127\.0\.0\.1', (\d+)\)$")
            for line in ("hello", "it echoes every line"):
                terminal.sendline(line)
                terminal.expect_exact(line + "\r\n")
            terminal.sendintr()  # the reader leaves nc with Ctrl-C
            terminal.expect(pexpect.EOF)
        finally:
            terminal.close(force=True)
        assert int(client[1]) != port
        result = server.stop(signal.SIGINT)
    assert result.returncode == 130


def test_util_runs_from_a_chapter_folder(cli_env):
    """The project is installed in its environment: no PYTHONPATH, any working directory."""
    result = ok(run_program("util", "run", "5.1", env=cli_env, cwd=REPO / "chapter_05"))
    assert re.fullmatch(r"Connected! Postgres version is ServerVersion\(major=18, .*\)",
                        result.lines[-1]), result


def test_uv_run_with_the_project_runs_a_listing_from_any_folder(tmp_path):
    """The command README.md gives for running a listing from another folder, run from one
    (without `--project`, uv finds no project there and the import fails)."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    documented = re.findall(r"from any other folder.*?`(uv run --project <repo> [^`]+)`", readme)
    assert documented == ["uv run --project <repo> python -m chapter_02.listing_2_9"]
    for readme in (REPO / "chapter_06" / "README.md", REPO / "chapter_13" / "README.md"):
        assert "from the repository root" not in readme.read_text(encoding="utf-8"), readme
    # the environment running this test (.venv, or .venv-3.15.2 on another Python), never
    # made anew: uv would otherwise rebuild .venv for whichever Python it finds
    env = listing_env() | {"UV_PROJECT_ENVIRONMENT": sys.prefix, "UV_NO_SYNC": "1"}
    command = [str(REPO) if word == "<repo>" else word for word in documented[0].split()]
    result = subprocess.run([uv, *command[1:]], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    ok(result)
    assert result.stdout.splitlines() == (["sleeping for 3 second(s)"] * 3
                                          + ["finished sleeping for 3 second(s)"] * 3)

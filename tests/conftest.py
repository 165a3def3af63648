"""Shared fixtures: the example.com stand-in, Postgres with throwaway databases, free ports.

The stand-ins are started per test session (per xdist worker), on free ports, and stopped at
the end. One embedded Postgres serves all the workers of a run, with one filled template of
each book database: the first worker to need it starts it, the run's controller stops it.
Listings find them through the environment variables of util.settings.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.support import REPO, free_port, unique_database_name
from tests.support.run_wide import RUN_FOLDER, run_folder, run_lock
from util.tools import stop_signals
from util.tools.book_databases import BOOK_DATABASES, copy_database, ensure_database
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.example_site import ExampleSite
from util.tools.postgres_client import Postgres

WORK_TREE = pytest.StashKey[set]()
UNIT = REPO / "tests" / "unit"  # the unit tier: `uv run pytest tests/unit` or `-m unit`
STAND_IN_LATENCY = 0.5  # seconds: long enough that sequential and concurrent runs differ clearly


def start_example_site(latency: float) -> ExampleSite:
    return ExampleSite.start("127.0.0.1", free_port(), latency)


@pytest.fixture(scope="session")
def example_site():
    """The stand-in for www.example.com, answering after 0.5 s; call .reset() before counting."""
    site = start_example_site(STAND_IN_LATENCY)
    yield site
    site.stop()


@pytest.fixture(scope="session")
def example_site_factory():
    """Start extra stand-ins with other latencies: example_site_factory(latency=0.1)."""
    sites: list[ExampleSite] = []

    def start(latency: float) -> ExampleSite:
        sites.append(start_example_site(latency))
        return sites[-1]

    yield start
    for site in sites:
        site.stop()


def _run_postgres() -> EmbeddedPostgres | None:
    """The run's embedded Postgres, once a worker has started it."""
    record = run_folder() / "postgres.json"
    if not record.exists():
        return None
    known = json.loads(record.read_text())
    return EmbeddedPostgres(port=known["port"], data_dir=Path(known["data_dir"]), fast=True)


@pytest.fixture(scope="session")
def postgres():
    """A Postgres for the tests: the one PG* variables name, if they name one that answers;
    else the run's embedded server, on a free port in the run's folder, started by the first
    worker that needs it (the controller stops it: pytest_unconfigure)."""
    if os.environ.get("PGHOST") or os.environ.get("PGPORT"):
        configured = Postgres()
        if configured.listening():
            return configured
    with run_lock("postgres"):
        if server := _run_postgres():
            return server
        server = EmbeddedPostgres(port=free_port(), data_dir=run_folder() / "pg" / "data",
                                  fast=True)
        server.start()
        # Whole or not at all: the controller and tests/test_harness.py read it without the lock.
        written = run_folder() / "postgres.json.new"
        written.write_text(json.dumps({"port": server.port, "data_dir": str(server.data_dir)}))
        written.replace(run_folder() / "postgres.json")
        return server


@dataclass
class Database:
    """A throwaway database on the test Postgres, standing in for one of the book's."""

    server: Postgres
    name: str
    book_name: str
    env: dict[str, str] = field(default_factory=dict)

    def fetch(self, query: str, *args):
        """Run a query in a fresh connection and return the rows (for assertions)."""
        async def fetch():
            connection = await self.server.connect(self.name)
            try:
                return await connection.fetch(query, *args)
            finally:
                await connection.close()

        return asyncio.run(fetch())

    def client_connections(self) -> int:
        """How many clients are connected to this database now (the one asking not counted):
        a pool's connections, for instance."""
        [row] = self.fetch("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 "
                           "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                           self.name)
        return row[0]


@pytest.fixture(scope="session")
def loaded_template(postgres):
    """loaded_template("products"): the name of a database filled like the book's, once per
    run, shared by the workers; make_database copies it, in a fraction of a second where the
    loaders take seconds (100,000 SKUs). Dropped by the controller at the end."""
    folder = run_folder()
    ready: set[str] = set()  # the templates this worker knows are full

    def template(book_name: str) -> str:
        name = f"test_template_{book_name}_{folder.name}"
        if name not in ready:
            with run_lock(f"template-{book_name}"):  # the first fills it; the others find it full
                asyncio.run(ensure_database(postgres, name, book_name=book_name))
                with open(folder / "templates", "a") as made:
                    made.write(f"{name}\n")
            ready.add(name)
        return name

    return template


@pytest.fixture(scope="module")
def make_database(postgres, loaded_template, request):
    """Make throwaway databases for this test module: make_database("products", load=True)
    creates one, filled like the book's database of that name (util.tools.book_databases) when
    `load` is true (a copy of loaded_template's), and returns a Database whose .env points the
    listings at it. All are dropped when the module's tests are done."""
    made: list[Database] = []

    def make(book_name: str = "products", load: bool = False) -> Database:
        name = unique_database_name(book_name)
        if load:
            asyncio.run(copy_database(postgres, loaded_template(book_name), name))
        else:
            asyncio.run(postgres.create_database(name))
        env = postgres.env() | BOOK_DATABASES[book_name].env(name)
        made.append(Database(postgres, name, book_name, env))
        return made[-1]

    yield make
    for database in made:
        asyncio.run(postgres.drop_database(database.name))


@pytest.fixture(scope="module")
def products_db(make_database):
    """The book's products database, filled as the book's is (listings 5.3, 5.5 and 5.6), for
    this test module; read-only tests only."""
    return make_database("products", load=True)


def _git_status() -> set[str]:
    """The work tree's changes; none known outside a git checkout or without git."""
    try:
        result = subprocess.run(["git", "status", "--porcelain"], cwd=REPO,
                                capture_output=True, text=True)
    except FileNotFoundError:
        return set()
    return set(result.stdout.splitlines()) if result.returncode == 0 else set()


def pytest_addoption(parser):
    parser.addoption("--listing", action="append", default=[], metavar="N.M",
                     help="run only the tests marked @pytest.mark.listing(N.M) (repeatable); "
                          "the mutation check (python -m tests.mutation) uses it")


def unit_tier_only(config) -> bool:
    """`pytest -m unit` or `pytest tests/unit…`: the unit tier alone (runs in this process)."""
    if config.option.markexpr == "unit":
        return True
    paths = [config.invocation_params.dir / arg.split("::")[0] for arg in config.args]
    return bool(paths) and all(path.resolve().is_relative_to(UNIT) for path in paths)


def pytest_ignore_collect(collection_path, config):
    """`-m unit` collects tests/unit alone: importing the other modules would be for nothing."""
    if config.option.markexpr == "unit" and not (
            collection_path.is_relative_to(UNIT) or UNIT.is_relative_to(collection_path)):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    """--listing N.M: deselect every test not marked with one of the listings named."""
    wanted = set(config.getoption("listing"))
    if not wanted:
        return
    selected, deselected = [], []
    for item in items:
        marks = {str(mark.args[0]) for mark in item.iter_markers("listing") if mark.args}
        (selected if marks & wanted else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: two workers per CPU (at most 16). Most tests wait on a listing's sleeps,
    sockets and children, not the CPU: on 2 cores, 4 workers took 60% of the time 2 took (the
    machine 90% busy, Postgres included; README.md says how long a run takes) and 6 no less,
    with more timing failures. None for the unit tier alone: its seconds of work do not pay for
    starting workers."""
    if unit_tier_only(config):
        return 0
    return min(16, 2 * len(os.sched_getaffinity(0)))


def pytest_configure(config):
    """Children inherit an ignored SIGINT (a background job of a non-interactive shell, as a
    CI run may be, has one), and Python then installs no KeyboardInterrupt handler: give the
    listings, the pty programs and the xdist workers SIGINT as a reader's terminal does."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if not hasattr(config, "workerinput"):  # the controller (or the only process): a new run
        os.environ[RUN_FOLDER] = tempfile.mkdtemp(prefix="asyncio-book-tests-")
        # SIGTERM (a CI job cancelled) ends the run as Ctrl-C does, so pytest_unconfigure
        # still stops the run's Postgres
        stop_signals.interrupt_on_sigterm()


def pytest_unconfigure(config):
    """The controller, once every worker is done: stop the run's Postgres, drop the templates
    made on a Postgres the PG* variables named, remove the run's folder."""
    if hasattr(config, "workerinput") or RUN_FOLDER not in os.environ:
        return
    templates = run_folder() / "templates"
    if server := _run_postgres():
        server.stop()
    elif templates.exists():
        configured = Postgres()
        for name in set(templates.read_text().split()):
            asyncio.run(configured.drop_database(name))
    shutil.rmtree(os.environ.pop(RUN_FOLDER), ignore_errors=True)


def pytest_sessionstart(session):
    session.config.stash[WORK_TREE] = _git_status()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if tests left a process running or a file in the work tree."""
    leftovers = psutil.Process().children(recursive=True)
    for process in leftovers:
        with contextlib.suppress(psutil.Error):
            print(f"\nleft running by the tests: {process.pid} {' '.join(process.cmdline())}")
            process.kill()
    new_files = set()
    if not hasattr(session.config, "workerinput"):  # the controller, once all workers are done
        new_files = _git_status() - session.config.stash[WORK_TREE]
        for line in sorted(new_files):
            print(f"\nleft in the work tree by the tests: {line}")
    if leftovers or new_files:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

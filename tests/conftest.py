"""Shared fixtures: the example.com stand-in, Postgres with throwaway databases, free ports.

Every service here is started per test session (per xdist worker), on free ports, and stopped
at the end; listings find them through the environment variables of util.settings.
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
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.support import REPO, Listing, free_port
from util.postgres import EmbeddedPostgres, Postgres, database_env, ensure_database

WORK_TREE = pytest.StashKey[set]()
STAND_IN_LATENCY = 0.5  # seconds; the catalog's recommended L for chapters 1 and 2


@dataclass
class ExampleSite:
    """A running `python -m util.example_site`."""

    port: int
    latency: float
    process: Listing

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """Point the listings' EXAMPLE_URL here."""
        return {"EXAMPLE_URL": self.url, "EXAMPLE_PORT": str(self.port)}

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"{self.url}/__stats", timeout=5) as response:
            return json.load(response)

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/__reset", method="POST")
        urllib.request.urlopen(request, timeout=5).close()


def start_example_site(latency: float) -> ExampleSite:
    port = free_port()
    process = Listing("util.example_site", "--port", str(port), "--latency", str(latency))
    process.wait_for_port(port)
    return ExampleSite(port, latency, process)


@pytest.fixture(scope="session")
def example_site():
    """The stand-in for www.example.com, answering after 0.5 s; call .reset() before counting."""
    site = start_example_site(STAND_IN_LATENCY)
    yield site
    site.process.stop()


@pytest.fixture(scope="session")
def example_site_factory():
    """Start extra stand-ins with other latencies: example_site_factory(latency=0.1)."""
    sites: list[ExampleSite] = []

    def start(latency: float) -> ExampleSite:
        sites.append(start_example_site(latency))
        return sites[-1]

    yield start
    for site in sites:
        site.process.stop()


@pytest.fixture(scope="session")
def postgres():
    """A Postgres for the tests: the one PG* variables name, if they name one that answers;
    else an embedded server of the tests' own, on a free port, in a temporary folder."""
    if os.environ.get("PGHOST") or os.environ.get("PGPORT"):
        configured = Postgres()
        if configured.listening():
            yield configured
            return
    folder = Path(tempfile.mkdtemp(prefix="asyncio-book-pg-"))
    server = EmbeddedPostgres(port=free_port(), data_dir=folder / "data", fast=True)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Database:
    """A throwaway database on the test Postgres, standing in for one of the book's."""

    server: Postgres
    name: str
    book_name: str
    env: dict[str, str] = field(default_factory=dict)

    def dsn(self) -> str:
        return self.server.dsn(self.name)

    def fetch(self, query: str, *args):
        """Run a query in a fresh connection and return the rows (for assertions)."""
        async def fetch():
            connection = await self.server.connect(self.name)
            try:
                return await connection.fetch(query, *args)
            finally:
                await connection.close()

        return asyncio.run(fetch())


@pytest.fixture(scope="module")
def make_database(postgres, request):
    """Make throwaway databases for this test module: make_database("products", load=True)
    creates one, fills it like the book's database of that name (util.postgres.LOADERS) when
    `load` is true, and returns a Database whose .env points the listings at it. All are
    dropped when the module's tests are done."""
    made: list[Database] = []

    def make(book_name: str = "products", load: bool = False) -> Database:
        name = f"test_{book_name}_{uuid.uuid4().hex[:10]}"
        if load:
            asyncio.run(ensure_database(postgres, name, loader_key=book_name))
        else:
            asyncio.run(postgres.create_database(name))
        env = postgres.env() | database_env(book_name, name)
        made.append(Database(postgres, name, book_name, env))
        return made[-1]

    yield make
    for database in made:
        asyncio.run(postgres.drop_database(database.name))


def _git_status() -> set[str]:
    result = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True,
                            text=True)
    return set(result.stdout.splitlines()) if result.returncode == 0 else set()


def pytest_configure(config):
    """Children inherit an ignored SIGINT (a background job of a non-interactive shell, as a
    CI run may be, has one), and Python then installs no KeyboardInterrupt handler: give the
    listings, the pty programs and the xdist workers SIGINT as a reader's terminal does."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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

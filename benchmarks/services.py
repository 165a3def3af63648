"""The services a benchmark needs, started on first use on free ports and stopped at the end.

The example.com stand-in (util.tools.example_site) and Postgres: either one the reader names
(`--postgres HOST:PORT`, with PGUSER/PGPASSWORD) or the embedded server of util.tools,
started here with its data in .data/benchmarks/postgres (kept between runs, so the products
database is filled once), or in a folder of the caller's (the tests use a temporary one).
"""
from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import BenchmarkError
from util import settings
from util.tools.book_databases import BOOK_DATABASES, ensure_database
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.errors import ReaderError
from util.tools.example_site import ExampleSite
from util.tools.postgres_client import Postgres
from util.tools.processes import free_port

DATA_DIR = settings.DATA_DIR / "benchmarks" / "postgres"
PRODUCTS = "products_benchmarks"  # the benchmarks' own copy of the book's products database


def parse_address(text: str) -> tuple[str, int]:
    """'HOST:PORT' (or ':PORT', or 'PORT') -> (host, port); one clear line if malformed."""
    host, _, port = text.rpartition(":")
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise BenchmarkError(f"--postgres {text!r}: expected HOST:PORT, e.g. 127.0.0.1:5432")
    return host or "127.0.0.1", int(port)


@dataclass
class Services:
    postgres_address: tuple[str, int] | None = None  # a running server to use
    data_dir: Path = DATA_DIR  # where the embedded server keeps its data
    _sites: dict[float, ExampleSite] = field(default_factory=dict)
    _postgres: Postgres | None = None
    _embedded: EmbeddedPostgres | None = None
    _products: bool = False

    def example_site(self, latency: float = 0.1) -> ExampleSite:
        """The stand-in answering after `latency` seconds (one per latency, kept running)."""
        if latency not in self._sites:
            try:
                self._sites[latency] = ExampleSite.start("127.0.0.1", free_port(), latency)
            except ReaderError as error:
                raise BenchmarkError(f"the example.com stand-in did not start: {error}") from None
        return self._sites[latency]

    def postgres(self) -> Postgres:
        """A Postgres holding the filled products database (PRODUCTS)."""
        if self._postgres is None:
            if self.postgres_address is not None:
                host, port = self.postgres_address
                server = Postgres(host=host, port=port)
                if not server.listening():
                    raise BenchmarkError(f"no Postgres answers at {host}:{port} (--postgres)")
            else:
                server = EmbeddedPostgres(host="127.0.0.1", port=free_port(),
                                          data_dir=self.data_dir, fast=True)
                try:
                    server.start()
                except (ReaderError, OSError) as error:
                    raise BenchmarkError(f"Postgres could not be started: {error}") from None
                self._embedded = server
            self._postgres = server
        if not self._products:
            try:
                asyncio.run(ensure_database(self._postgres, PRODUCTS, book_name="products"))
            except ReaderError as error:
                raise BenchmarkError(f"Postgres: {error}") from None
            self._products = True
        return self._postgres

    def postgres_env(self) -> dict[str, str]:
        """The variables that point the listings (util.settings) at the products database."""
        server = self.postgres()
        return server.env() | BOOK_DATABASES["products"].env(PRODUCTS)

    def listing_env(self, **extra: str) -> dict[str, str]:
        """os.environ plus the Postgres variables, for a child process running a listing."""
        return os.environ | self.postgres_env() | extra

    def close(self) -> None:
        for site in self._sites.values():
            with contextlib.suppress(Exception):
                site.stop()
        self._sites.clear()
        if self._embedded is not None:
            with contextlib.suppress(Exception):
                self._embedded.stop()
            self._embedded = None
        self._postgres = None
        self._products = False

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def pointed_at(env: dict[str, str]):
    """Point util.settings (and the environment children inherit) at `env` for a while: the
    listings read settings' module attributes when they run, so imported listings follow."""
    saved_environ = {name: os.environ.get(name) for name in env}
    saved = {name: getattr(settings, name) for name in settings.Settings._fields}
    os.environ.update(env)
    try:
        for name, value in settings.read(os.environ)._asdict().items():
            setattr(settings, name, value)
        yield
    finally:
        for name, value in saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for name, value in saved.items():
            setattr(settings, name, value)

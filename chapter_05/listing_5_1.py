"""Listing 5.1 — Connecting to a Postgres database as the default user

Section 5.2. Needs: postgres.

What to watch: connecting is a coroutine awaited inside asyncio.run; the program prints the
server version (for Postgres 10 and later asyncpg puts the minor release in `micro`) and closes
the connection explicitly. With nothing listening it fails with a connection error.

Differs from the book: host, port, user and password come from util.settings (PGHOST, PGPORT,
PGUSER, PGPASSWORD; the book's 127.0.0.1, 5432, postgres, password are the defaults). A closed
port or a refused password ends in one clear line instead of a traceback.
"""
import asyncio
import sys

import asyncpg

from util import settings


async def main():
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database='postgres',
                                       password=settings.POSTGRES_PASSWORD)
    version = connection.get_server_version()
    print(f'Connected! Postgres version is {version}')
    await connection.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except OSError as error:
        sys.exit(f'Could not connect to Postgres: {error}')
    except asyncpg.InvalidAuthorizationSpecificationError as error:
        sys.exit(f'Postgres refused the connection: {error}')

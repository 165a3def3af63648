"""Run listing 10.2 or 10.3 in its database, as `psql -d cart -f chapter_10/listing_10_2.sql` would.

    python -m chapter_10.load_sql cart        listing 10.2 into settings.CART_DB
    python -m chapter_10.load_sql favorites   listing 10.3 into settings.FAVORITES_DB

The database must exist (`python -m util run 10.5` or `10.6` creates and fills it for you;
util.tools.book_databases runs chapter_10.load_cart and chapter_10.load_favorites). Like psql,
a second run fails: the table already exists.
"""
import asyncio
import sys
from pathlib import Path

import asyncpg

from util import settings

SCRIPTS = {
    "cart": ("listing_10_2.sql", lambda: settings.CART_DB),
    "favorites": ("listing_10_3.sql", lambda: settings.FAVORITES_DB),
}


async def run_sql_file(path: Path, database: str) -> None:
    """Run every statement of the file in one go (asyncpg's simple query protocol)."""
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       password=settings.POSTGRES_PASSWORD,
                                       database=database)
    try:
        await connection.execute(path.read_text(encoding="utf-8"))
    finally:
        await connection.close()


TABLES = {"cart": "user_cart", "favorites": "user_favorite"}


async def show_in_fresh_database(book_name: str) -> None:
    """What `python -m util run 10.2` (or 10.3) shows: the file run in a fresh database named
    after the listing (dropped first if it exists, then left for psql), and the table it made."""
    from util.tools.postgres_client import Postgres

    file_name, _ = SCRIPTS[book_name]
    database, table = Path(file_name).stem, TABLES[book_name]
    server = Postgres()
    await server.drop_database(database)
    await server.create_database(database)
    await run_sql_file(Path(__file__).parent / file_name, database)
    print(f"Ran {file_name} in a fresh database {database!r}")
    connection = await server.connect(database)
    try:
        rows = await connection.fetch(f"SELECT * FROM {table}")
    finally:
        await connection.close()
    columns = list(rows[0].keys()) if rows else ["user_id", "product_id"]
    print(f"SELECT * FROM {table};")
    print(" | ".join(f"{column:>10}" for column in columns))
    for row in rows:
        print(" | ".join(f"{row[column]:>10}" for column in columns))
    print(f"({len(rows)} rows)")


def main(book_name: str) -> None:
    file_name, database = SCRIPTS[book_name]
    asyncio.run(run_sql_file(Path(__file__).parent / file_name, database()))
    print(f"Ran {file_name} in database {database()!r}")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCRIPTS:
        sys.exit(f"usage: python -m chapter_10.load_sql {{{'|'.join(SCRIPTS)}}}")
    main(sys.argv[1])

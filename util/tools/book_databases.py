"""The book's databases: their names, the variables that rename them, and the listings that
fill them; and the ledger, in each database's comment, of which of those have run.

A database the project created carries the comment "filled by util: <loaders that ran>"; one
without it is the reader's own and is never filled or dropped.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass

from util import settings
from util.tools.postgres_client import Postgres, PostgresError, identifier


@dataclass(frozen=True)
class BookDatabase:
    name: str  # the book's name, as `Needs: postgres (products)` writes it
    variable: str  # the util.settings variable (and environment variable) that renames it
    loaders: tuple[str, ...]  # modules run with `python -m`, in order, to fill it as the book does
    states: tuple[str, ...] = ()  # what it holds before each loader (for the reader's one line)

    def state_before(self, module: str) -> str:
        """What the database holds when the book's listing `module` (one of the loaders) runs."""
        return self.states[self.loaders.index(module)]

    @property
    def configured_name(self) -> str:
        return getattr(settings, self.variable)

    def env(self, actual_name: str) -> dict[str, str]:
        """The environment that makes listings use `actual_name` for this database."""
        return {self.variable: actual_name}


BOOK_DATABASES = {book.name: book for book in (
    # chapter 5: the schema (5.3), 100 brands (5.5), 1,000 products and 100,000 SKUs (5.6)
    BookDatabase("products", "PRODUCTS_DB",
                 ("chapter_05.listing_5_3", "chapter_05.listing_5_5", "chapter_05.listing_5_6"),
                 ("an empty database, no tables", "the schema, no data",
                  "the schema and 100 brands, no products")),
    # chapter 10: the cart (10.2) and favorites (10.3) tables, run as psql -f would
    BookDatabase("cart", "CART_DB", ("chapter_10.load_cart",)),
    BookDatabase("favorites", "FAVORITES_DB", ("chapter_10.load_favorites",)),
)}

LOADED = "filled by util: "  # database comment prefix, then the loaders that have run


async def ensure_database(pg: Postgres, name: str, book_name: str | None = None,
                          before: str | None = None) -> list[str]:
    """Create database `name` if missing and fill it with the loaders registered for it.

    `book_name` names the book database whose loaders apply (default: `name`); `before` stops
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
    book = BOOK_DATABASES.get(book_name or name)
    env = os.environ | pg.env() | (book.env(name) if book else {})
    ran = []
    for module in (book.loaders if book else ()):
        if module == before:
            break
        if module in done:
            continue
        result = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", module], cwd=settings.REPO, env=env,
            capture_output=True, text=True)
        if result.returncode != 0:
            if created:
                await pg.drop_database(name)
            raise PostgresError(f"loading database {name!r} failed in {module}: "
                                f"{(result.stderr.strip().splitlines() or ['?'])[-1]}")
        ran.append(module)
        await _record_loaded(pg, name, [*done, *ran])
    return ran


@dataclass
class Prepared:
    """What `prepare_for_listing` did, for the reader's lines."""
    created: bool = False  # the database did not exist and was created
    ran: tuple[str, ...] = ()  # the loaders run
    state: str | None = None  # the book's state given, before a listing that fills it step by step


async def prepare_for_listing(pg: Postgres, name: str, book_name: str,
                              module: str) -> Prepared:
    """Give database `name` the state the book's earlier listings leave when listing `module`
    runs: for one of the loaders (5.3, 5.5, 5.6) exactly the loaders before it, so it can run
    again and again (a database the project made is dropped and made again); for any other
    listing, everything. A database the project did not make is never touched."""
    book = BOOK_DATABASES.get(book_name)
    existed = await pg.database_exists(name)
    if book is None or module not in book.loaders:
        ran = await ensure_database(pg, name, book_name=book_name)
        return Prepared(created=not existed, ran=tuple(ran))
    if not await _drop_if_made_here(pg, name):
        return Prepared()  # the reader's own
    ran = await ensure_database(pg, name, book_name=book_name, before=module)
    return Prepared(created=not existed, ran=tuple(ran), state=book.state_before(module))


async def reset(pg: Postgres, book_name: str) -> list[str]:
    """Drop the book's database `book_name` (as configured) and make it again, fully loaded;
    a database of that name that the project did not make is refused. Returns the loaders."""
    book = BOOK_DATABASES[book_name]
    name = book.configured_name
    if not await _drop_if_made_here(pg, name):
        raise PostgresError(f"database {name!r} on {pg.host}:{pg.port} was not made by util: "
                            f"it is left alone (drop it yourself, or set {book.variable} "
                            f"to another name)")
    return await ensure_database(pg, name, book_name=book_name)


async def _drop_if_made_here(pg: Postgres, name: str) -> bool:
    """Drop database `name` if it is missing or the project made it (True); False, with
    nothing done, for the reader's own."""
    if await pg.database_exists(name):
        if await _loaded(pg, name) is None:
            return False
        await pg.drop_database(name)
    return True


async def record_loader_run(pg: Postgres, name: str, module: str) -> None:
    """Note that the reader ran loader `module` on database `name` (if the project made it)."""
    done = await _loaded(pg, name)
    if done is not None and module not in done:
        await _record_loaded(pg, name, [*done, module])


async def copy_database(pg: Postgres, source: str, name: str) -> None:
    """Create database `name` as a copy of database `source`, with its record of the loaders
    that ran (a copy does not inherit the comment that holds it)."""
    await pg.create_database(name, template=source)
    done = await _loaded(pg, source)
    if done is not None:
        await _record_loaded(pg, name, done)


# The record is read and written from the server's maintenance database, never from the
# database itself: a session in it would make CREATE DATABASE … TEMPLATE of it fail.
async def _loaded(pg: Postgres, name: str) -> list[str] | None:
    connection = await pg.connect()
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
    connection = await pg.connect()
    try:
        comment = (LOADED + ",".join(modules)).replace("'", "''")
        await connection.execute(f'COMMENT ON DATABASE "{identifier(name)}" IS \'{comment}\'')
    finally:
        await connection.close()

"""Postgres for the listings: the client, the embedded server, the book's databases."""
import asyncio
import shutil
import socket
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.support import free_port, ok, run_listing
from util.tools.book_databases import (
    BOOK_DATABASES,
    BookDatabase,
    copy_database,
    ensure_database,
    prepare_for_listing,
    record_loader_run,
)
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.postgres_client import Postgres, PostgresError

DEMO = BookDatabase("demo", "DEMO_DB", ("util.no_such_loader",))


def test_postgres_fixture_hands_out_throwaway_databases(postgres, make_database):
    database = make_database("products")
    assert database.env["PRODUCTS_DB"] == database.name
    assert database.fetch("SELECT current_database() AS name")[0]["name"] == database.name
    assert asyncio.run(postgres.database_exists(database.name))


def test_embedded_postgres_uses_the_book_credentials_and_restarts_on_its_data():
    folder = Path(tempfile.mkdtemp(prefix="asyncio-book-pg-"))
    server = EmbeddedPostgres(port=free_port(), data_dir=folder / "data", fast=True)
    try:
        start = time.monotonic()
        server.start()
        assert time.monotonic() - start < 10
        assert asyncio.run(server.server_version()).startswith("18")
        assert asyncio.run(server.create_database("products")) is True
        server.stop()
        assert not server.listening()
        server.start()
        assert asyncio.run(server.create_database("products")) is False, "data kept"
        wrong = Postgres(host=server.host, port=server.port, password="not-it")
        with pytest.raises(PostgresError, match="rejected user 'postgres'"):
            asyncio.run(wrong.server_version())
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert not server.listening()


def test_postgres_with_nothing_listening_is_a_clear_error():
    closed = Postgres(port=free_port())
    with pytest.raises(PostgresError, match=r"cannot connect to Postgres at 127\.0\.0\.1:\d+"):
        asyncio.run(closed.server_version())


def test_embedded_postgres_refuses_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = EmbeddedPostgres(port=taken.getsockname()[1], data_dir=tmp_path / "pg")
        with pytest.raises(PostgresError, match="already in use"):
            server.start()


def test_embedded_postgres_that_cannot_start_says_why_not_an_old_log_line(tmp_path):
    """A data folder the server cannot use (here not a real one; as root, one the server user
    cannot open, as a folder made by another system's Postgres user was): the error gives
    pg_ctl's reason, where it used to quote the last lines of an earlier run's log."""
    data = tmp_path / "pg"
    data.mkdir(mode=0o700)
    (data / "PG_VERSION").write_text("18\n")
    (data / "server.log").write_text("LOG:  database system is shut down\n")
    server = EmbeddedPostgres(port=free_port(), data_dir=data)
    with pytest.raises(PostgresError, match=r"did not start: \S") as raised:
        server.start()
    assert "database system is shut down" not in str(raised.value)
    assert not server.listening()


def test_a_failing_loader_drops_the_database_it_created(postgres, monkeypatch):
    monkeypatch.setitem(BOOK_DATABASES, "demo", DEMO)
    name = f"test_demo_{uuid.uuid4().hex[:8]}"
    with pytest.raises(PostgresError, match=rf"loading database '{name}' failed in "
                                            r"util.no_such_loader: .*No module named"):
        asyncio.run(ensure_database(postgres, name, book_name="demo"))
    assert not asyncio.run(postgres.database_exists(name))


def test_a_readers_own_database_is_never_filled_or_dropped(postgres, monkeypatch):
    monkeypatch.setitem(BOOK_DATABASES, "demo", DEMO)
    name = f"test_demo_{uuid.uuid4().hex[:8]}"
    asyncio.run(postgres.create_database(name))  # made by the reader: no util comment
    try:
        assert asyncio.run(ensure_database(postgres, name, book_name="demo")) == []
        assert asyncio.run(postgres.database_exists(name))
    finally:
        asyncio.run(postgres.drop_database(name))


def test_loaders_stop_before_the_listing_being_run_and_resume_later(postgres, make_database):
    database = make_database("products")  # created bare; the CLI's path starts from nothing
    asyncio.run(postgres.drop_database(database.name))
    ran = asyncio.run(ensure_database(postgres, database.name, book_name="products",
                                      before="chapter_05.listing_5_5"))
    assert ran == ["chapter_05.listing_5_3"]
    assert database.fetch("SELECT count(*) AS n FROM brand")[0]["n"] == 0
    ok(run_listing("5.5", env=database.env))  # the reader runs 5.5
    asyncio.run(record_loader_run(postgres, database.name, "chapter_05.listing_5_5"))
    ran = asyncio.run(ensure_database(postgres, database.name, book_name="products"))
    assert ran == ["chapter_05.listing_5_6"], "5.5 was recorded as run by the reader"
    assert database.fetch("SELECT count(*) AS n FROM brand")[0]["n"] == 100
    assert database.fetch("SELECT count(*) AS n FROM sku")[0]["n"] == 100_000


def test_a_copy_of_a_filled_database_keeps_its_rows_and_its_record_of_the_loaders(
        postgres, make_database):
    filled = make_database("products", load=True)
    copy = make_database("products")
    asyncio.run(postgres.drop_database(copy.name))
    asyncio.run(copy_database(postgres, filled.name, copy.name))
    assert copy.fetch("SELECT count(*) AS n FROM sku")[0]["n"] == 100_000
    assert asyncio.run(ensure_database(postgres, copy.name, book_name="products")) == []
    # made by util, not the reader's own: so it may be dropped and filled up to 5.5
    prepared = asyncio.run(prepare_for_listing(postgres, copy.name, "products",
                                               "chapter_05.listing_5_5"))
    assert prepared.ran == ("chapter_05.listing_5_3",)


def test_a_database_is_copied_without_a_session_in_it(postgres, make_database):
    """The loaders' record is read and written from the maintenance database: a session in the
    source would make another CREATE DATABASE … TEMPLATE of it fail (the run's workers all
    copy the one template). A source that takes no connections shows it."""
    source = make_database("cart", load=True)
    copy = make_database("cart")
    asyncio.run(postgres.drop_database(copy.name))

    async def refuse_connections():
        connection = await postgres.connect()
        try:
            await connection.execute(f'ALTER DATABASE "{source.name}" ALLOW_CONNECTIONS false')
        finally:
            await connection.close()

    asyncio.run(refuse_connections())
    asyncio.run(copy_database(postgres, source.name, copy.name))
    assert copy.fetch("SELECT count(*) AS n FROM user_cart")[0]["n"] == 6

"""`util run` gives each chapter-5 listing the products database the book's earlier listings
leave (5.3: an empty database; 5.5: the schema; 5.6: brands, no products; later: everything),
so the loaders can be run again and again without piling up data, and `util db reset` makes a
project-made database again; a reader's own database is never touched."""
import asyncio

import pytest

from tests.support import free_port, ok, unique_database_name
from tests.test_cli import assert_clean_error, cli

STATES = {
    "5.3": "an empty database, no tables",
    "5.5": "the schema, no data",
    "5.6": "the schema and 100 brands, no products",
}


@pytest.fixture
def products(postgres, tmp_path):
    """The environment of a run with a products database of its own name (not yet made) on the
    tests' Postgres; dropped after."""
    name = unique_database_name("products_states")
    env = postgres.env() | {"PRODUCTS_DB": name, "ASYNCIO_DATA_DIR": str(tmp_path),
                            "EXAMPLE_PORT": str(free_port())}
    yield env
    asyncio.run(postgres.drop_database(name))


def counts(postgres, name: str) -> tuple[int, int, int]:
    async def count():
        connection = await postgres.connect(name)
        try:
            return tuple([await connection.fetchval(f"SELECT count(*) FROM {table}")
                          for table in ("brand", "product", "sku")])
        finally:
            await connection.close()

    return asyncio.run(count())


def test_the_loaders_run_again_and_again_each_on_the_state_the_book_gives_it(postgres, products):
    name = products["PRODUCTS_DB"]
    for number in ("5.3", "5.5", "5.6", "5.6"):
        result = ok(cli("run", number, env=products, timeout=120))
        assert "Traceback" not in result.stderr, result
        assert (f"[util] database {name!r} as the book has it before listing {number}: "
                f"{STATES[number]}") in result.stderr.splitlines(), result
    assert counts(postgres, name) == (100, 1_000, 100_000)
    streamed = ok(cli("run", "5.15", env=products, timeout=60))
    assert "[util]" not in streamed.stderr, "nothing to do: the database is complete"
    assert len(streamed.lines) == 1_000
    brands = ok(cli("run", "5.4", env=products, timeout=60))
    # 5.4 is given the complete database too: the book's 100 brands, then the two it inserts
    assert len(brands.lines) == 102, brands
    assert brands.lines[100:] == ["id: 101, name: Levis", "id: 102, name: Seven"]


def test_created_is_said_once_and_only_when_made(postgres, products):
    first = ok(cli("run", "5.3", env=products, timeout=60))
    name = products["PRODUCTS_DB"]
    assert first.stderr.splitlines() == [
        f"[util] created database {name!r}",
        f"[util] database {name!r} as the book has it before listing 5.3: {STATES['5.3']}"]
    assert first.lines[-1] == "Finished creating the product database!"


def test_db_reset_brings_back_the_books_data_after_a_readers_extra_rows(postgres, products):
    name = products["PRODUCTS_DB"]
    ok(cli("run", "5.7", env=products, timeout=120))

    async def add_rows():
        connection = await postgres.connect(name)
        try:
            await connection.execute("INSERT INTO product (product_name, brand_id) "
                                     "SELECT 'extra ' || n, 1 FROM generate_series(1, 500) n")
        finally:
            await connection.close()

    asyncio.run(add_rows())
    assert counts(postgres, name)[1] == 1_500
    reset = ok(cli("db", "reset", "products", env=products, timeout=120))
    assert reset.lines == [f"database {name!r}: made again as the book has it "
                           "(chapter_05.listing_5_3, chapter_05.listing_5_5, "
                           "chapter_05.listing_5_6)"]
    assert counts(postgres, name) == (100, 1_000, 100_000)


def test_a_readers_own_database_is_never_touched(postgres, products):
    name = products["PRODUCTS_DB"]
    asyncio.run(postgres.create_database(name))  # no "filled by util" comment: the reader's
    assert_clean_error(cli("db", "reset", "products", env=products),
                       f"database {name!r} on {postgres.host}:{postgres.port} was not made by "
                       "util: it is left alone (drop it yourself, or set PRODUCTS_DB to another "
                       "name)")
    run = cli("run", "5.5", env=products, timeout=60)
    assert "[util]" not in run.stderr, "left as it is"
    assert run.returncode != 0, "5.5 finds no tables, as on any database without the schema"


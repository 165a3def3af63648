"""Listing 5.4 — Inserting and selecting brands

Section 5.4. Needs: postgres (products).

What to watch: execute() inserts two brands with DEFAULT ids; fetch() returns a list of
asyncpg Records, read by column name. On a fresh database it prints ids 1 and 2; every further
run adds two more rows (and the 100 brands of listing 5.5 are listed too once it has run).
`util run 5.4` gives it the loaded products database, so there the 100 brands come first and
the two new ones after them.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
"""
import asyncio
from typing import List

import asyncpg
from asyncpg import Record

from util import settings


async def main():
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)
    await connection.execute("INSERT INTO brand VALUES(DEFAULT, 'Levis')")
    await connection.execute("INSERT INTO brand VALUES(DEFAULT, 'Seven')")

    brand_query = 'SELECT brand_id, brand_name FROM brand'
    results: List[Record] = await connection.fetch(brand_query)

    for brand in results:
        print(f'id: {brand["brand_id"]}, name: {brand["brand_name"]}')

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 5.9 — Creating a transaction

Section 5.6. Needs: postgres (products).

What to watch: leaving `async with connection.transaction()` without an error commits both
inserts; the query afterwards sees them. Each run adds another brand_1/brand_2 pair, so the
printed list grows.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
Also: the SQL is laid out differently (the same statements).
"""
import asyncio

import asyncpg

from util import settings


async def main():
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)
    async with connection.transaction():
        await connection.execute("INSERT INTO brand "
                                 "VALUES(DEFAULT, 'brand_1')")
        await connection.execute("INSERT INTO brand "
                                 "VALUES(DEFAULT, 'brand_2')")

    query = """SELECT brand_name FROM brand
                WHERE brand_name LIKE 'brand%'"""
    brands = await connection.fetch(query)
    print(brands)

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

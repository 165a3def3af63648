"""Listing 5.15 — Streaming results one by one

Section 5.7.2. Needs: postgres (products).

What to watch: a server-side cursor (inside a transaction, which Postgres cursors need) streams
the 1,000 products to `async for`, fetching 50 rows at a time by default, instead of loading the
whole result into memory. One Record per line.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
Also: the query spells `from` in lower case.
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

    query = 'SELECT product_id, product_name from product'
    async with connection.transaction():
        async for product in connection.cursor(query):
            print(product)

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

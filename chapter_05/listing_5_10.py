"""Listing 5.10 — Handling an error in a transaction

Section 5.6. Needs: postgres (products).

What to watch: the second insert of brand 9999 violates brand_pkey; the exception leaves the
transaction block, which rolls back the first insert too. The error is logged to stderr with its
traceback and the query in `finally` prints an empty list. Running it again gives the same.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
Also: the SQL is laid out differently (the same statements).
"""
import asyncio
import logging

import asyncpg

from util import settings


async def main():
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)
    try:
        async with connection.transaction():
            insert_brand = "INSERT INTO brand VALUES(9999, 'big_brand')"
            await connection.execute(insert_brand)
            await connection.execute(insert_brand)
    except Exception:
        logging.exception('Error while running transaction')
    finally:
        query = """SELECT brand_name FROM brand
                    WHERE brand_name LIKE 'big_%'"""
        brands = await connection.fetch(query)
        print(f'Query result was: {brands}')

        await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

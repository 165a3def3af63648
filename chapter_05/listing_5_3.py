"""Listing 5.3 — Using an execute coroutine to run create statements

Section 5.4. Needs: postgres (products).

What to watch: the statements run strictly one after another (the tables depend on each other
through foreign keys); execute() returns the status tag Postgres sends back (for a string of
several statements, that of the last one). The listing is not idempotent: run directly
(`python -m chapter_05.listing_5_3`) a second time, or on a database already set up (as
`python -m util services up` leaves it, schema and data), it prints the five CREATE TABLE lines
again, then fails with UniqueViolationError on product_size_pkey. `python -m util run 5.3`
instead gives every run the empty database the book starts from, so each of its runs succeeds.

Differs from the book: the seven names are imported explicitly instead of with a star import;
the address comes from util.settings and the database name from PRODUCTS_DB (default products).
"""
import asyncio

import asyncpg

from chapter_05.listing_5_2 import (
    COLOR_INSERT,
    CREATE_BRAND_TABLE,
    CREATE_PRODUCT_COLOR_TABLE,
    CREATE_PRODUCT_SIZE_TABLE,
    CREATE_PRODUCT_TABLE,
    CREATE_SKU_TABLE,
    SIZE_INSERT,
)
from util import settings


async def main():
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)
    statements = [CREATE_BRAND_TABLE,
                  CREATE_PRODUCT_TABLE,
                  CREATE_PRODUCT_COLOR_TABLE,
                  CREATE_PRODUCT_SIZE_TABLE,
                  CREATE_SKU_TABLE,
                  SIZE_INSERT,
                  COLOR_INSERT]

    print('Creating the product database...')
    for statement in statements:
        status = await connection.execute(statement)
        print(status)
    print('Finished creating the product database!')
    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

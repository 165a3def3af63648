"""Listing 5.11 — A nested transaction

Section 5.6.1. Needs: postgres (products).

What to watch: the inner transaction is a SAVEPOINT. Inserting color id 1 again fails; only the
savepoint is rolled back, the warning goes to stderr, and the outer transaction still commits
my_new_brand (one more per run). Nothing is printed on stdout.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
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
    async with connection.transaction():
        await connection.execute("INSERT INTO brand VALUES(DEFAULT, 'my_new_brand')")

        try:
            async with connection.transaction():
                await connection.execute("INSERT INTO product_color VALUES(1, 'black')")
        except Exception as ex:
            logging.warning('Ignoring error inserting product color', exc_info=ex)

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

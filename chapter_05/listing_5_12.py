"""Listing 5.12 — Manually managing a transaction

Section 5.6.2. Needs: postgres (products).

What to watch: a Transaction object started, committed or rolled back by hand: with no database
error it prints the commit message and the query lists every brand_1/brand_2 row (two more than
before the run); on an asyncpg.PostgresError it would print "Errors, rolling back transaction!"
and commit nothing.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
Also: the SQL is laid out differently (the same statements).
"""
import asyncio

import asyncpg
from asyncpg.transaction import Transaction

from util import settings


async def main():
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)
    transaction: Transaction = connection.transaction()
    await transaction.start()
    try:
        await connection.execute("INSERT INTO brand "
                                 "VALUES(DEFAULT, 'brand_1')")
        await connection.execute("INSERT INTO brand "
                                 "VALUES(DEFAULT, 'brand_2')")
    except asyncpg.PostgresError:
        print('Errors, rolling back transaction!')
        await transaction.rollback()
    else:
        print('No errors, committing transaction!')
        await transaction.commit()

    query = """SELECT brand_name FROM brand
                WHERE brand_name LIKE 'brand%'"""
    brands = await connection.fetch(query)
    print(brands)

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

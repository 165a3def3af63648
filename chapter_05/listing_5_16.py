"""Listing 5.16 — Moving the cursor and fetching records

Section 5.7.2. Needs: postgres (products).

What to watch: awaiting connection.cursor() gives a Cursor object; forward(500) skips 500 rows
on the server and fetch(100) returns the next 100: usually products 501-600, the book's
result. Without ORDER BY the order is the table's storage order, and PostgreSQL 18 sometimes
stores a freshly loaded row a few pages on, so a run may show a few other ids among them.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
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
        query = 'SELECT product_id, product_name from product'
        cursor = await connection.cursor(query)
        await cursor.forward(500)
        products = await cursor.fetch(100)
        for product in products:
            print(product)

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 5.17 — Getting a specific number of elements with an asynchronous generator

Section 5.7.2. Needs: postgres (products).

What to watch: take() is an async generator of our own that re-yields the first `to_take`
items of any async iterable, here a cursor: five products, then the final message.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
"""
import asyncio

import asyncpg

from util import settings


async def take(generator, to_take: int):
    item_count = 0
    async for item in generator:
        if item_count > to_take - 1:
            return
        item_count = item_count + 1
        yield item


async def main():
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)

    async with connection.transaction():
        query = 'SELECT product_id, product_name from product'
        product_generator = connection.cursor(query)

        async for product in take(product_generator, 5):
            print(product)

        print('Got the first five products!')

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

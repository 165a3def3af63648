"""Listing 5.7 — Establishing a connection pool and running queries concurrently

Section 5.5.2. Needs: postgres (products).

What to watch: one connection runs one query at a time (gather two fetches on a single
connection and asyncpg raises InterfaceError: another operation is in progress); a pool of six
connections lets the two query_product calls run at the same time. It prints nothing.

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
"""
import asyncio

import asyncpg

from util import settings

product_query = \
    """
SELECT
p.product_id,
p.product_name,
p.brand_id,
s.sku_id,
pc.product_color_name,
ps.product_size_name
FROM product as p
JOIN sku as s on s.product_id = p.product_id
JOIN product_color as pc on pc.product_color_id = s.product_color_id
JOIN product_size as ps on ps.product_size_id = s.product_size_id
WHERE p.product_id = 100"""


async def query_product(pool):
    async with pool.acquire() as connection:
        return await connection.fetchrow(product_query)


async def main():
    async with asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                   port=settings.POSTGRES_PORT,
                                   user=settings.POSTGRES_USER,
                                   password=settings.POSTGRES_PASSWORD,
                                   database=settings.PRODUCTS_DB,
                                   min_size=6,
                                   max_size=6) as pool:
        await asyncio.gather(query_product(pool),
                             query_product(pool))


if __name__ == "__main__":
    asyncio.run(main())

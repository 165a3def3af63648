"""Listing 5.8 — Synchronous queries vs. concurrent

Section 5.5.2. Needs: postgres (products).

What to watch: 10,000 queries awaited one after another, then 10,000 gathered over a pool of
six connections; the concurrent run finishes clearly sooner (the book: 21.8 s against 4.8 s).
The gain is bounded by the pool size and by the client's CPU work (see listing 6.15).

Measured on this project's machine: benchmarks/results/report.md (the postgres comparison).

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
"""
import asyncio

import asyncpg

from util import async_timed, settings

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


@async_timed()
async def query_products_synchronously(pool, queries):
    return [await query_product(pool) for _ in range(queries)]


@async_timed()
async def query_products_concurrently(pool, queries):
    queries = [query_product(pool) for _ in range(queries)]
    return await asyncio.gather(*queries)


async def main():
    async with asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                   port=settings.POSTGRES_PORT,
                                   user=settings.POSTGRES_USER,
                                   password=settings.POSTGRES_PASSWORD,
                                   database=settings.PRODUCTS_DB,
                                   min_size=6,
                                   max_size=6) as pool:
        await query_products_synchronously(pool, 10000)
        await query_products_concurrently(pool, 10000)


if __name__ == "__main__":
    asyncio.run(main())

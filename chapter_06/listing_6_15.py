"""Listing 6.15 — One event loop per process

Section 6.6. Needs: postgres (products).

What to watch: five worker processes' worth of work (run_in_new_loop, 10,000 queries each),
each with its own event loop and its own pool of six connections; at most one per CPU runs at
a time, so on 2 cores they come in three waves. The workers print the query timings; the parent
prints the total, 50,000, and its own time. asyncpg Records cannot be pickled, so each worker
turns its rows into dicts before sending them back. The book: 50,000 queries in about 13 s on
8 cores, against 10,000 in about 6 s with one event loop (listing 5.8).

Measured on this project's machine: benchmarks/results/report.md (the postgres comparison).

Differs from the book: the address comes from util.settings, the database from PRODUCTS_DB.
"""
import asyncio
from concurrent.futures.process import ProcessPoolExecutor
from typing import Dict, List

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
async def query_products_concurrently(pool, queries):
    queries = [query_product(pool) for _ in range(queries)]
    return await asyncio.gather(*queries)


def run_in_new_loop(num_queries: int) -> List[Dict]:
    async def run_queries():
        async with asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       password=settings.POSTGRES_PASSWORD,
                                       database=settings.PRODUCTS_DB,
                                       min_size=6,
                                       max_size=6) as pool:
            return await query_products_concurrently(pool, num_queries)

    results = [dict(result) for result in asyncio.run(run_queries())]
    return results


@async_timed()
async def main():
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor()
    tasks = [loop.run_in_executor(pool, run_in_new_loop, 10000) for _ in range(5)]
    all_results = await asyncio.gather(*tasks)
    total_queries = sum([len(result) for result in all_results])
    print(f'Retrieved {total_queries} products the product database.')


if __name__ == "__main__":
    asyncio.run(main())

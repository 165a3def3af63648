"""Listing 5.7 (today: TaskGroup) — Establishing a connection pool and running queries concurrently

Section 5.5.2. Needs: postgres (products).

What to watch: the same pool of six and the same two product queries as 5.7, now in a TaskGroup
("Got 2 results, 6 columns each"). Then a query that would take 5 s (pg_sleep) runs under
`asyncio.timeout(1)`: after 1 s "Query timed out after 1 s", and the server is no longer running
it ("Server still running pg_sleep: False"), because cancelling the await makes asyncpg cancel
the query on the server; the connection goes back to the pool in a usable state.

What changed: asyncio.TaskGroup instead of gather, asyncio.timeout around each query instead of
wait_for or asyncpg's own `timeout=` arguments.

Since: Python 3.11 (asyncio.TaskGroup, asyncio.timeout).

Why it is better: if one query fails the others are cancelled (and asyncpg cancels them on the
server too), instead of running on with nobody waiting for them, as with gather; a timeout is a
block that can span several queries of one request. What to watch out for: a timeout cancels
the query with a Postgres cancel request, which costs a round trip on another connection; inside
a transaction, the cancelled query aborts the transaction.
"""
import asyncio

import asyncpg

from chapter_05.listing_5_7 import query_product
from util import settings
from util.tools.companions import refuse_older_python


async def main():
    async with asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                   port=settings.POSTGRES_PORT,
                                   user=settings.POSTGRES_USER,
                                   password=settings.POSTGRES_PASSWORD,
                                   database=settings.PRODUCTS_DB,
                                   min_size=6,
                                   max_size=6) as pool:
        async with asyncio.TaskGroup() as tg:
            queries = [tg.create_task(query_product(pool)), tg.create_task(query_product(pool))]
        rows = [len(query.result()) for query in queries]
        print(f'Got {len(queries)} results, {rows[0]} columns each')

        try:
            async with asyncio.timeout(1):
                await pool.fetchval('SELECT pg_sleep(5)')
        except TimeoutError:
            print('Query timed out after 1 s')
        running = await pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)' "
            "AND state = 'active'")
        print(f'Server still running pg_sleep: {running > 0}')


if __name__ == "__main__":
    refuse_older_python("5.7_taskgroup")
    asyncio.run(main())

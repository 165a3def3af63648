"""Listing 8.11 — An asynchronous command-line SQL client

Section 8.4.1. Needs: tty, postgres (products).

What to watch: the console of 8.10, but every line you type is an SQL query run as a task on a
pool of six connections to the chapter 5 products database. Type `SELECT pg_sleep(2), 1` and
then a fast query such as `SELECT * FROM product`: the fast one's message comes first, the slow
one about 2 s after you entered it; typing never blocks. The book's message says "rows" but
fetchrow() returns only the first row, so the number is that row's column count ("Fetched 3
rows from: SELECT * FROM product"), and a query that returns no rows is reported as
"Got exception object of type 'NoneType' has no len() ...". Ctrl-C ends it; then type `reset`
to restore the terminal.

Differs from the book: the pool's host, port, user, password and database come from
util.settings (the book's 127.0.0.1:5432, postgres/password, products by default).
"""
# ruff: noqa: F405  (the cursor helpers and sys come from the star import)
import asyncio
import os
import tty
from collections import deque

import asyncpg
from asyncpg.pool import Pool

from chapter_08.listing_8_5 import create_stdin_reader
from chapter_08.listing_8_7 import *  # noqa: F403 (as in the book; brings sys too)
from chapter_08.listing_8_8 import read_line
from chapter_08.listing_8_9 import MessageStore
from util import settings


async def run_query(query: str, pool: Pool, message_store: MessageStore):
    async with pool.acquire() as connection:
        try:
            result = await connection.fetchrow(query)
            await message_store.append(f'Fetched {len(result)} rows from: {query}')
        except Exception as e:
            await message_store.append(f'Got exception {e} from: {query}')


async def main():
    tty.setcbreak(0)
    os.system('clear')
    rows = move_to_bottom_of_screen()

    async def redraw_output(items: deque):
        save_cursor_position()
        move_to_top_of_screen()
        for item in items:
            delete_line()
            print(item)
        restore_cursor_position()

    messages = MessageStore(redraw_output, rows - 1)

    stdin_reader = await create_stdin_reader()

    async with asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                   port=settings.POSTGRES_PORT,
                                   user=settings.POSTGRES_USER,
                                   password=settings.POSTGRES_PASSWORD,
                                   database=settings.PRODUCTS_DB,
                                   min_size=6, max_size=6) as pool:

        while True:
            query = await read_line(stdin_reader)
            asyncio.create_task(run_query(query, pool, messages))


if __name__ == "__main__":
    asyncio.run(main())

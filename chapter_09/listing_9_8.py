"""Listing 9.8 — A Starlette brands endpoint

Section 9.3.1. Needs: postgres (products). Listens: SERVER_PORT.

What to watch: this is the book's code, and on today's Starlette (1.0 and later) it fails before
serving anything: `python -m chapter_09.listing_9_8` (or `uvicorn chapter_09.listing_9_8:app`)
stops with "TypeError: Starlette.__init__() got an unexpected keyword argument 'on_startup'".
The on_startup/on_shutdown hooks the book passes were deprecated in later 0.x releases and
removed in 1.0; a lifespan context manager replaces them. listing_9_8_fixed.py is the same
endpoint with a lifespan, and it runs.

Differs from the book: `app = Starlette(...)` runs when `app` is first looked up (the module's
__getattr__, as uvicorn does when it loads chapter_09.listing_9_8:app), not when the module is
imported, so importing it stays harmless; the failure is the same. `python -m` runs uvicorn on
util.settings SERVER_HOST:SERVER_PORT (127.0.0.1:8000), and the pool's address and database come
from util.settings.
"""
from typing import Dict, List

import asyncpg
import uvicorn
from asyncpg import Record
from asyncpg.pool import Pool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from util import settings


async def create_database_pool():
    pool: Pool = await asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                           port=settings.POSTGRES_PORT,
                                           user=settings.POSTGRES_USER,
                                           password=settings.POSTGRES_PASSWORD,
                                           database=settings.PRODUCTS_DB,
                                           min_size=6,
                                           max_size=6)
    app.state.DB = pool


async def destroy_database_pool():
    pool = app.state.DB
    await pool.close()


async def brands(request: Request) -> Response:
    connection: Pool = request.app.state.DB
    brand_query = 'SELECT brand_id, brand_name FROM brand'
    results: List[Record] = await connection.fetch(brand_query)
    result_as_dict: List[Dict] = [dict(brand) for brand in results]
    return JSONResponse(result_as_dict)


def __getattr__(name):
    # The book's module ends with the statement below, run at import time.
    if name != 'app':
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    global app
    app = Starlette(routes=[Route('/brands', brands)],
                    on_startup=[create_database_pool],
                    on_shutdown=[destroy_database_pool])
    return app


if __name__ == "__main__":
    uvicorn.run("chapter_09.listing_9_8:app",
                host=settings.SERVER_HOST, port=settings.SERVER_PORT)

"""Listing 9.8 (fixed) — A Starlette brands endpoint

Section 9.3.1. Needs: postgres (products). Listens: SERVER_PORT.

What to watch: the same endpoint as listing 9.8, with the pool made and closed by a lifespan
context manager, the hook today's Starlette has in place of on_startup/on_shutdown: the code
before `yield` runs before the first request, the code after it at shutdown. `python -m
chapter_09.listing_9_8_fixed` (or `uvicorn chapter_09.listing_9_8_fixed:app`) serves
`curl http://127.0.0.1:8000/brands`, the brand table as a JSON list.

Differs from the book: lifespan=lifespan instead of on_startup=[...], on_shutdown=[...] (removed
in Starlette 1.0); `python -m` runs uvicorn on util.settings SERVER_HOST:SERVER_PORT
(127.0.0.1:8000), and the pool's address and database come from util.settings.
"""
import contextlib
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


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    await create_database_pool()
    yield
    await destroy_database_pool()


app = Starlette(routes=[Route('/brands', brands)], lifespan=lifespan)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.SERVER_HOST, port=settings.SERVER_PORT)

"""Listing 9.2 — Connecting to a product database

Section 9.1.3. Needs: postgres (products). Listens: WEB_PORT.

What to watch: "Creating database pool." prints before the run_app banner (the on_startup hook
runs first), and "Destroying database pool." after Ctrl-C (on_cleanup). GET /brands answers the
brand table as a JSON list of {"brand_id": ..., "brand_name": ...} objects, e.g.
`curl http://127.0.0.1:8080/brands`. The string key 'database' makes aiohttp 3.9+ warn
(NotAppKeyWarning), which it hides unless warnings are shown (`python -W default -m
chapter_09.listing_9_2`); 9.2_appkey uses a typed web.AppKey instead.

Differs from the book: the pool's address and database come from util.settings (PGHOST, PGPORT,
PGUSER, PGPASSWORD, PRODUCTS_DB) and run_app listens on SERVER_HOST:WEB_PORT (127.0.0.1:8080;
the book uses 0.0.0.0:8080). run_app is under the main guard, so listing 9.4 imports
create_database_pool and destroy_database_pool without starting this server (in the book's file
the import runs the /brands server first, and 9.4's own server only starts once that one is
stopped). The brand names carry no trailing newline, since listing 5.5 here strips them.
"""
from typing import Dict, List

import asyncpg
from aiohttp import web
from aiohttp.web_app import Application
from aiohttp.web_request import Request
from aiohttp.web_response import Response
from asyncpg import Record
from asyncpg.pool import Pool

from util import settings

routes = web.RouteTableDef()
DB_KEY = 'database'


async def create_database_pool(app: Application):
    print('Creating database pool.')
    pool: Pool = await asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                           port=settings.POSTGRES_PORT,
                                           user=settings.POSTGRES_USER,
                                           password=settings.POSTGRES_PASSWORD,
                                           database=settings.PRODUCTS_DB,
                                           min_size=6,
                                           max_size=6)
    app[DB_KEY] = pool


async def destroy_database_pool(app: Application):
    print('Destroying database pool.')
    pool: Pool = app[DB_KEY]
    await pool.close()


@routes.get('/brands')
async def brands(request: Request) -> Response:
    connection: Pool = request.app[DB_KEY]
    brand_query = 'SELECT brand_id, brand_name FROM brand'
    results: List[Record] = await connection.fetch(brand_query)
    result_as_dict: List[Dict] = [dict(brand) for brand in results]
    return web.json_response(result_as_dict)


if __name__ == "__main__":
    app = web.Application()
    app.on_startup.append(create_database_pool)
    app.on_cleanup.append(destroy_database_pool)

    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.WEB_PORT)

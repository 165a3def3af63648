"""Listing 10.7 — The product service

Section 10.3.2. Needs: postgres (products). Listens: SERVER_PORT.

What to watch: GET /products answers every row of chapter 5's product table as
{"product_id", "product_name"} objects, with no paging: 1,000 of them for the book's data,
which is what makes the BFF (10.8) fan out one inventory call per product.

Differs from the book: the Postgres address, credentials and database name (PRODUCTS_DB) come
from util.settings, host and port from SERVER_HOST and SERVER_PORT (book default 8000, but
127.0.0.1 instead of all interfaces); the app starts only under `if __name__ == "__main__":`.
Chapter 5's product names here have no newlines in them (see listing 5.6).
"""
import functools

from aiohttp import web
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from chapter_10.listing_10_4 import DB_KEY, create_database_pool, destroy_database_pool
from util import settings

routes = web.RouteTableDef()


@routes.get('/products')
async def products(request: Request) -> Response:
    db = request.app[DB_KEY]
    product_query = 'SELECT product_id, product_name FROM product'
    result = await db.fetch(product_query)
    return web.json_response([dict(record) for record in result])


if __name__ == "__main__":
    app = web.Application()
    app.on_startup.append(functools.partial(create_database_pool,
                                            host=settings.POSTGRES_HOST,
                                            port=settings.POSTGRES_PORT,
                                            user=settings.POSTGRES_USER,
                                            password=settings.POSTGRES_PASSWORD,
                                            database=settings.PRODUCTS_DB))
    app.on_cleanup.append(destroy_database_pool)

    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.SERVER_PORT)

"""Listing 9.3 — Getting a specific product

Section 9.1.3. Needs: postgres (products). Listens: WEB_PORT.

What to watch: `curl http://127.0.0.1:8080/products/1` answers that product's row as a JSON
object; /products/abc is a 400 (the id is not an integer) and an id with no row is a 404, both
raised as aiohttp HTTP exceptions. An id beyond Postgres's int range (/products/99999999999) is
still a 500 with the asyncpg error logged, as in the book.

Differs from the book: the pool's address and database come from util.settings and run_app
listens on SERVER_HOST:WEB_PORT (127.0.0.1:8080; the book uses 0.0.0.0:8080), under the main
guard.
"""
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


@routes.get('/products/{id}')
async def get_product(request: Request) -> Response:
    try:
        str_id = request.match_info['id']
        product_id = int(str_id)

        query = \
            """
            SELECT
            product_id,
            product_name,
            brand_id
            FROM product
            WHERE product_id = $1
            """

        connection: Pool = request.app[DB_KEY]
        result: Record = await connection.fetchrow(query, product_id)

        if result is not None:
            return web.json_response(dict(result))
        else:
            raise web.HTTPNotFound()
    except ValueError:
        raise web.HTTPBadRequest()


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


if __name__ == "__main__":
    app = web.Application()
    app.on_startup.append(create_database_pool)
    app.on_cleanup.append(destroy_database_pool)
    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.WEB_PORT)

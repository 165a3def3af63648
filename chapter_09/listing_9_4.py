"""Listing 9.4 — An endpoint to create a product

Section 9.1.3. Needs: postgres (products). Listens: WEB_PORT.

What to watch: POST /product with {"product_name": "widget", "brand_id": 1} inserts a row and
answers an empty 201; a body without both keys, or no body at all, is a 400. Try
`curl -i -d '{"product_name": "widget", "brand_id": 1}' http://127.0.0.1:8080/product`.

Differs from the book: bad input is a 400 instead of a 500 with a traceback in the log: a body
that is not JSON (or not a JSON object), a brand_id that is not an integer, a brand that does
not exist, a product_name that is not a string (null included), a brand_id that is a JSON
boolean or a number with a fraction or exponent (`true`, `1.5`, `Infinity`, `1e400`: the book's
`int()` stored `true` and `1.5` as brand 1 and failed with a 500 on infinity), and a body nested
too deep to parse (a 100,000-deep array: RecursionError). The pool helpers come from listing
9.2, whose server now starts only under its main guard: importing it no longer runs the /brands
server first, as it did in the book's file. run_app listens on util.settings SERVER_HOST:WEB_PORT
(127.0.0.1:8080; the book uses 0.0.0.0:8080). Also: the SQL is laid out differently (the same
statement).
"""
import asyncpg
from aiohttp import web
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from chapter_09.listing_9_2 import create_database_pool, destroy_database_pool
from util import settings

routes = web.RouteTableDef()
DB_KEY = 'database'


@routes.post('/product')
async def create_product(request: Request) -> Response:
    PRODUCT_NAME = 'product_name'
    BRAND_ID = 'brand_id'

    if not request.can_read_body:
        raise web.HTTPBadRequest()

    try:
        body = await request.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep (book: a 500)
        raise web.HTTPBadRequest()

    if isinstance(body, dict) and PRODUCT_NAME in body and BRAND_ID in body:
        if (not isinstance(body[PRODUCT_NAME], str)
                or isinstance(body[BRAND_ID], (bool, float))):  # int() would store 1.5 as 1
            raise web.HTTPBadRequest()
        db = request.app[DB_KEY]
        try:
            await db.execute('''INSERT INTO product(product_id,
                                                    product_name,
                                                    brand_id)
                                                    VALUES(DEFAULT, $1, $2)''',
                             body[PRODUCT_NAME],
                             int(body[BRAND_ID]))
        except (ValueError, TypeError, asyncpg.DataError,
                asyncpg.ForeignKeyViolationError):
            # brand_id not an integer, a value of the wrong type, no such brand
            raise web.HTTPBadRequest()
        return web.Response(status=201)
    else:
        raise web.HTTPBadRequest()


if __name__ == "__main__":
    app = web.Application()
    app.on_startup.append(create_database_pool)
    app.on_cleanup.append(destroy_database_pool)
    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.WEB_PORT)

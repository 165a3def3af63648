"""Listing 10.6 — The cart service

Section 10.3.2. Needs: postgres (cart). Listens: CART_PORT.

What to watch: a copy of the favorites service over the cart database: users 1 and 2 have three
items each, user 3 (the one the BFF asks about) has an empty cart, /users/x/cart answers 400.
The handler is still called `time`, a copy-and-paste leftover from the book.

Differs from the book: the Postgres address, credentials and database name (CART_DB) come from
util.settings, host and port from SERVER_HOST and CART_PORT (book default 8003, but 127.0.0.1
instead of all interfaces); the app starts only under `if __name__ == "__main__":`.
"""
import functools

from aiohttp import web
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from chapter_10.listing_10_4 import DB_KEY, create_database_pool, destroy_database_pool
from util import settings

routes = web.RouteTableDef()


@routes.get('/users/{id}/cart')
async def time(request: Request) -> Response:
    try:
        str_id = request.match_info['id']
        user_id = int(str_id)
        db = request.app[DB_KEY]
        favorite_query = 'SELECT product_id from user_cart where user_id = $1'
        result = await db.fetch(favorite_query, user_id)
        if result is not None:
            return web.json_response([dict(record) for record in result])
        else:
            raise web.HTTPNotFound()
    except ValueError:
        raise web.HTTPBadRequest()


if __name__ == "__main__":
    app = web.Application()
    app.on_startup.append(functools.partial(create_database_pool,
                                            host=settings.POSTGRES_HOST,
                                            port=settings.POSTGRES_PORT,
                                            user=settings.POSTGRES_USER,
                                            password=settings.POSTGRES_PASSWORD,
                                            database=settings.CART_DB))
    app.on_cleanup.append(destroy_database_pool)

    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.CART_PORT)

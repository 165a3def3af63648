"""Listing 10.5 — The favorites service

Section 10.3.2. Needs: postgres (favorites). Listens: FAVORITES_PORT.

What to watch: GET /users/1/favorites and /users/3/favorites answer three {"product_id": n}
objects, user 2 gets [] with status 200 (fetch always returns a list, so the 404 branch never
runs), and /users/x/favorites answers 400. The pool is opened when the server starts and
closed when you stop it.

Differs from the book: the Postgres address, credentials and database name (FAVORITES_DB) come
from util.settings, host and port from SERVER_HOST and FAVORITES_PORT (book default 8002, but
127.0.0.1 instead of all interfaces); the app starts only under `if __name__ == "__main__":`.
"""
import functools

from aiohttp import web
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from chapter_10.listing_10_4 import DB_KEY, create_database_pool, destroy_database_pool
from util import settings

routes = web.RouteTableDef()


@routes.get('/users/{id}/favorites')
async def favorites(request: Request) -> Response:
    try:
        str_id = request.match_info['id']
        user_id = int(str_id)
        db = request.app[DB_KEY]
        favorite_query = 'SELECT product_id from user_favorite where user_id = $1'
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
                                            database=settings.FAVORITES_DB))
    app.on_cleanup.append(destroy_database_pool)

    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.FAVORITES_PORT)

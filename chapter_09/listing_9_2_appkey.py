"""Listing 9.2 (today: AppKey and cleanup_ctx) — Connecting to a product database

Section 9.1.3. Needs: postgres (products). Listens: WEB_PORT.

What to watch: the same app and the same lines as 9.2: "Creating database pool." before the
run_app banner, GET /brands answering the brand table as JSON, "Destroying database pool." after
Ctrl-C. The pool lives in one async generator registered in app.cleanup_ctx (the code before its
yield runs at startup, the code after it at cleanup), stored under a typed web.AppKey instead
of the string 'database', so a type checker knows that request.app[DB_KEY] is a Pool. Run
plainly, the two print the same: aiohttp warns (NotAppKeyWarning) about 9.2's string key but
hides that warning unless warnings are shown. Show them and they differ:
`python -W default -m chapter_09.listing_9_2` prints "NotAppKeyWarning: It is recommended to
use web.AppKey instances for keys." on stderr at startup, and
`python -W default -m chapter_09.listing_9_2_appkey` prints no warning.

What changed: `web.AppKey(name, type)` keys for application state; `app.cleanup_ctx` for
resources that must be set up and torn down together (in the book, on_startup and on_cleanup).

Since: aiohttp 3.9 (web.AppKey, and the NotAppKeyWarning for string keys, ignored unless
warnings are shown); cleanup_ctx since aiohttp 3.1.

Why it is better: a string key can collide with another library's and says nothing of the
value's type; AppKey is unique and typed. With cleanup_ctx the teardown runs exactly when the
setup succeeded, and stays next to it: if a later startup step fails, the pool is still closed,
and if the pool could not be created, nothing tries to close it. What to watch out for: the
generator must yield exactly once.
"""
from collections.abc import AsyncIterator

import asyncpg
from aiohttp import web
from asyncpg.pool import Pool

from util import settings
from util.tools.companions import refuse_older_python

routes = web.RouteTableDef()
DB_KEY = web.AppKey('database', Pool)


async def database_pool(app: web.Application) -> AsyncIterator[None]:
    print('Creating database pool.')
    app[DB_KEY] = await asyncpg.create_pool(host=settings.POSTGRES_HOST,
                                            port=settings.POSTGRES_PORT,
                                            user=settings.POSTGRES_USER,
                                            password=settings.POSTGRES_PASSWORD,
                                            database=settings.PRODUCTS_DB,
                                            min_size=6,
                                            max_size=6)
    yield
    print('Destroying database pool.')
    await app[DB_KEY].close()


@routes.get('/brands')
async def brands(request: web.Request) -> web.Response:
    connection = request.app[DB_KEY]
    brand_query = 'SELECT brand_id, brand_name FROM brand'
    results = await connection.fetch(brand_query)
    return web.json_response([dict(brand) for brand in results])


if __name__ == "__main__":
    refuse_older_python("9.2_appkey")
    app = web.Application()
    app.cleanup_ctx.append(database_pool)
    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.WEB_PORT)

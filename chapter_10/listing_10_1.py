"""Listing 10.1 — An inventory service

Section 10.3.2. Needs: nothing. Listens: INVENTORY_PORT.

What to watch: GET /products/<id>/inventory answers {"inventory": <0..100>} after a random
0.0-2.0 s, so about half of the calls take longer than the BFF's 1 s timeout (listing 10.8).
The id is not checked: /products/abc/inventory answers too.

Differs from the book: host and port come from util.settings (SERVER_HOST, INVENTORY_PORT; book
default 8001, but 127.0.0.1 instead of all interfaces), and the app starts only under
`if __name__ == "__main__":`.
"""
import asyncio
import random

from aiohttp import web
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from util import settings

routes = web.RouteTableDef()


@routes.get('/products/{id}/inventory')
async def get_inventory(request: Request) -> Response:
    delay: float = random.randint(0, 20) / 10
    await asyncio.sleep(delay)
    inventory: int = random.randint(0, 100)
    return web.json_response({'inventory': inventory})


if __name__ == "__main__":
    app = web.Application()
    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.INVENTORY_PORT)

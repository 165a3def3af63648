"""Listing 10.8 — The product backend-for-frontend

Section 10.3.3. Needs: microservices. Listens: SERVICE_PORT.

What to watch: GET /products/all asks the product, favorites and cart services at once and
waits at most 1 s; then one inventory call per product, again at most 1 s. A slow inventory
gives "inventory": null for that product; a slow or failing cart or favorites service gives
null for its count (failures are logged to stderr as "ERROR:root:..." with the traceback); a
product service that does not answer within 1 s gives 504, one that fails gives 500. The
answer never takes much more than 2 s. Products come back in no particular order. With the
inventory service down, every product gets null within about 1 s (the book's 1,000 refused
calls, 100 at a time through aiohttp's pool, take about that; the 1 s wait cuts off the rest),
and each request logs one traceback, the first failed call's, then one line per other failure.

Differs from the book: the four base URLs are built from util.settings (SERVER_HOST and
SERVER_PORT, INVENTORY_PORT, FAVORITES_PORT, CART_PORT; the book's 8000-8003 by default) and the
BFF listens on SERVER_HOST:SERVICE_PORT (9000) instead of all interfaces; the app starts only
under `if __name__ == "__main__":`. `python -m util run 10.8` starts the four services first.
Also: an inventory call that fails gives that product "inventory": null, as a slow one does; the
book logs the failure with exc_info= of a dict lookup that raises AttributeError, so one failing
inventory call turned the whole response into a 500. Only the first failed inventory call of a
request is logged with its traceback, the others in one line each: a traceback for each of the
1,000 products took the loop 1-4 s after the wait (answers of 2.3-4.9 s, the loop stalled).
"""
import asyncio
import logging
from asyncio import Task
from typing import Awaitable, Dict, List, Optional, Set

import aiohttp
from aiohttp import ClientSession, web
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from util import settings

routes = web.RouteTableDef()

PRODUCT_BASE = f'http://{settings.SERVER_HOST}:{settings.SERVER_PORT}'
INVENTORY_BASE = f'http://{settings.SERVER_HOST}:{settings.INVENTORY_PORT}'
FAVORITE_BASE = f'http://{settings.SERVER_HOST}:{settings.FAVORITES_PORT}'
CART_BASE = f'http://{settings.SERVER_HOST}:{settings.CART_PORT}'


@routes.get('/products/all')
async def all_products(request: Request) -> Response:
    async with aiohttp.ClientSession() as session:
        products = asyncio.create_task(session.get(f'{PRODUCT_BASE}/products'))
        favorites = asyncio.create_task(session.get(f'{FAVORITE_BASE}/users/3/favorites'))
        cart = asyncio.create_task(session.get(f'{CART_BASE}/users/3/cart'))

        requests = [products, favorites, cart]
        done, pending = await asyncio.wait(requests, timeout=1.0)

        if products in pending:
            [request.cancel() for request in requests]
            return web.json_response({'error': 'Could not reach products service.'}, status=504)
        elif products in done and products.exception() is not None:
            [request.cancel() for request in requests]
            logging.exception('Server error reaching product service.',
                              exc_info=products.exception())
            return web.json_response({'error': 'Server error reaching products service.'},
                                     status=500)
        else:
            product_response = await products.result().json()
            product_results: List[Dict] = await get_products_with_inventory(session,
                                                                            product_response)

            cart_item_count: Optional[int] = await get_response_item_count(
                cart,
                done,
                pending,
                'Error getting user cart.')
            favorite_item_count: Optional[int] = await get_response_item_count(
                favorites,
                done,
                pending,
                'Error getting user favorites.')
            return web.json_response({'cart_items': cart_item_count,
                                      'favorite_items': favorite_item_count,
                                      'products': product_results})


async def get_products_with_inventory(session: ClientSession, product_response) -> List[Dict]:
    def get_inventory(session: ClientSession, product_id: str) -> Task:
        url = f"{INVENTORY_BASE}/products/{product_id}/inventory"
        return asyncio.create_task(session.get(url))

    def create_product_record(product_id: int, inventory: Optional[int]) -> Dict:
        return {'product_id': product_id, 'inventory': inventory}

    inventory_tasks_to_product_id = {
        get_inventory(session, product['product_id']): product['product_id']
        for product in product_response
    }

    inventory_done, inventory_pending = await asyncio.wait(
        inventory_tasks_to_product_id.keys(),
        timeout=1.0)

    product_results = []
    traceback_logged = False  # one traceback a request: 1,000 of them took the loop seconds

    for done_task in inventory_done:
        if done_task.exception() is None:
            product_id = inventory_tasks_to_product_id[done_task]
            inventory = await done_task.result().json()
            product_results.append(create_product_record(product_id, inventory['inventory']))
        else:
            product_id = inventory_tasks_to_product_id[done_task]
            product_results.append(create_product_record(product_id, None))
            error = done_task.exception()
            if traceback_logged:
                logging.error(f'Error getting inventory for id {product_id}: '
                              f'{type(error).__name__}: {error}')
            else:
                logging.exception(f'Error getting inventory for id {product_id}',
                                  exc_info=error)
                traceback_logged = True

    for pending_task in inventory_pending:
        pending_task.cancel()
        product_id = inventory_tasks_to_product_id[pending_task]
        product_results.append(create_product_record(product_id, None))

    return product_results


async def get_response_item_count(task: Task,
                                  done: Set[Awaitable],
                                  pending: Set[Awaitable],
                                  error_msg: str) -> Optional[int]:
    if task in done and task.exception() is None:
        return len(await task.result().json())
    elif task in pending:
        task.cancel()
    else:
        logging.exception(error_msg, exc_info=task.exception())
    return None


if __name__ == "__main__":
    app = web.Application()
    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.SERVICE_PORT)

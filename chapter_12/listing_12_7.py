"""Listing 12.7 — A priority queue in a web application

Section 12.2. Needs: nothing. Listens: WEB_PORT.

What to watch: the order service of 12.3 with an asyncio.PriorityQueue(10) of Order dataclasses
ordered by user type. POST /order with the JSON body {"power_user": "True"} places a power
user's order; any other value (including JSON true) is a normal user's. Whenever both kinds
wait in the queue, workers take the power users' orders first ("Processing order
Order(user_type=<UserType.POWER_USER: 1>, order_delay=<n>)"). A body without power_user, or
one that is not JSON, gets a 500. Shutdown drains the queue as in 12.3.

Differs from the book: as in 12.3, the server listens on util.settings.SERVER_HOST and
WEB_PORT (127.0.0.1:8080 by default), the app keys are web.AppKey objects, and the app is wired
up under `if __name__ == "__main__":`.
"""
import asyncio
from asyncio import Queue, Task
from dataclasses import dataclass, field
from enum import IntEnum
from random import randrange
from typing import List

from aiohttp import web
from aiohttp.web_app import Application
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from util import settings

routes = web.RouteTableDef()

QUEUE_KEY = web.AppKey('order_queue', Queue)
TASKS_KEY = web.AppKey('order_tasks', list)


class UserType(IntEnum):
    POWER_USER = 1
    NORMAL_USER = 2


@dataclass(order=True)
class Order:
    user_type: UserType
    order_delay: int = field(compare=False)


async def process_order_worker(worker_id: int, queue: Queue):
    while True:
        print(f'Worker {worker_id}: Waiting for an order...')
        order = await queue.get()
        print(f'Worker {worker_id}: Processing order {order}')
        await asyncio.sleep(order.order_delay)
        print(f'Worker {worker_id}: Processed order {order}')
        queue.task_done()


@routes.post('/order')
async def place_order(request: Request) -> Response:
    body = await request.json()
    user_type = UserType.POWER_USER if body['power_user'] == 'True' else UserType.NORMAL_USER
    order_queue = app[QUEUE_KEY]
    await order_queue.put(Order(user_type, randrange(5)))
    return Response(body='Order placed!')


async def create_order_queue(app: Application):
    print('Creating order queue and tasks.')
    queue: Queue = asyncio.PriorityQueue(10)
    app[QUEUE_KEY] = queue
    app[TASKS_KEY] = [asyncio.create_task(process_order_worker(i, queue))
                      for i in range(5)]


async def destroy_queue(app: Application):
    order_tasks: List[Task] = app[TASKS_KEY]
    queue: Queue = app[QUEUE_KEY]
    print('Waiting for pending queue workers to finish....')
    try:
        await asyncio.wait_for(queue.join(), timeout=10)
    finally:
        print('Finished all pending items, canceling worker tasks...')
        [task.cancel() for task in order_tasks]


app = web.Application()

if __name__ == "__main__":
    app.on_startup.append(create_order_queue)
    app.on_shutdown.append(destroy_queue)

    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.WEB_PORT)

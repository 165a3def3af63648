"""Listing 12.3 — Using queues in a web application

Section 12.1.1. Needs: nothing. Listens: WEB_PORT.

What to watch: POST /order (e.g. `curl -X POST http://127.0.0.1:8080/order`) answers
"Order placed!" at once; one of five worker tasks then prints "Processing order <n>" and, n
seconds later, "Processed order <n>". The queue holds 10 orders: with 5 in work and 10 waiting,
a further POST waits until a place frees. On Ctrl-C (or SIGTERM) the shutdown hook first lets
the workers drain the queue (up to 10 s), then prints "Finished all pending items, canceling
worker tasks..." and cancels them.

Differs from the book: the server listens on util.settings.SERVER_HOST and WEB_PORT
(127.0.0.1:8080 by default; the book's run_app default is 0.0.0.0:8080). The app keys are
web.AppKey objects instead of plain strings, which aiohttp 3.9+ warns about (NotAppKeyWarning).
The app is wired up and started under `if __name__ == "__main__":`, so importing the module
starts nothing.
"""
import asyncio
from asyncio import Queue, Task
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


async def process_order_worker(worker_id: int, queue: Queue):
    while True:
        print(f'Worker {worker_id}: Waiting for an order...')
        order = await queue.get()
        print(f'Worker {worker_id}: Processing order {order}')
        await asyncio.sleep(order)
        print(f'Worker {worker_id}: Processed order {order}')
        queue.task_done()


@routes.post('/order')
async def place_order(request: Request) -> Response:
    order_queue = app[QUEUE_KEY]
    await order_queue.put(randrange(5))
    return Response(body='Order placed!')


async def create_order_queue(app: Application):
    print('Creating order queue and tasks.')
    queue: Queue = asyncio.Queue(10)
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

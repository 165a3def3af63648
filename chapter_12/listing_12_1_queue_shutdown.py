"""Listing 12.1 (today: Queue.shutdown) — A supermarket checkout queue

Section 12.1. Needs: nothing.

What to watch: the same ten random customers and the same cashier lines as 12.1, but the
cashiers wait with `await queue.get()` instead of polling `queue.empty()`. Once every customer
is checked out (queue.join()), main shuts the queue down, and that one call wakes every cashier
still waiting in get(): the three "Cashier N: queue shut down, going home" lines come together,
right after the last "finished" line. The cashiers run in a TaskGroup, which ends when all three
have gone home.

What changed: Queue.shutdown() closes a queue: put() raises QueueShutDown at once, get() raises
it once the queue is empty, and every task blocked in get() or put() is woken;
shutdown(immediate=True) also drops what is still queued.

Since: Python 3.13 (asyncio.Queue.shutdown, asyncio.QueueShutDown).

Why it is better: the book's cashiers poll `empty()` and stop at the first moment the queue
looks empty, which is wrong as soon as customers keep arriving; the usual fixes, a sentinel per
consumer or cancelling the consumers, are easy to get wrong (one sentinel too few leaves a task
waiting forever, cancellation can hit a customer half checked out). Shutting the queue down says
"no more items" once, to everyone. What to watch out for: items already in the queue are still
handed out after shutdown() (not with immediate=True); the consumer must catch QueueShutDown.
"""
import asyncio
from asyncio import Queue
from random import randrange

from chapter_12.listing_12_1 import Customer, Product
from util.tools.companions import refuse_older_python


async def checkout_customer(queue: Queue, cashier_number: int):
    while True:
        try:
            customer: Customer = await queue.get()
        except asyncio.QueueShutDown:
            print(f'Cashier {cashier_number}: queue shut down, going home')
            return
        print(f'Cashier {cashier_number} '
              f'checking out customer '
              f'{customer.customer_id}')
        for product in customer.products:
            print(f"Cashier {cashier_number} "
                  f"checking out customer "
                  f"{customer.customer_id}'s {product.name}")
            await asyncio.sleep(product.checkout_time)
        print(f'Cashier {cashier_number} '
              f'finished checking out customer '
              f'{customer.customer_id}')
        queue.task_done()


async def main():
    customer_queue = Queue()

    all_products = [Product('beer', 2),
                    Product('bananas', .5),
                    Product('sausage', .2),
                    Product('diapers', .2)]

    for i in range(10):
        products = [all_products[randrange(len(all_products))]
                    for _ in range(randrange(10))]
        customer_queue.put_nowait(Customer(i, products))

    async with asyncio.TaskGroup() as tg:
        for i in range(3):
            tg.create_task(checkout_customer(customer_queue, i))
        await customer_queue.join()
        customer_queue.shutdown()


if __name__ == "__main__":
    refuse_older_python("12.1_queue_shutdown")
    asyncio.run(main())

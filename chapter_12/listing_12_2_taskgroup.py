"""Listing 12.2 (today: TaskGroup) — Using queue coroutine methods

Section 12.1. Needs: nothing.

What to watch: the producer and the three cashiers of 12.2, with the same lines, run in one
TaskGroup. An optional argument closes the store after that many seconds
(`python -m util run 12.2_taskgroup 3`): the producer stops adding customers, waits until the
queue is served (queue.join()), and raises StoreClosed. That one exception makes the TaskGroup
cancel the three cashiers, waiting in get(), and main handles it with `except* StoreClosed`:
"Store closed: 3 cashier(s) stopped". Without an argument it runs, as 12.2 does, until Ctrl-C.

What changed: asyncio.TaskGroup owns the worker tasks: when one of them raises, the others are
cancelled and the error reaches the code that started them, as an ExceptionGroup.

Since: Python 3.11 (asyncio.TaskGroup, ExceptionGroup, except*).

Why it is better: with create_task and gather a worker that crashes either takes main down
while the other workers run on (gather does not cancel them) or, with bare create_task (12.3),
dies silently while its queue fills up. In a TaskGroup nothing is left running or unnoticed, and
raising an exception is the way to stop a group on purpose up to 3.14 (3.15 adds
TaskGroup.cancel(), which ends it without an error: see 4.13_taskgroup_cancel). What to watch
out for: the cancelled cashiers are stopped wherever they are; here they are idle in get()
because the producer waited for queue.join() first.
"""
import asyncio
import sys
from asyncio import Queue
from random import randrange

from chapter_12.listing_12_2 import checkout_customer, generate_customer
from util.tools.companions import refuse_older_python


class StoreClosed(Exception):
    pass


async def customer_generator(queue: Queue, open_for: float | None):
    loop = asyncio.get_running_loop()
    closing_time = loop.time() + open_for if open_for is not None else None
    customer_count = 0

    while closing_time is None or loop.time() < closing_time:
        customers = [generate_customer(i)
                     for i in range(customer_count,
                                    customer_count + randrange(5))]
        for customer in customers:
            print('Waiting to put customer in line...')
            await queue.put(customer)
            print('Customer put in line!')
        customer_count = customer_count + len(customers)
        await asyncio.sleep(1)
    await queue.join()
    raise StoreClosed()


async def main(open_for: float | None = None):
    customer_queue = Queue(5)
    cashiers = []
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(customer_generator(customer_queue, open_for))
            cashiers = [tg.create_task(checkout_customer(customer_queue, i)) for i in range(3)]
    except* StoreClosed:
        print(f'Store closed: {sum(cashier.cancelled() for cashier in cashiers)} '
              f'cashier(s) stopped')


if __name__ == "__main__":
    refuse_older_python("12.2_taskgroup")
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else None))

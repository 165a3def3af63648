"""Listing 12.5 — Priority queues with tuples

Section 12.2. Needs: nothing.

What to watch: the items go into an asyncio.PriorityQueue lowest priority first, yet come out
smallest tuple first: (1, 'High priority'), (2, ...), (3, ...). The worker task is created
before the items are put, but it only starts running when main awaits gather, by which time all
three are queued. (With an eager task factory, Python 3.12+, the worker would start at once,
find the queue empty and return, and queue.join() would wait forever.)
"""
import asyncio
from asyncio import PriorityQueue, Queue
from typing import Tuple


async def worker(queue: Queue):
    while not queue.empty():
        work_item: Tuple[int, str] = await queue.get()
        print(f'Processing work item {work_item}')
        queue.task_done()


async def main():
    priority_queue = PriorityQueue()

    work_items = [(3, 'Lowest priority'),
                  (2, 'Medium priority'),
                  (1, 'High priority')]

    worker_task = asyncio.create_task(worker(priority_queue))

    for work in work_items:
        priority_queue.put_nowait(work)

    await asyncio.gather(priority_queue.join(), worker_task)


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 12.9 — Breaking ties in a priority queue

Section 12.2. Needs: nothing.

What to watch: WorkItem now compares (priority, order), where `order` counts insertions, so
items of equal priority come out first in, first out: "Lowest priority", then "second", then
"third". In real code itertools.count() is the usual source of that counter. Same lazy-start
caveat as 12.5.
"""
import asyncio
from asyncio import PriorityQueue, Queue
from dataclasses import dataclass, field


@dataclass(order=True)
class WorkItem:
    priority: int
    order: int
    data: str = field(compare=False)


async def worker(queue: Queue):
    while not queue.empty():
        work_item: WorkItem = await queue.get()
        print(f'Processing work item {work_item}')
        queue.task_done()


async def main():
    priority_queue = PriorityQueue()

    work_items = [WorkItem(3, 1, 'Lowest priority'),
                  WorkItem(3, 2, 'Lowest priority second'),
                  WorkItem(3, 3, 'Lowest priority third'),
                  WorkItem(2, 4, 'Medium priority'),
                  WorkItem(1, 5, 'High priority')]

    worker_task = asyncio.create_task(worker(priority_queue))

    for work in work_items:
        priority_queue.put_nowait(work)

    await asyncio.gather(priority_queue.join(), worker_task)


if __name__ == "__main__":
    asyncio.run(main())

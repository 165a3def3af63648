"""Listing 12.6 — Priority queues with data classes

Section 12.2. Needs: nothing.

What to watch: WorkItem is an ordered dataclass whose `data` field is left out of comparisons
(field(compare=False)), so the queue orders items by priority alone and prints their dataclass
reprs, priority 1 first. Same lazy-start caveat as 12.5.
"""
import asyncio
from asyncio import PriorityQueue, Queue
from dataclasses import dataclass, field


@dataclass(order=True)
class WorkItem:
    priority: int
    data: str = field(compare=False)


async def worker(queue: Queue):
    while not queue.empty():
        work_item: WorkItem = await queue.get()
        print(f'Processing work item {work_item}')
        queue.task_done()


async def main():
    priority_queue = PriorityQueue()

    work_items = [WorkItem(3, 'Lowest priority'),
                  WorkItem(2, 'Medium priority'),
                  WorkItem(1, 'High priority')]

    worker_task = asyncio.create_task(worker(priority_queue))

    for work in work_items:
        priority_queue.put_nowait(work)

    await asyncio.gather(priority_queue.join(), worker_task)


if __name__ == "__main__":
    asyncio.run(main())

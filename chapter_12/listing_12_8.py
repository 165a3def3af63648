"""Listing 12.8 — Work items with equal priorities

Section 12.2. Needs: nothing.

What to watch: three items share priority 3. The heap behind PriorityQueue is not stable, so
they do not come out in the order they went in: here "third", "second", then the first one.
Listing 12.9 fixes this with an insertion counter. Same lazy-start caveat as 12.5.
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
                  WorkItem(3, 'Lowest priority second'),
                  WorkItem(3, 'Lowest priority third'),
                  WorkItem(2, 'Medium priority'),
                  WorkItem(1, 'High priority')]

    worker_task = asyncio.create_task(worker(priority_queue))

    for work in work_items:
        priority_queue.put_nowait(work)

    await asyncio.gather(priority_queue.join(), worker_task)


if __name__ == "__main__":
    asyncio.run(main())

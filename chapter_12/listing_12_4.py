"""Listing 12.4 — A queue-based web crawler

Section 12.1.2. Needs: example-site.

What to watch: 100 worker tasks print "Worker 0" ... "Worker 99", then share one unbounded
queue of pages to fetch. The stand-in's start page has 2 links, and so has every page it links
to, so the crawl fetches 1 + 2 + 4 + 8 = 15 pages and prints 8 "Max depth reached" lines. Each
depth level is fetched concurrently, so the crawl takes about 4 x the server's latency, not 15 x.
Links are not deduplicated; a relative link (`/rel`) cannot be fetched and is logged as
"ERROR:root:Error processing url /rel" with a traceback on stderr, and the crawl goes on.

Differs from the book: the start URL is the local stand-in,
util.settings.example_url('/?links=2'), instead of http://example.com, whose only link leads
off-line; an optional command-line argument replaces it, e.g.
`python -m chapter_12.listing_12_4 'http://127.0.0.1:8765/?links=2&relative=1'`. Also:
process_page catches `except Exception:`, where the book binds it `as e` and never uses it.
"""
import asyncio
import logging
import sys
from asyncio import Queue

import aiohttp
from aiohttp import ClientSession
from bs4 import BeautifulSoup

from util import settings


class WorkItem:
    def __init__(self, item_depth: int, url: str):
        self.item_depth = item_depth
        self.url = url


async def worker(worker_id: int, queue: Queue, session: ClientSession, max_depth: int):
    print(f'Worker {worker_id}')
    while True:
        work_item: WorkItem = await queue.get()
        print(f'Worker {worker_id}: Processing {work_item.url}')
        await process_page(work_item, queue, session, max_depth)
        print(f'Worker {worker_id}: Finished {work_item.url}')
        queue.task_done()


async def process_page(work_item: WorkItem, queue: Queue, session: ClientSession, max_depth: int):
    try:
        response = await asyncio.wait_for(session.get(work_item.url), timeout=3)
        if work_item.item_depth == max_depth:
            print(f'Max depth reached, '
                  f'not processing more for {work_item.url}')
        else:
            body = await response.text()
            soup = BeautifulSoup(body, 'html.parser')
            links = soup.find_all('a', href=True)
            for link in links:
                queue.put_nowait(WorkItem(work_item.item_depth + 1,
                                          link['href']))
    except Exception:
        logging.exception(f'Error processing url {work_item.url}')


async def main():
    start_url = sys.argv[1] if len(sys.argv) > 1 else settings.example_url('/?links=2')
    url_queue = Queue()
    url_queue.put_nowait(WorkItem(0, start_url))
    async with aiohttp.ClientSession() as session:
        workers = [asyncio.create_task(worker(i, url_queue, session, 3))
                   for i in range(100)]
        await url_queue.join()
        [w.cancel() for w in workers]


if __name__ == "__main__":
    asyncio.run(main())

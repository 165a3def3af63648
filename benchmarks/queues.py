"""Queues and subprocesses: throughput against the number of workers (chapters 12, 13).

- Order processing, listing 12.3's process_order_worker: W workers take orders from one
  asyncio.Queue, each order an asyncio.sleep of `d` seconds; the ideal is W / d orders a second.
- The crawler, listing 12.4's worker: W workers crawl the stand-in's linked pages
  (/?links=3, depth 3: 40 pages, 100 ms each); the ideal is one page latency per level when
  W covers a level, more waves when it does not.
- Subprocesses, listing 13.7's encrypt (gpg -c): K texts one after another, with 13.8's
  semaphore of one per core, and all at once (13.7).
"""
from __future__ import annotations

import asyncio
import math
import os
import shutil
import stat
import subprocess
import tempfile
import time

import aiohttp

from benchmarks.common import (
    Comparison,
    Panel,
    Progress,
    Row,
    Sample,
    Side,
    Size,
    curve,
    interleave,
    quiet,
)
from benchmarks.services import pointed_at
from chapter_12 import listing_12_3, listing_12_4
from chapter_13 import listing_13_7, listing_13_8

NAME = "queues"
TITLE = "Queue workers (orders, crawler) and concurrent subprocesses"
CHAPTERS = "12, 13"
CLAIM = ("More queue workers process more work at once (12.1-12.4: the crawler's 100 "
         "workers); subprocesses run concurrently (13.7), and a semaphore of one per core "
         "(13.8) keeps the machine from being swamped: about 1,000 x 0.3 s / cores.")
LATENCY = 0.1


async def _orders(workers: int, orders: int, seconds: float) -> float:
    queue: asyncio.Queue = asyncio.Queue()
    for _ in range(orders):
        queue.put_nowait(seconds)
    start = time.perf_counter()
    tasks = [asyncio.create_task(listing_12_3.process_order_worker(i, queue))
             for i in range(workers)]
    await queue.join()
    elapsed = time.perf_counter() - start
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return orders / elapsed


def orders_per_second(workers: int, orders: int, seconds: float) -> Sample:
    with quiet():
        return Sample(asyncio.run(_orders(workers, orders, seconds)))


async def _crawl(url: str, workers: int, depth: int) -> int:
    queue: asyncio.Queue = asyncio.Queue()
    queue.put_nowait(listing_12_4.WorkItem(0, url))
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(listing_12_4.worker(i, queue, session, depth))
                 for i in range(workers)]
        await queue.join()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def crawl(url: str, workers: int, depth: int) -> None:
    with quiet():
        asyncio.run(_crawl(url, workers, depth))


def crawl_floor(links: int, depth: int, workers: int) -> float:
    return sum(math.ceil(links ** level / workers) for level in range(depth + 1)) * LATENCY


async def _encrypt(texts: list[str], how: str) -> None:
    if how == "one after another":
        for text in texts:
            await listing_13_7.encrypt(text)
    elif how == "all at once (13.7)":
        await asyncio.gather(*[listing_13_7.encrypt(text) for text in texts])
    else:
        semaphore = asyncio.Semaphore(os.cpu_count() or 1)
        await asyncio.gather(*[listing_13_8.encrypt(semaphore, text) for text in texts])


class GnuPGHome:
    """A throwaway GNUPGHOME whose agent runs before the gpg processes start, killed after."""

    def __enter__(self) -> dict[str, str]:
        self.home = tempfile.mkdtemp(prefix="gpgb-")
        os.chmod(self.home, stat.S_IRWXU)
        subprocess.run(["gpgconf", "--homedir", self.home, "--launch", "gpg-agent"],
                       check=True, capture_output=True, timeout=30)
        subprocess.run(["gpg", "--homedir", self.home, "--list-keys"], capture_output=True,
                       timeout=30)  # creates the keybox, which gpg would announce on stderr
        return {"GNUPGHOME": self.home}

    def __exit__(self, *exc) -> None:
        subprocess.run(["gpgconf", "--homedir", self.home, "--kill", "gpg-agent"],
                       capture_output=True, timeout=30)
        shutil.rmtree(self.home, ignore_errors=True)


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    rounds = size.n_rounds(tiny=1, quick=1, full=3)
    cores = os.cpu_count() or 1
    rows, panels, notes = [], [], []
    # orders (12.3)
    seconds = size.pick(tiny=0.01, quick=0.02, full=0.02)
    order_workers = size.pick(tiny=[1, 5], quick=[1, 5, 20], full=[1, 2, 5, 10, 20, 50])
    orders = size.count(tiny=20, quick=20, full=200)
    samples = interleave({f"{w} workers": (lambda w=w: orders_per_second(w, orders, seconds))
                          for w in order_workers}, rounds, progress, label="orders")
    order_sides = [Side(name, values, unit="orders/s") for name, values in samples.items()]
    rows.append(Row(f"{orders} orders of {seconds * 1000:g} ms (12.3)",
                    [order_sides[0], order_sides[-1]], limit=float(order_workers[-1]),
                    limit_text=f"{order_workers[-1]} workers: {order_workers[-1]}x, "
                               f"{order_workers[-1] / seconds:,.0f} orders/s",
                    book="5 workers take orders concurrently (12.3)"))
    panels.append(Panel(f"Orders ({seconds * 1000:g} ms each) per second", "workers",
                        "orders/s", [curve("12.3's workers", order_workers, order_sides)],
                        reference=curve("ideal (workers / order time)", order_workers,
                                        [Side("", [w / seconds]) for w in order_workers])))
    # crawler (12.4)
    site = services.example_site(LATENCY)
    links, depth = size.pick(tiny=(2, 2), quick=(2, 2), full=(3, 3))
    pages = sum(links ** level for level in range(depth + 1))
    url = f"{site.url}/?links={links}"
    crawl_workers = size.pick(tiny=[1, 10], quick=[1, 10], full=[1, 5, 25, 100])
    samples = interleave({f"{w} workers": (lambda w=w: crawl(url, w, depth))
                          for w in crawl_workers}, rounds, progress, label="crawler")
    crawl_sides = [Side(name, [pages / v for v in values], unit="pages/s")
                   for name, values in samples.items()]
    best = pages / crawl_floor(links, depth, crawl_workers[-1])
    first = pages / crawl_floor(links, depth, crawl_workers[0])
    rows.append(Row(f"crawl {pages} pages ({links} links, depth {depth}, 12.4)",
                    [crawl_sides[0], crawl_sides[-1]], limit=best / first,
                    limit_text=f"{best:.0f} pages/s with {crawl_workers[-1]} workers (one "
                               f"{LATENCY:g} s wave per level), {first:.0f} with "
                               f"{crawl_workers[0]}",
                    book="100 workers crawl the pages concurrently (12.4)"))
    panels.append(Panel(f"Crawler: {pages} pages, {LATENCY * 1000:g} ms each", "workers",
                        "pages/s", [curve("12.4's workers", crawl_workers, crawl_sides)],
                        reference=curve("ideal (waves x latency)", crawl_workers,
                                        [Side("", [pages / crawl_floor(links, depth, w)])
                                         for w in crawl_workers])))
    # subprocesses (13.7, 13.8)
    if shutil.which("gpg") and shutil.which("gpgconf"):
        texts = ["x" * 1000 for _ in range(size.count(tiny=2, quick=2, full=4))]
        hows = ["one after another", f"semaphore of {cores} (13.8)", "all at once (13.7)"]
        with GnuPGHome() as env, pointed_at(env):
            asyncio.run(_encrypt(texts[:1], hows[0]))  # warm-up: the first gpg pays for the agent
            samples = interleave({how: (lambda how=how: asyncio.run(_encrypt(texts, how)))
                                  for how in hows}, size.n_rounds(tiny=1, quick=1, full=2),
                                 progress, warmup=False, label="gpg")
        gpg_sides = [Side(name, values) for name, values in samples.items()]
        rows.append(Row(f"{len(texts)} gpg -c subprocesses", gpg_sides, limit=float(cores),
                        limit_text=f"{cores} cores: at most {cores}x",
                        book="~100 x 0.3 s / cores (13.7); 1,000 in ~40 s on 8 cores (13.8)"))
        panels.append(Panel(f"{len(texts)} gpg subprocesses", "processes at a time", "seconds",
                            [curve("13.7's encrypt", [1, cores, len(texts)], gpg_sides)]))
    else:
        notes.append("gpg is not installed (apt-get install gnupg): no subprocess figures.")
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes, headline=1)

"""Postgres: sequential queries against an asyncpg pool of 1 … 12 connections, and 6.15.

Listing 5.8's query_products_synchronously (each query awaited before the next) and
query_products_concurrently (all gathered) over the products database of chapter 5, the same
10,000 queries (the product-with-SKUs join); pools of 1 … 12 connections for the concurrent
side. Then listing 6.15's run_in_new_loop: the same queries split over one process per core,
each with its own event loop and pool of six, against one loop with the same pool.
The server is the embedded PostgreSQL on this machine: client and server share the cores.

The book's Postgres was a network away; here a round trip costs tens of microseconds, so a pool
has little to overlap. The same queries therefore also run through latency proxies
(util.tools.latency_proxy, one process per latency) 0.5, 1 and 2 ms away, every side interleaved
with the others: a pool of n overlaps at most n round trips, so its speed-up over sequential
queries nears n as the round trip outweighs each query's own work.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import asyncpg

from benchmarks.common import Comparison, Panel, Progress, Row, Side, Size, curve, interleave, quiet
from benchmarks.services import pointed_at
from chapter_05 import listing_5_8
from chapter_06 import listing_6_15
from util import settings
from util.tools.latency import LatencyProxies

NAME = "postgres"
TITLE = ("Queries: sequential vs an asyncpg pool of 1 … 12 connections, the server 0 to 2 ms "
         "away; one loop per process")
CHAPTERS = "5, 6"
CLAIM = ("10,000 queries awaited one by one took 21.8 s, gathered over a pool of six "
         "connections 4.8 s: about 4.5x (5.8); one event loop per process (6.15) ran 50,000 "
         "queries in about 13 s on 8 cores, against 10,000 in about 6 s with one loop.")
BOOK_5_8 = "21.8 s vs 4.8 s, 4.5x (5.8, pool of 6, over a network)"
LATENCIES_MS = [0.5, 1.0, 2.0]  # one way, through a proxy each (0: direct)


def _silence() -> None:
    sys.stdout = open(os.devnull, "w")  # the workers' async_timed lines


async def _pool(size: int) -> asyncpg.Pool:
    return await asyncpg.create_pool(host=settings.POSTGRES_HOST, port=settings.POSTGRES_PORT,
                                     user=settings.POSTGRES_USER,
                                     password=settings.POSTGRES_PASSWORD,
                                     database=settings.PRODUCTS_DB, min_size=size, max_size=size)


@contextlib.contextmanager
def _latency_proxy(ms: float):
    """A latency proxy `ms` away from the Postgres util.settings points at."""
    proxies = LatencyProxies.start({"postgres"}, ms)
    try:
        yield proxies
    finally:
        proxies.stop()


def _away(ms: float) -> str:
    return f"{ms:g} ms away"


def processes(queries: int, workers: int) -> None:
    """6.15's shape: one process per core, each running run_in_new_loop on its share."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_silence) as pool:
        shares = [queries // workers + (1 if i < queries % workers else 0)
                  for i in range(workers)]
        results = list(pool.map(listing_6_15.run_in_new_loop, shares))
    assert sum(len(rows) for rows in results) == queries


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    queries = size.count(tiny=100, quick=300, full=2_000)
    pool_sizes = size.pick(tiny=[1, 6], quick=[1, 6], full=[1, 2, 6, 12])
    latencies = size.pick(tiny=[1.0], quick=LATENCIES_MS, full=LATENCIES_MS)
    latency_pools = size.pick(tiny=[6], quick=[6], full=[2, 6, 12])  # each in pool_sizes
    rounds = size.n_rounds(tiny=1, quick=1, full=3)
    cores = os.cpu_count() or 1
    with contextlib.ExitStack() as stack:
        stack.enter_context(pointed_at(services.postgres_env()))
        proxies = {ms: stack.enter_context(_latency_proxy(ms)) for ms in latencies}
        runner = stack.enter_context(asyncio.Runner())
        pools = {(0, k): runner.run(_pool(k)) for k in sorted({6, *pool_sizes})}
        stack.callback(lambda: [runner.run(pool.close()) for pool in pools.values()])
        for ms, proxy in proxies.items():
            with pointed_at(proxy.env):
                pools |= {(ms, k): runner.run(_pool(k)) for k in sorted({6, *latency_pools})}

        def sequential(ms=0):
            with quiet():
                rows = runner.run(listing_5_8.query_products_synchronously(pools[ms, 6],
                                                                           queries))
            assert len(rows) == queries

        def concurrent(k, ms=0):
            with quiet():
                rows = runner.run(listing_5_8.query_products_concurrently(pools[ms, k],
                                                                          queries))
            assert len(rows) == queries

        calls = {"sequential (5.8)": sequential}
        calls |= {f"pool of {k}": (lambda k=k: concurrent(k)) for k in pool_sizes}
        calls[f"{cores} processes x pool of 6 (6.15)"] = lambda: processes(queries, cores)
        for ms in latencies:
            calls[f"sequential, {_away(ms)}"] = lambda ms=ms: sequential(ms)
            calls |= {f"pool of {k}, {_away(ms)}": (lambda k=k, ms=ms: concurrent(k, ms))
                      for k in latency_pools}
        for pool in pools.values():  # warm-up: every connection has run the query
            with quiet():
                runner.run(listing_5_8.query_products_concurrently(pool, 2 * pool.get_size()))
        samples = interleave(calls, rounds, progress, label=f"{queries:,} queries",
                             warmup=False)
    sides = {name: Side(name, values) for name, values in samples.items()}
    sequential_side = sides["sequential (5.8)"]
    rows = []
    for k in pool_sizes:
        rows.append(Row(f"{queries:,} queries: sequential vs pool of {k}",
                        [sequential_side, sides[f"pool of {k}"]],
                        limit=float(k),
                        limit_text=f"at most {k} queries in flight; client and server share "
                                   f"{cores} cores",
                        book=BOOK_5_8 if k == 6 else "—"))
    one_loop = sides["pool of 6"] if 6 in pool_sizes else sides[f"pool of {pool_sizes[-1]}"]
    rows.append(Row(f"{queries:,} queries: one loop vs one loop per process",
                    [one_loop, sides[f"{cores} processes x pool of 6 (6.15)"]],
                    limit=float(cores),
                    limit_text=f"{cores} cores, shared with the Postgres server",
                    book="50,000 in ~13 s on 8 cores vs 10,000 in ~6 s, one loop (6.15)"))
    for ms in latencies:
        for k in latency_pools:
            rows.append(Row(f"{queries:,} queries {_away(ms)}: sequential vs pool of {k}",
                            [sides[f"sequential, {_away(ms)}"], sides[f"pool of {k}, {_away(ms)}"]],
                            limit=float(k), limit_text=f"a pool of {k} overlaps at most {k} "
                                                       f"round trips of {2 * ms:g} ms",
                            book=BOOK_5_8 if (ms, k) == (1.0, 6) else "—"))
    per_pool = [sides[f"pool of {k}"] for k in pool_sizes]

    def speed_up(ms: float, k: int) -> Side:
        if ms == 0:
            return Side("", [sequential_side.median / v for v in sides[f"pool of {k}"].samples])
        base = sides[f"sequential, {_away(ms)}"].median
        return Side("", [base / v for v in sides[f"pool of {k}, {_away(ms)}"].samples])

    xs = [0.0, *latencies]
    panels = [
        Panel(f"{queries:,} queries: time against the pool's size", "connections in the pool",
              "seconds", [curve("gathered (5.8)", pool_sizes, per_pool),
                          curve("sequential (5.8)", pool_sizes,
                                [sequential_side] * len(pool_sizes))], logx=False),
        Panel("Speed-up over sequential", "connections in the pool", "sequential / gathered",
              [curve("measured", pool_sizes,
                     [Side("", [sequential_side.median / v for v in side.samples])
                      for side in per_pool])],
              logx=False, reference=curve("ideal (= pool size)", pool_sizes,
                                          [Side("", [k]) for k in pool_sizes])),
        Panel("Speed-up against the server's distance", "one-way latency, ms",
              "sequential / gathered",
              [curve(f"pool of {k}", xs, [speed_up(ms, k) for ms in xs]) for k in latency_pools],
              logx=False, reference=curve("a pool of 6's limit", xs, [Side("", [6])] * len(xs))),
    ]
    notes = ["The server is PostgreSQL on this machine (fsync off): directly, a round trip "
             "costs little, so the gain from overlapping queries is smaller than the book's, "
             "and client and server compete for the same cores. The rows N ms away put it "
             "behind a latency proxy (util.tools.latency_proxy, about 0.1 ms of its own per "
             "round trip), as the book's server was a network away: the waits a pool overlaps "
             "grow, and its speed-up nears the pool's size."]
    headline = f"{queries:,} queries {_away(1.0)}: sequential vs pool of 6"
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes,
                      headline=next((i for i, row in enumerate(rows) if row.what == headline),
                                    pool_sizes.index(6)))

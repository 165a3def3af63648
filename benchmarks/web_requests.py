"""Web requests against the stand-in (100 ms a request): sequential, threads, aiohttp gather.

Sides, all fetching the local www.example.com stand-in N times:
- sequential: listing 7.3's get_status_code (requests.get) in a loop, as listing 1.7 does;
- thread pool: listing 7.4, ThreadPoolExecutor().map(get_status_code, urls), default size
  (min(32, cores + 4) threads), and the same with 1,000 threads;
- aiohttp gather: listing 4.6, chapter_04.fetch_status over one ClientSession (its connector
  opens at most 100 connections, so 1,000 requests go in 10 waves).
Then the connector's limit alone: 10, 100 (aiohttp's default) and none, at the largest N.
Sequential runs take N x 100 ms, so they stop at a smaller N; the 1,000-request sequential
figure is extrapolated from the largest measured N, and says so.
"""
from __future__ import annotations

import asyncio
import math
import os
from concurrent.futures import ThreadPoolExecutor

import aiohttp

from benchmarks.common import Comparison, Panel, Progress, Row, Side, Size, curve, interleave, quiet
from chapter_04 import fetch_status  # listings 4.2-4.6
from chapter_07.listing_7_3 import get_status_code  # listings 7.3-7.4

NAME = "requests"
TITLE = "N web requests: sequential, thread pools, aiohttp gather; the connection limit"
CHAPTERS = "1, 4, 7"
CLAIM = ("1,000 requests with aiohttp take about as long as the slowest wave (10 waves of "
         "100 connections), not 1,000 times one request; threads also overlap the waits: "
         "8–9 s for 1,000 requests against example.com, where one after another takes well "
         "over 100 s.")
LATENCY = 0.1


def sequential(url: str, n: int) -> None:
    for _ in range(n):
        assert get_status_code(url) == 200


def thread_pool(url: str, n: int, workers: int | None) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        assert all(code == 200 for code in pool.map(get_status_code, [url] * n))


async def _gather(url: str, n: int, limit: int) -> list[int]:
    connector = aiohttp.TCPConnector(limit=limit)
    async with aiohttp.ClientSession(connector=connector) as session:
        return await asyncio.gather(*[fetch_status(session, url) for _ in range(n)])


def gather(url: str, n: int, limit: int = 100) -> None:
    with quiet():
        codes = asyncio.run(_gather(url, n, limit))
    assert all(code == 200 for code in codes)


def default_workers() -> int:
    return min(32, (os.cpu_count() or 1) + 4)


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    site = services.example_site(LATENCY)
    url = site.url + "/"
    counts = size.counts(tiny=[1, 20], quick=[1, 10, 100], full=[1, 10, 50, 100, 1_000])
    sequential_max = size.count(tiny=3, quick=10, full=50)
    pool_max = size.count(tiny=20, quick=10, full=100)
    rounds = size.n_rounds(tiny=1, quick=1, full=3)
    threads = default_workers()
    many = max(counts)
    sides_by_name: dict[str, list[tuple[int, Side]]] = {}
    rows = []
    for index, n in enumerate(counts):
        calls = {}
        if n <= sequential_max:
            calls["sequential"] = lambda n=n: sequential(url, n)
        if n <= pool_max:
            calls[f"thread pool ({threads})"] = lambda n=n: thread_pool(url, n, None)
        calls[f"{many:,} threads"] = lambda n=n: thread_pool(url, n, many)
        calls["aiohttp gather"] = lambda n=n: gather(url, n)
        samples = interleave(calls, rounds, progress, warmup=index == 0, label=f"N={n:,}")
        sides = [Side(name, values) for name, values in samples.items()]
        for side in sides:
            sides_by_name.setdefault(side.name, []).append((n, side))
        waves = math.ceil(n / 100)
        rows.append(Row(
            f"{n:,} requests", sides, floor=LATENCY,
            limit_text=(f"floor: one request, {LATENCY:g} s; aiohttp's 100-connection pool: "
                        f"{waves} wave(s), {waves * LATENCY:g} s; sequential {n * LATENCY:g} s"),
            book=("aiohttp: ~10 x latency for 1,000 (4.6); threads 8–9 s, sequential > 100 s "
                  "(7.4)") if n >= 1_000 else "—"))
    # sequential at the largest N, extrapolated from the largest N measured
    measured = sides_by_name["sequential"][-1]
    if measured[0] < many:
        factor = many / measured[0]
        extrapolated = Side(f"sequential (x{factor:g} from N={measured[0]:,})",
                            [v * factor for v in measured[1].samples])
        threaded = next(side for n, side in sides_by_name[f"{many:,} threads"] if n == many)
        rows.append(Row(f"{many:,} requests, sequential extrapolated", [extrapolated, threaded],
                        floor=LATENCY, book="threads 8–9 s against > 100 s sequential (7.4)",
                        limit_text=f"floor: sequential {many * LATENCY:g} s, "
                                   f"threads {LATENCY:g} s",
                        note="extrapolated"))
    # the connector's limit at the largest N (100, the default, is the gather measured above)
    samples = interleave({f"limit={limit or 'none'}": (lambda limit=limit: gather(url, many, limit))
                          for limit in (10, 0)}, rounds, progress, warmup=False,
                         label=f"N={many:,} limits")
    default = next(side for n, side in sides_by_name["aiohttp gather"] if n == many)
    limits = [10, 100, 0]
    limit_sides = [Side("limit=10", samples["limit=10"]), Side("limit=100", default.samples),
                   Side("limit=none", samples["limit=none"])]
    rows.append(Row(f"{many:,} requests, aiohttp connector limit 10 / 100 / none", limit_sides,
                    floor=LATENCY, book="100 connections by default: 10 waves for 1,000 (4.6)",
                    limit_text=" / ".join(f"{math.ceil(many / limit) * LATENCY:g} s" if limit
                                          else f"{LATENCY:g} s" for limit in limits)
                    + " (waves x latency)"))
    ideal_aiohttp = [math.ceil(n / 100) * LATENCY for n in counts]
    panels = [
        Panel(f"Wall time for N requests ({LATENCY * 1000:g} ms each)", "requests (N)",
              "seconds", [curve(name, [n for n, _ in pairs], [s for _, s in pairs])
                          for name, pairs in sides_by_name.items()], logy=True,
              reference=curve("aiohttp floor (waves x latency)", counts,
                              [Side("", [v]) for v in ideal_aiohttp])),
        Panel(f"aiohttp connector limit, N={many:,}", "limit (connections; none = N)",
              "seconds", [curve("aiohttp gather", [10, 100, many], limit_sides)],
              reference=curve("floor", [10, 100, many],
                              [Side("", [math.ceil(many / x) * LATENCY]) for x in
                               (10, 100, many)])),
    ]
    notes = [f"The stand-in answers after {LATENCY * 1000:g} ms; it runs on this machine, so "
             "there is no network latency beyond that. The default thread pool has "
             f"{threads} threads here (min(32, cores + 4)); the book's had 12 (8 cores)."]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes,
                      headline=len(counts) - 1)

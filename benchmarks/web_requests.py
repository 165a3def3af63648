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

The stand-in's 100 ms is its own wait, the same on any network. The book's example.com was also
a network away; here a round trip costs tens of microseconds. So the same three sides also fetch
a page the stand-in answers at once (`?delay=0`), directly and through latency proxies
(util.tools.latency_proxy, one process per latency) 0.5, 1 and 2 ms away, every side interleaved
with the others: only the round trip is waited on, a pool of n threads (or connections)
overlaps at most n of them, and the client's own work per request caps the gain.
"""
from __future__ import annotations

import asyncio
import contextlib
import math
import os
from concurrent.futures import ThreadPoolExecutor

import aiohttp

from benchmarks.common import Comparison, Panel, Progress, Row, Side, Size, curve, interleave, quiet
from benchmarks.services import pointed_at
from chapter_04 import fetch_status  # listings 4.2-4.6
from chapter_07.listing_7_3 import get_status_code  # listings 7.3-7.4
from util.tools.latency import LatencyProxies

NAME = "requests"
TITLE = "N web requests: sequential, thread pools, aiohttp gather; the connection limit"
CHAPTERS = "1, 4, 7"
CLAIM = ("1,000 requests with aiohttp take about as long as the slowest wave (10 waves of "
         "100 connections), not 1,000 times one request; threads also overlap the waits: "
         "8–9 s for 1,000 requests against example.com, where one after another takes well "
         "over 100 s.")
LATENCY = 0.1
LATENCIES_MS = [0.5, 1.0, 2.0]  # one way, through a proxy each (0: direct)
AIOHTTP_LIMIT = 100  # aiohttp's TCPConnector opens at most this many connections by default


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


def _away(ms: float) -> str:
    return f"{ms:g} ms away"


@contextlib.contextmanager
def _latency_proxy(site, ms: float):
    """The URL of a latency proxy `ms` away from the stand-in `site`."""
    with pointed_at(site.env):
        proxies = LatencyProxies.start({"example-site"}, ms)
    try:
        yield proxies.env["EXAMPLE_URL"]
    finally:
        proxies.stop()


def far_away(site, n: int, latencies: list[float], threads: int, rounds: int,
             progress: Progress | None) -> tuple[list[Row], Panel, str]:
    """N requests answered at once, directly and through a latency proxy each: sequential,
    the thread pool and aiohttp gather, all interleaved. Rows with their limits, the chart's
    speed-up panel and a note."""
    hows = {"sequential": lambda url: sequential(url, n),
            f"thread pool ({threads})": lambda url: thread_pool(url, n, None),
            "aiohttp gather": lambda url: gather(url, n)}
    pools = {f"thread pool ({threads})": min(threads, n), "aiohttp gather": min(AIOHTTP_LIMIT, n)}
    cores = os.cpu_count() or 1
    with contextlib.ExitStack() as stack:
        urls = {0.0: site.url + "/?delay=0"}
        urls |= {ms: stack.enter_context(_latency_proxy(site, ms)) + "/?delay=0"
                 for ms in latencies}
        samples = interleave({f"{how}, {_away(ms)}": (lambda call=call, url=url: call(url))
                              for ms, url in urls.items() for how, call in hows.items()},
                             rounds, progress, label=f"N={n:,} far")
    sides = {name: Side(name, values) for name, values in samples.items()}
    rows = []
    for ms in urls:
        base = sides[f"sequential, {_away(ms)}"]
        for how, pool in pools.items():
            in_flight = "connections" if how == "aiohttp gather" else "threads"
            rows.append(Row(f"{n:,} requests {_away(ms)}, answered at once: sequential vs {how}",
                            [base, sides[f"{how}, {_away(ms)}"]], limit=float(pool),
                            limit_text=f"{pool} {in_flight} overlap at most {pool} round trips"
                                       f" of {2 * ms:g} ms; the work per request does not: "
                                       f"client, proxy and stand-in share {cores} cores"))

    def speed_up(how: str, ms: float) -> Side:
        base = sides[f"sequential, {_away(ms)}"].median
        return Side("", [base / v for v in sides[f"{how}, {_away(ms)}"].samples])

    xs = list(urls)
    thread_limit = pools[f"thread pool ({threads})"]
    panel = Panel(f"{n:,} requests answered at once: speed-up against the site's distance",
                  "one-way latency, ms", "sequential / concurrent",
                  [curve(how, xs, [speed_up(how, ms) for ms in xs]) for how in pools],
                  logx=False, reference=curve(f"the thread pool's limit ({thread_limit})", xs,
                                              [Side("", [thread_limit])] * len(xs)))
    note = (f"The rows N ms away fetch a page the stand-in answers at once, directly (0 ms) and "
            "through a latency proxy (util.tools.latency_proxy), as the book's example.com was "
            "a network away: the longer the round trip, the nearer the speed-up comes to the "
            "pool's size, up to the work per request, which does not overlap on these cores: the "
            "client's (requests.get opens a connection each time, aiohttp reuses its own), the "
            "proxy's and the stand-in's. The proxy delays what is sent, not "
            "the TCP handshake, so a new connection costs one round trip here where a network "
            f"costs two. aiohttp's limit here is {pools['aiohttp gather']} (N, under its "
            f"{AIOHTTP_LIMIT} connections).")
    return rows, panel, note


def run(size: Size, progress: Progress | None = None, services=None) -> Comparison:
    site = services.example_site(LATENCY)
    url = site.url + "/"
    counts = size.counts(tiny=[1, 20], quick=[1, 10, 100], full=[1, 10, 50, 100, 1_000])
    sequential_max = size.count(tiny=3, quick=10, full=50)
    pool_max = size.count(tiny=20, quick=10, full=100)
    rounds = size.n_rounds(tiny=1, quick=1, full=3)
    far_n = size.count(tiny=10, quick=20, full=100)
    latencies = size.pick(tiny=[1.0], quick=LATENCIES_MS, full=LATENCIES_MS)
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
    far_rows, far_panel, far_note = far_away(site, far_n, latencies, threads, rounds, progress)
    rows += far_rows
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
        far_panel,
    ]
    notes = [f"The stand-in answers after {LATENCY * 1000:g} ms; it runs on this machine, so "
             "there is no network latency beyond that. The default thread pool has "
             f"{threads} threads here (min(32, cores + 4)); the book's had 12 (8 cores).",
             far_note]
    return Comparison(NAME, TITLE, CHAPTERS, CLAIM, rows, panels, notes,
                      headline=len(counts) - 1)

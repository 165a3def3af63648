"""The local stand-in for www.example.com:
`python -m util.tools.example_site_server [--port N] [--latency S]`.

GET (or HEAD) on any path answers 200 with a small "Example Domain" page after the server's
latency (default 0.1 s, like a real site). Per request, the query string can ask for more:

    /?delay=2          answer after 2 seconds instead (0 to 60)
    /?status=500       answer with that status code (a final one: 200 to 599)
    /?links=2          add 2 absolute links (at most 100), to <path>/1?links=2 and
                       <path>/2?links=2, so a crawler (chapter 12) meets 1 + 2 + 4 + ... pages;
                       &relative=1 adds a relative link, /rel, that a crawler cannot follow

It counts requests: GET /__stats returns {"started": n, "completed": n, "cancelled": n}, where
cancelled counts requests whose client went away before the answer; POST /__reset zeroes them.
Clients that send `Connection: close` (the raw-socket clients of chapter 8) get it back.
"""
import argparse
import asyncio
import os
import signal
import sys
from collections import Counter

from aiohttp import web

from util import settings
from util.tools.example_site import DEFAULT_LATENCY

PAGE = """<!doctype html>
<html>
<head><title>Example Domain</title><meta charset="utf-8"></head>
<body>
<div>
<h1>Example Domain</h1>
<p>This domain is for use in illustrative examples in documents. This page is served by
the companion code's local stand-in, so the listings run offline.</p>
</div>
</body>
</html>
"""
MAX_DELAY = 60  # seconds: a longer (or NaN, or negative) delay is a 400
MAX_LINKS = 100  # links a page may ask for: more is a 400, not megabytes of HTML
STATS = web.AppKey("stats", Counter)
LATENCY = web.AppKey("latency", float)


def _number(request: web.Request, name: str, kind: type, default, lowest, highest):
    """The query parameter `name` as a `kind` between lowest and highest (a 400 otherwise: a
    NaN, an infinity or a number too large to use is refused as any other bad value)."""
    value = request.query.get(name)
    if value is None:
        return default
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or not lowest <= number <= highest:  # False for NaN
        kind_name = "an integer" if kind is int else "a number"
        raise web.HTTPBadRequest(
            text=f"{name} must be {kind_name} from {lowest} to {highest}, got {value[:20]!r}\n")
    return number


async def example_page(request: web.Request) -> web.Response:
    latency = _number(request, "delay", float, request.app[LATENCY], 0, MAX_DELAY)
    status = _number(request, "status", int, 200, 200, 599)  # a final status, never 1xx
    links = _number(request, "links", int, 0, 0, MAX_LINKS)
    stats = request.app[STATS]
    stats["started"] += 1
    try:
        await asyncio.sleep(latency)
    except asyncio.CancelledError:
        stats["cancelled"] += 1
        raise
    stats["completed"] += 1
    page = PAGE
    if links or request.query.get("relative"):
        base = f"{request.url.origin()}{request.path.rstrip('/')}"
        anchors = [f'<a href="{base}/{n}?links={links}">page {n}</a>'
                   for n in range(1, links + 1)]
        if request.query.get("relative"):
            anchors.append('<a href="/rel">a relative link</a>')
        page = PAGE.replace("</div>", "<p>" + "\n".join(anchors) + "</p>\n</div>")
    return web.Response(text=page, status=status, content_type="text/html",
                        headers={"X-Stub": "yes"})


async def read_stats(request: web.Request) -> web.Response:
    stats = request.app[STATS]
    return web.json_response({key: stats[key] for key in ("started", "completed", "cancelled")})


async def reset_stats(request: web.Request) -> web.Response:
    request.app[STATS].clear()
    return web.json_response({})


def create_app(latency: float = DEFAULT_LATENCY) -> web.Application:
    app = web.Application()
    app[STATS] = Counter()
    app[LATENCY] = latency
    app.router.add_get("/__stats", read_stats)
    app.router.add_post("/__reset", reset_stats)
    app.router.add_route("GET", "/{tail:.*}", example_page)
    return app


async def serve(host: str, port: int, latency: float) -> None:
    runner = web.AppRunner(create_app(latency), handler_cancellation=True, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=2048, reuse_address=True)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise SystemExit(f"example_site: cannot listen on {host}:{port}: {reason}") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"Example Domain stand-in on http://{host}:{port} (latency {latency} s)", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m util.tools.example_site_server",
                                     description=__doc__)
    parser.add_argument("--host", default=settings.EXAMPLE_HOST)
    parser.add_argument("--port", type=int, default=settings.EXAMPLE_PORT)
    parser.add_argument("--latency", type=float, default=DEFAULT_LATENCY,
                        help="seconds before each answer")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.latency))
    return 0


if __name__ == "__main__":
    sys.exit(main())

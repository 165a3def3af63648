"""Listing 9.1 — A current time endpoint

Section 9.1.2. Needs: nothing. Listens: WEB_PORT.

What to watch: `curl http://127.0.0.1:8080/time` answers JSON such as
{"month": 11, "day": 24, "time": "16:13:44.481169"}; any other path is a 404, another method on
/time a 405. The route decorator registers the handler; run_app prints its banner and serves
until Ctrl-C.

Differs from the book: run_app listens on util.settings SERVER_HOST and WEB_PORT (127.0.0.1:8080
by default; the book listens on all interfaces, 0.0.0.0); the app is built and served under the
main guard, so importing the module serves nothing. Also: the time is `datetime.now()` where the
book has `datetime.today()` (the same value).
"""
import datetime

from aiohttp import web
from aiohttp.web_request import Request
from aiohttp.web_response import Response

from util import settings

routes = web.RouteTableDef()


@routes.get('/time')
async def time(request: Request) -> Response:
    today = datetime.datetime.now()

    result = {
        'month': today.month,
        'day': today.day,
        'time': str(today.time())
    }

    return web.json_response(result)


if __name__ == "__main__":
    app = web.Application()
    app.add_routes(routes)
    web.run_app(app, host=settings.SERVER_HOST, port=settings.WEB_PORT)

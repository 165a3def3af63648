"""Listing 9.9 — A Starlette WebSocket endpoint

Section 9.3.2. Needs: nothing. Listens: SERVER_PORT.

What to watch: ws://127.0.0.1:8000/counter pushes the number of connected users, as text, to
every client whenever one connects or leaves; what clients send is ignored. Open
listing_9_10.html in several browser tabs and watch the count rise and fall.

Differs from the book: the book runs `uvicorn chapter_09.listing_9_9:app`; `python -m
chapter_09.listing_9_9` does the same on util.settings SERVER_HOST:SERVER_PORT (127.0.0.1:8000).
"""
import asyncio

import uvicorn
from starlette.applications import Starlette
from starlette.endpoints import WebSocketEndpoint
from starlette.routing import WebSocketRoute

from util import settings


class UserCounter(WebSocketEndpoint):
    encoding = 'text'
    sockets = []

    async def on_connect(self, websocket):
        await websocket.accept()
        UserCounter.sockets.append(websocket)
        await self._send_count()

    async def on_disconnect(self, websocket, close_code):
        UserCounter.sockets.remove(websocket)
        await self._send_count()

    async def on_receive(self, websocket, data):
        pass

    async def _send_count(self):
        if len(UserCounter.sockets) > 0:
            count_str = str(len(UserCounter.sockets))
            task_to_socket = {asyncio.create_task(websocket.send_text(count_str)): websocket
                              for websocket
                              in UserCounter.sockets}

            done, pending = await asyncio.wait(task_to_socket)  # noqa: RUF059

            for task in done:
                if task.exception() is not None:
                    if task_to_socket[task] in UserCounter.sockets:
                        UserCounter.sockets.remove(task_to_socket[task])


app = Starlette(routes=[WebSocketRoute('/counter', UserCounter)])

if __name__ == "__main__":
    uvicorn.run(app, host=settings.SERVER_HOST, port=settings.SERVER_PORT)

"""Listing 9.7 — A simple ASGI application

Section 9.2.1. Needs: nothing. Listens: SERVER_PORT.

What to watch: the ASGI version is a coroutine that sends its answer as two messages
(http.response.start, then http.response.body): every path answers 200 "ASGI hello!"
(`curl http://127.0.0.1:8000/`). uvicorn logs "ASGI 'lifespan' protocol appears unsupported."
at startup because the application ignores the lifespan scope, then serves anyway.

Differs from the book: the book runs `uvicorn chapter_09.listing_9_7:application`;
`python -m chapter_09.listing_9_7` does the same, on util.settings SERVER_HOST:SERVER_PORT
(127.0.0.1:8000).
"""
import uvicorn

from util import settings


async def application(scope, receive, send):
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [
            [b'content-type', b'text/html']
        ]
    })
    await send({'type': 'http.response.body', 'body': b'ASGI hello!'})


if __name__ == "__main__":
    uvicorn.run("chapter_09.listing_9_7:application",
                host=settings.SERVER_HOST, port=settings.SERVER_PORT)

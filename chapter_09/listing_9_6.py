"""Listing 9.6 — A WSGI application

Section 9.2. Needs: nothing. Listens: SERVER_PORT.

What to watch: one function is a whole web application: the WSGI server calls it once per
request with the environ dict and start_response, and it returns the body. Every path and
method answers 200 "WSGI hello!" (`curl http://127.0.0.1:8000/anything`). The book serves it
with `gunicorn chapter_09.listing_9_6` (gunicorn looks for `application`); `python -m` does
the same for you and gunicorn logs "Listening at: http://127.0.0.1:8000" and
"Using worker: sync".

Differs from the book: `python -m chapter_09.listing_9_6` runs gunicorn (sys.executable -m
gunicorn) bound to util.settings SERVER_HOST:SERVER_PORT (127.0.0.1:8000), with no control
socket (gunicorn 25.1+ would open one in ~/.gunicorn/ and leave that folder behind).
"""
import os
import sys
from pathlib import Path

from util import settings
from util.tools.gunicorn_options import no_control_socket


def application(env, start_response):
    start_response('200 OK', [('Content-Type', 'text/html')])
    return [b"WSGI hello!"]


if __name__ == "__main__":
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn",
                              "--chdir", str(Path(__file__).resolve().parent.parent),
                              "--bind", f"{settings.SERVER_HOST}:{settings.SERVER_PORT}",
                              *no_control_socket(), "chapter_09.listing_9_6"])

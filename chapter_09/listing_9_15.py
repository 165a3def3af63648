"""Listing 9.15 — Calling asynchronous code from a synchronous view

Section 9.4.2. Needs: example-site.

What to watch: the synchronous view requests_view_sync (async_views/async_api/views.py) runs the
same concurrent requests through async_to_sync; they still overlap. This module serves the
project as the book does (`uvicorn async_views.asgi:application` from chapter_09/async_views) on
SERVER_HOST:SERVER_PORT (127.0.0.1:8000) and prints the URLs to open; Ctrl-C stops it.

Differs from the book: the book has no module for this listing; it is part of the project, which
the reader serves by hand (the book: gunicorn with uvicorn's worker class). A missing or
malformed url or request_num is a 400 with a short message (url an http(s) URL, request_num a
whole number from 1 to 1,000) where the book's view fails with a 500, and each result's "time"
is the whole elapsed time in microseconds, as in 9.11.
"""
from chapter_09.serve_async_views import requests_url, serve

if __name__ == "__main__":
    serve("9.15", "async_api/views.py (requests_view_sync)",
          [(requests_url("async_to_sync"), "the synchronous view, the requests still concurrent")])

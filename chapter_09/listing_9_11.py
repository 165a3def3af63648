"""Listing 9.11 — A Django asynchronous view

Section 9.4. Needs: example-site.

What to watch: the asynchronous view requests_view (async_views/async_api/views.py) fans out
request_num GETs of url at once; the page lists each request's status, time and size, in about
the time of one. This module serves the project as the book does (`uvicorn
async_views.asgi:application` from chapter_09/async_views) on SERVER_HOST:SERVER_PORT
(127.0.0.1:8000) and prints the URLs to open; Ctrl-C stops it. The view fetches
whatever http(s) URL it is given, from the server: keep the project on loopback.

Differs from the book: the book has no module for this listing; it is part of the project, which
the reader serves by hand (the book: gunicorn with uvicorn's worker class). A missing or
malformed url or request_num is a 400 with a short message (url an http(s) URL, request_num a
whole number from 1 to 1,000) where the book's view fails with a 500 (Django's debug page).
Each result's "time" is the whole elapsed time in microseconds; the book took the timedelta's
microseconds part, which drops whole seconds (a 1.2 s request showed 200000).
"""
from chapter_09.serve_async_views import requests_url, serve

if __name__ == "__main__":
    serve("9.11", "async_api/views.py (requests_view)",
          [(requests_url(), "ten requests at once, one table row each")])

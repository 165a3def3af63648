"""Listing 9.12 — The requests view template

Section 9.4. Needs: example-site.

What to watch: the template async_views/async_api/templates/async_api/requests.html renders the
/requests/ page: failures first, then the status, time and size of each successful request. This
module serves the project as the book does (`uvicorn async_views.asgi:application` from
chapter_09/async_views) on SERVER_HOST:SERVER_PORT (127.0.0.1:8000) and prints the URLs to open;
Ctrl-C stops it.

Differs from the book: the book has no module for this listing; it is part of the project, which
the reader serves by hand (the book: gunicorn with uvicorn's worker class). The
"Response time (microseconds)" column shows the whole elapsed time of each request (9.11's
"time"); the book's showed only the timedelta's microseconds part, without the whole seconds.
"""
from chapter_09.serve_async_views import requests_url, serve

if __name__ == "__main__":
    serve("9.12", "async_api/templates/async_api/requests.html",
          [(requests_url(), "the page the template renders")])

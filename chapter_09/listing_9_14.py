"""Listing 9.14 — The sync_to_async view

Section 9.4.1. Needs: nothing.

What to watch: the view sync_to_async_view (async_views/async_api/views.py) runs three blocking
1-second sleeps through sync_to_async: about 3 s with thread_sensitive=True (one thread), about
1 s with False. This module serves the project as the book does (`uvicorn
async_views.asgi:application` from chapter_09/async_views) on SERVER_HOST:SERVER_PORT
(127.0.0.1:8000) and prints the URLs to open; Ctrl-C stops it. Parameters: sleep_time 0 to
10, num_calls 1 to 100, thread_sensitive True or False.

Differs from the book: the book has no module for this listing; it is part of the project, which
the reader serves by hand (the book: gunicorn with uvicorn's worker class). A missing or
malformed parameter is a 400 with a short message where the book's view fails with a 500, and
thread_sensitive must be True or False (the book took anything but "True" as False).
"""
from chapter_09.serve_async_views import serve, sync_to_async_url

if __name__ == "__main__":
    serve("9.14", "async_api/views.py (sync_to_async_view)",
          [(sync_to_async_url(True), "about 3 s: the sleeps share one thread"),
           (sync_to_async_url(False), "about 1 s: the sleeps overlap")])

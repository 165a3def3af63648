"""Listing 9.13 — The async_api/urls.py file

Section 9.4. Needs: example-site.

What to watch: async_views/async_api/urls.py maps /requests/, /requests/sync_to_async and
/requests/async_to_sync (no trailing slash on the last two) to the views of 9.11, 9.14 and 9.15.
This module serves the project as the book does (`uvicorn async_views.asgi:application` from
chapter_09/async_views) on SERVER_HOST:SERVER_PORT (127.0.0.1:8000) and prints the URLs to open;
Ctrl-C stops it.

Differs from the book: the book has no module for this listing; it is part of the project, which
the reader serves by hand (the book: gunicorn with uvicorn's worker class).
"""
from chapter_09.serve_async_views import requests_url, serve, sync_to_async_url

if __name__ == "__main__":
    serve("9.13", "async_api/urls.py",
          [(requests_url(), "/requests/: the asynchronous view (9.11)"),
           (sync_to_async_url(True), "/requests/sync_to_async (9.14)"),
           (requests_url("async_to_sync"), "/requests/async_to_sync (9.15)")])

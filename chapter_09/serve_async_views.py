"""Serve the Django project of section 9.4 (chapter_09/async_views) for listings 9.11-9.15.

What a reader of the book types, `cd chapter_09/async_views` and then
`uvicorn async_views.asgi:application`, done from any folder, on util.settings
SERVER_HOST:SERVER_PORT (the book's 127.0.0.1:8000), after printing the URLs that show the
listing. The views fetch the www.example.com stand-in (util.settings.EXAMPLE_URL).
"""
import os
from pathlib import Path
from urllib.parse import quote

from util import settings

PROJECT = Path(__file__).resolve().parent / "async_views"


def base_url() -> str:
    return f"http://{settings.SERVER_HOST}:{settings.SERVER_PORT}"


def requests_url(view: str = "") -> str:
    """The URL of the fan-out view ("" for 9.11's /requests/, "async_to_sync" for 9.15)."""
    return (f"{base_url()}/requests/{view}?url={quote(settings.EXAMPLE_URL, safe=':/')}"
            f"&request_num=10")


def sync_to_async_url(thread_sensitive: bool) -> str:
    return (f"{base_url()}/requests/sync_to_async?sleep_time=1&num_calls=3"
            f"&thread_sensitive={thread_sensitive}")


def serve(listing: str, where: str, urls: list[tuple[str, str]]) -> None:
    """Print what to open for `listing` (the code is in `where`), then serve the project
    with uvicorn until Ctrl-C."""
    import uvicorn

    print(f"Listing {listing} is {where} in the Django project chapter_09/async_views.")
    print(f"Serving it with uvicorn on {base_url()}; open:")
    for url, what in urls:
        print(f"  {url}")
        print(f"      {what}")
    print("Ctrl-C stops the server.", flush=True)
    os.chdir(PROJECT)
    uvicorn.run("async_views.asgi:application", host=settings.SERVER_HOST,
                port=settings.SERVER_PORT, app_dir=str(PROJECT))

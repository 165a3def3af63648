"""Listing 1.7 — Synchronously reading status codes

Section 1.5.1. Needs: example-site.

What to watch: two blocking requests one after the other take about twice one request's time.
This is the sequential baseline for listing 1.8.

Differs from the book: it fetches settings.EXAMPLE_URL (the local stand-in for
https://www.example.com; set EXAMPLE_URL to change it) instead of the hard-coded address.
"""
import time

import requests

from util import settings


def read_example() -> None:
    response = requests.get(settings.EXAMPLE_URL)
    print(response.status_code)


if __name__ == "__main__":
    sync_start = time.time()

    read_example()
    read_example()

    sync_end = time.time()

    print(f'Running synchronously took {sync_end - sync_start:.4f} seconds.')

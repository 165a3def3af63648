"""Listing 1.8 — Multithreaded status code reading

Section 1.5.1. Needs: example-site.

What to watch: "All threads running!" comes first, and the two requests overlap, so the total is
about one request's time, half of listing 1.7's: the GIL is released while a thread waits on
network I/O.

Differs from the book: it fetches settings.EXAMPLE_URL (the local stand-in for
https://www.example.com; set EXAMPLE_URL to change it) instead of the hard-coded address.
"""
import threading
import time

import requests

from util import settings


def read_example() -> None:
    response = requests.get(settings.EXAMPLE_URL)
    print(response.status_code)


if __name__ == "__main__":
    thread_1 = threading.Thread(target=read_example)
    thread_2 = threading.Thread(target=read_example)

    thread_start = time.time()

    thread_1.start()
    thread_2.start()

    print('All threads running!')

    thread_1.join()
    thread_2.join()

    thread_end = time.time()

    print(f'Running with threads took {thread_end - thread_start:.4f} seconds.')

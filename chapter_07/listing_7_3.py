"""Listing 7.3 — Basic usage of requests

Section 7.2.1. Needs: example-site.

What to watch: two blocking requests.get calls, one after the other; each prints the status
code, 200. While a call waits for the server, the whole thread (and any event loop in it) is
stuck.

Differs from the book: the URL is the local www.example.com stand-in (util.settings.EXAMPLE_URL)
instead of https://www.example.com, so it runs offline.
"""
import requests

from util import settings


def get_status_code(url: str) -> int:
    response = requests.get(url)
    return response.status_code


if __name__ == "__main__":
    url = settings.example_url()
    print(get_status_code(url))
    print(get_status_code(url))

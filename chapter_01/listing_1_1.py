"""Listing 1.1 — I/O-bound and CPU-bound operations

Section 1.2. Needs: example-site.

What to watch: nothing is printed; headers.txt appears in the directory you run from, one
"Name: value" line per response header. The request and the file write are I/O-bound; building
and joining the strings is CPU-bound.

Differs from the book: it fetches settings.EXAMPLE_URL (the local stand-in for
https://www.example.com; set EXAMPLE_URL to change it) instead of the hard-coded address.
"""
import requests

from util import settings

if __name__ == "__main__":
    response = requests.get(settings.EXAMPLE_URL)

    items = response.headers.items()

    headers = [f'{key}: {header}' for key, header in items]

    formatted_headers = '\n'.join(headers)

    with open('headers.txt', 'w') as file:
        file.write(formatted_headers)

"""Listing 2.1 — Using the async keyword

Section 2.1.1. Needs: nothing.

What to watch: running the module prints nothing; it only defines a coroutine function, whose
body runs (printing "Hello world!") when a coroutine made from it is awaited.
"""


async def my_coroutine() -> None:
    print('Hello world!')

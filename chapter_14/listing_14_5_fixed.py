"""Listing 14.5 (fixed) — Generator-based coroutines

Section 14.5.1. Needs: nothing.

What to watch: a generator that delegates to asyncio.sleep(1) with `yield from` still works as a
coroutine: it prints "Sleeping!", and "Finished!" a second later. Coroutines were once built on
generators, and await still drives them with the same protocol.

Differs from the book: @asyncio.coroutine was removed in Python 3.11; types.coroutine marks the
generator instead. On Python 3.12 and 3.13 asyncio.run only accepts a real coroutine
("ValueError: a coroutine was expected, got <generator object ...>"), so a small async def main
awaits the generator (3.11 still ran a generator as a coroutine, and from 3.14 asyncio.run wraps
any awaitable again, CPython gh-120284).
"""
import asyncio
import types


@types.coroutine
def coroutine():
    print('Sleeping!')
    yield from asyncio.sleep(1)
    print('Finished!')


async def main():
    await coroutine()


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 14.5 — Generator-based coroutines

Section 14.5.1. Needs: nothing.

What to watch: on Python 3.11 and later this fails at once, as kept here on purpose: the
@asyncio.coroutine decorator, the pre-async/await way of marking a generator as a coroutine, was
removed in 3.11, so running it prints nothing and ends with "AttributeError: module 'asyncio'
has no attribute 'coroutine'" (exit status 1). On the book's Python 3.10 it printed "Sleeping!",
then "Finished!" a second later, with a DeprecationWarning. See listing_14_5_fixed.py for the
same generator-based coroutine with types.coroutine.

Differs from the book: the decorated generator is defined under the `if __name__ == "__main__":`
guard, so that importing the module does not fail; running it fails exactly as the book's code
does.
"""
import asyncio

if __name__ == "__main__":

    @asyncio.coroutine
    def coroutine():
        print('Sleeping!')
        yield from asyncio.sleep(1)
        print('Finished!')


    asyncio.run(coroutine())

"""Listing 2.16 — A decorator for timing coroutines

Section 2.6. Needs: nothing.

What to watch: running the module prints nothing. Apply it with parentheses, @async_timed(): a
decorated coroutine prints "starting <function ...> with args (...) {...}" and, even when it
raises or is cancelled, "finished <function ...> in N.NNNN second(s)". Later listings import
the identical copy in util/async_timer.py as `from util import async_timed`.

Differs from the book: Callable is imported from collections.abc (the book imports it from
typing, where it is now a deprecated alias); the behaviour is the same.
"""
import functools
import time
from collections.abc import Callable
from typing import Any


def async_timed():
    def wrapper(func: Callable) -> Callable:
        @functools.wraps(func)
        async def wrapped(*args, **kwargs) -> Any:
            print(f'starting {func} with args {args} {kwargs}')
            start = time.time()
            try:
                return await func(*args, **kwargs)
            finally:
                end = time.time()
                total = end - start
                print(f'finished {func} in {total:.4f} second(s)')

        return wrapped

    return wrapper

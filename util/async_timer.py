"""The book's async_timed decorator (listing 2.16), imported as `from util import async_timed`.

A copy of chapter_02/listing_2_16.py's code, kept on purpose; neither imports the other. The
listing must show the book's code, so it cannot import it from here. And this module cannot
import it from the listing: the wrapper's code belongs to the file that compiles it, and
asyncio names that file wherever a decorated coroutine is shown, as the book shows it: debug
mode's "Executing <Task finished ... coro=<cpu_bound_work() done, defined at
.../util/async_timer.py:...>" (2.23) and the pending tasks "running at .../util/async_timer.py"
that 4.9 prints. tests/test_chapter_02.py pins the two identical (code and behaviour), so
`duplicates` reporting this pair is expected.
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

"""Listing 10.9 — A retry coroutine

Section 10.3.4. Needs: nothing.

What to watch: nothing runs here (listing 10.10 uses it). retry takes a coroutine function, not
a coroutine, because each attempt needs a fresh coroutine object; each failed or timed-out
attempt is logged as "Exception while waiting (tried N times), retrying." with N counting from
0, then it sleeps retry_interval; after max_retries failures it raises TooManyRetries.
Cancelling the caller is not swallowed (CancelledError is not an Exception).

Differs from the book: retry's coro parameter has no `Callable[[], Awaitable]` annotation (the
book has one). (Since Python 3.11 the timeout is the built-in TimeoutError; from 3.12 the logged
traceback shows a CancelledError chained into it.)
"""
import asyncio
import logging


class TooManyRetries(Exception):
    pass


async def retry(coro,
                max_retries: int,
                timeout: float,
                retry_interval: float):
    for retry_num in range(0, max_retries):
        try:
            return await asyncio.wait_for(coro(), timeout=timeout)
        except Exception as e:
            logging.exception(f'Exception while waiting (tried {retry_num} times), retrying.',
                              exc_info=e)
            await asyncio.sleep(retry_interval)
    raise TooManyRetries()

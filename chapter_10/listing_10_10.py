"""Listing 10.10 — Testing the retry coroutine

Section 10.3.4. Needs: nothing.

What to watch: stderr shows three logged failures ("tried 0 times" to "tried 2 times") with
"Exception: I've failed!", then stdout "Retried too many times!"; then three more ending in
TimeoutError (each attempt is cut off after 0.1 s) and the same line again. About 1 s in all.
"""
import asyncio

from chapter_10.listing_10_9 import TooManyRetries, retry


async def main():
    async def always_fail():
        raise Exception("I've failed!")

    async def always_timeout():
        await asyncio.sleep(1)

    try:
        await retry(always_fail,
                    max_retries=3,
                    timeout=.1,
                    retry_interval=.1)
    except TooManyRetries:
        print('Retried too many times!')

    try:
        await retry(always_timeout,
                    max_retries=3,
                    timeout=.1,
                    retry_interval=.1)
    except TooManyRetries:
        print('Retried too many times!')


if __name__ == "__main__":
    asyncio.run(main())

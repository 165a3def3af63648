"""Listing 7.17 — Hashing with multithreading and asyncio

Section 7.5.1. Needs: nothing.

What to watch: the 10,000 scrypt hashes of 7.16 submitted to a ThreadPoolExecutor with
run_in_executor. hashlib.scrypt releases the GIL, so the threads hash on every core at once:
the book went from 40+ s to about 5 s on 8 cores: expect 7.16's time divided by your number
of idle cores (measured here: benchmarks/results/report.md, the threads comparison). Leaving the
with-block waits for every hash (blocking the event loop); gather then collects the results.

Differs from the book: random_password makes ten lowercase letters (the book's made about
1,100 zero bytes, see 7.16); `passwords` is built under `if __name__ == "__main__":`, after the
functions (the book builds it at module level, between random_password and hash), so importing
the module builds none; and PASSWORD_COUNT (default 10000) lowers the number of passwords.
"""
import asyncio
import functools
import hashlib
import os
import random
import string
from concurrent.futures.thread import ThreadPoolExecutor

from util import async_timed

password_count = int(os.environ.get('PASSWORD_COUNT', 10000))


def random_password(length: int) -> bytes:
    ascii_lowercase = string.ascii_lowercase.encode()
    return b''.join(bytes([random.choice(ascii_lowercase)]) for _ in range(length))


def hash(password: bytes) -> str:
    salt = os.urandom(16)
    return str(hashlib.scrypt(password, salt=salt, n=2048, p=1, r=8))


@async_timed()
async def main():
    loop = asyncio.get_running_loop()
    tasks = []

    with ThreadPoolExecutor() as pool:
        for password in passwords:
            tasks.append(loop.run_in_executor(pool, functools.partial(hash, password)))

    await asyncio.gather(*tasks)


if __name__ == "__main__":
    passwords = [random_password(10) for _ in range(password_count)]
    asyncio.run(main())

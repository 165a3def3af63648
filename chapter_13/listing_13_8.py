"""Listing 13.8 — Subprocesses with a semaphore

Section 13.1.2. Needs: nothing.

What to watch: 1,000 texts are encrypted by gpg, but a Semaphore(os.cpu_count()) lets only as
many gpg processes run at once as there are CPUs; only "Total time: ..." is printed. It takes
minutes on a 2-core machine (about 1000 x 0.2-0.3 s / cores); pass a smaller count to try it.
Requires GnuPG 2.x (`gpg`) on PATH. In a container,
os.process_cpu_count() (Python 3.13+) would respect the CPU affinity; the book's os.cpu_count()
is kept.

Differs from the book: an optional argument sets how many texts to encrypt
(`python -m chapter_13.listing_13_8 50`); the default is the book's 1000. Also: an unused
assignment is dropped; gpg runs in a throwaway GnuPG home, as in 13.7
(chapter_13/gnupg_home.py), so nothing is left in ~/.gnupg and its gpg-agent is stopped.
"""
import asyncio
import os
import random
import string
import sys
import time
from asyncio import Semaphore
from asyncio.subprocess import Process

from chapter_13.gnupg_home import throwaway_gnupg_home


async def encrypt(sem: Semaphore, text: str) -> bytes:
    program = ['gpg', '-c', '--batch', '--passphrase', '3ncryptm3', '--cipher-algo', 'TWOFISH']

    async with sem:
        process: Process = await asyncio.create_subprocess_exec(*program,
                                                                stdout=asyncio.subprocess.PIPE,
                                                                stdin=asyncio.subprocess.PIPE)
        stdout, stderr = await process.communicate(text.encode())  # noqa: RUF059
        return stdout


async def main(text_count: int = 1000):
    text_list = [''.join(random.choice(string.ascii_letters) for _ in range(1000))
                 for _ in range(text_count)]
    semaphore = Semaphore(os.cpu_count())
    s = time.time()
    tasks = [asyncio.create_task(encrypt(semaphore, text)) for text in text_list]
    await asyncio.gather(*tasks)
    e = time.time()

    print(f'Total time: {e - s}')


if __name__ == "__main__":
    with throwaway_gnupg_home():
        asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))

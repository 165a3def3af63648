"""Listing 13.7 — Encrypting text concurrently

Section 13.1.2. Needs: nothing.

What to watch: 100 gpg processes are started at once, each encrypting a random 1,000-letter
text with a passphrase; "Total time: ..." is printed, then the list of 100 encrypted bytes
objects (one long line). All of them compete for the CPUs at the same time; 13.8 adds a limit.
Requires GnuPG 2.x (`gpg`, Debian package gnupg) on PATH and a writable GnuPG home (GNUPGHOME);
on first use gpg says on stderr that it created its keybox. Every gpg also talks to the one
gpg-agent: start it first (`gpgconf --launch gpg-agent`), since 100 gpg processes that all try
to start it back off on each other, and expect the run to take far longer on a busy machine.

Differs from the book: an optional argument sets how many texts to encrypt
(`python -m chapter_13.listing_13_7 10`); the default is the book's 100.
"""
import asyncio
import random
import string
import sys
import time
from asyncio.subprocess import Process


async def encrypt(text: str) -> bytes:
    program = ['gpg', '-c', '--batch', '--passphrase', '3ncryptm3', '--cipher-algo', 'TWOFISH']

    process: Process = await asyncio.create_subprocess_exec(*program,
                                                            stdout=asyncio.subprocess.PIPE,
                                                            stdin=asyncio.subprocess.PIPE)
    stdout, stderr = await process.communicate(text.encode())  # noqa: RUF059
    return stdout


async def main(text_count: int = 100):
    text_list = [''.join(random.choice(string.ascii_letters) for _ in range(1000))
                 for _ in range(text_count)]

    s = time.time()
    tasks = [asyncio.create_task(encrypt(text)) for text in text_list]
    encrypted_text = await asyncio.gather(*tasks)
    e = time.time()

    print(f'Total time: {e - s}')
    print(encrypted_text)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))

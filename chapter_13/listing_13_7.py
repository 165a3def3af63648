"""Listing 13.7 — Encrypting text concurrently

Section 13.1.2. Needs: nothing.

What to watch: 100 gpg processes are started at once, each encrypting a random 1,000-letter
text with a passphrase; "Total time: ..." is printed, then the list of 100 encrypted bytes
objects (one long line). All of them compete for the CPUs at the same time; 13.8 adds a limit.
Each gpg spends about 0.2 s of CPU, nearly all of it hashing the passphrase into the key, so 100
of them need about 18 s of CPU (15-20 s in 20 runs, GnuPG 2.2 and 2.4): about 10 s on an idle
2-core machine, and as long as other work leaves them CPU on a busy one (measured 17-51 s with
the load average at 35-64). 13.8's semaphore of 2 needs the same CPU, so on 2 cores it takes as
long, not less. The program ends 1-2 s after its output, while gpg-agent stops. Requires
GnuPG 2.x (`gpg`, Debian package gnupg) on PATH.

Differs from the book: an optional argument sets how many texts to encrypt
(`python -m chapter_13.listing_13_7 10`); the default is the book's 100. Also: gpg runs in a
throwaway GnuPG home (chapter_13/gnupg_home.py: GNUPGHOME a temporary folder, with no
random_seed file and no keyring, its gpg-agent started once before the run and stopped after,
the folder removed), not in ~/.gnupg, where 100 gpg at once wait on each other's locks ("gpg:
waiting for lock ...") and the run leaves ~/.gnupg and a gpg-agent behind. Before the run the
agent is also asked once for its passphrase-hashing count, as a reader's long-running agent has
been: a fresh agent works it out by timing itself (about 1 s of CPU), once for every gpg asking
at the same time, which made 20 texts take 6-22 s and could leave the agent busy for a minute
after the run; after the run it is killed if it has not exited within 5 s. The gpg command and
the printed output are the book's.
"""
import asyncio
import random
import string
import sys
import time
from asyncio.subprocess import Process

from chapter_13.gnupg_home import throwaway_gnupg_home


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
    with throwaway_gnupg_home():
        asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))

"""Listing 7.16 — Hashing passwords with scrypt

Section 7.5.1. Needs: nothing.

What to watch: 10,000 random passwords hashed one after another with hashlib.scrypt (a fresh
random salt each time), then the seconds it took, as a bare float. The book measured 40+ s on
an 8-core machine, so a billion passwords would take months: the motivation for threads in
7.17. Measured on this project's machine: benchmarks/results/report.md (the threads comparison).

Differs from the book: the book's random_password passes each chosen byte value (97-122) to
bytes(), which makes that many zero bytes, so every "password" was about 1,100 NUL bytes; here
it is ten lowercase letters, as intended (bytes([...])). `passwords` is built under
`if __name__ == "__main__":`, after the functions, so importing the module builds none (the book
builds it at module level, between random_password and hash). The number of passwords can be
lowered with the PASSWORD_COUNT environment variable (default 10000, the book's), e.g.
`PASSWORD_COUNT=500 python -m chapter_07.listing_7_16`.
"""
import hashlib
import os
import random
import string
import time

password_count = int(os.environ.get('PASSWORD_COUNT', 10000))


def random_password(length: int) -> bytes:
    ascii_lowercase = string.ascii_lowercase.encode()
    return b''.join(bytes([random.choice(ascii_lowercase)]) for _ in range(length))


def hash(password: bytes) -> str:
    salt = os.urandom(16)
    return str(hashlib.scrypt(password, salt=salt, n=2048, p=1, r=8))


if __name__ == "__main__":
    passwords = [random_password(10) for _ in range(password_count)]

    start = time.time()

    for password in passwords:
        hash(password)

    end = time.time()
    print(end - start)

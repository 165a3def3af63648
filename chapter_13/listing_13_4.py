"""Listing 13.4 — Generating a lot of output

Section 13.1.1. Needs: nothing.

What to watch: a plain (not asyncio) program that writes "Hello there!!" 1,000,000 times,
14,000,000 bytes, far more than a pipe holds (64 KiB on Linux); listings 13.5 and 13.6 start it
as a child. Run it through a pager or `| wc -c` rather than on your terminal.

Differs from the book: the code runs under `if __name__ == "__main__":`, so that importing the
module does nothing.
"""
import sys

if __name__ == "__main__":
    [sys.stdout.buffer.write(b'Hello there!!\n') for _ in range(1000000)]

    sys.stdout.flush()

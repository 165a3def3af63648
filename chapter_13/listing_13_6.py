"""Listing 13.6 — Using communicate

Section 13.1.1. Needs: nothing.

What to watch: communicate() reads the child's output while waiting for it, so the same child
as in 13.5 finishes in about a second. The stdout bytes are printed as one enormous line (the
repr of 14,000,000 bytes), then None (stderr was not piped), then "Process returned: 0".
Pipe it through `cut -c1-80` to keep your terminal readable.

Differs from the book: the child is started as `sys.executable -m chapter_13.listing_13_4`
instead of `python3 listing_13_4.py` relative to the current directory (see 13.5).
"""
import asyncio
import sys
from asyncio.subprocess import Process


async def main():
    program = [sys.executable, '-m', 'chapter_13.listing_13_4']
    process: Process = await asyncio.create_subprocess_exec(*program,
                                                            stdout=asyncio.subprocess.PIPE)
    print(f'Process pid is: {process.pid}')

    stdout, stderr = await process.communicate()
    print(stdout)
    print(stderr)
    print(f'Process returned: {process.returncode}')


if __name__ == "__main__":
    asyncio.run(main())

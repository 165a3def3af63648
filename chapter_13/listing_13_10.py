"""Listing 13.10 — Using communicate with standard input

Section 13.2. Needs: nothing.

What to watch: the child (13.9) gets its whole input, b'Zoot' with no newline, in one
communicate() call; the parent prints the child's stdout bytes, prompt and answer on one line,
then None (stderr was not piped).

Differs from the book: the child is started as `sys.executable -m chapter_13.listing_13_9`
instead of `python3 listing_13_9.py` relative to the current directory (see 13.5).
"""
import asyncio
import sys
from asyncio.subprocess import Process


async def main():
    program = [sys.executable, '-m', 'chapter_13.listing_13_9']
    process: Process = await asyncio.create_subprocess_exec(*program,
                                                            stdout=asyncio.subprocess.PIPE,
                                                            stdin=asyncio.subprocess.PIPE)

    stdout, stderr = await process.communicate(b'Zoot')
    print(stdout)
    print(stderr)


if __name__ == "__main__":
    asyncio.run(main())

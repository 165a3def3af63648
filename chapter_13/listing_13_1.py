"""Listing 13.1 — Running a simple command in a subprocess

Section 13.1. Needs: nothing.

What to watch: the child `ls -l` writes straight to your terminal (nothing is redirected); the
parent prints "Process pid is: <pid>" as soon as the child has started (the two race, so the
line may come before, among or after the lines of the listing) and "Status code: 0" once the
child has exited.
POSIX only (`ls`).
"""
import asyncio
from asyncio.subprocess import Process


async def main():
    process: Process = await asyncio.create_subprocess_exec('ls', '-l')
    print(f'Process pid is: {process.pid}')
    status_code = await process.wait()
    print(f'Status code: {status_code}')


if __name__ == "__main__":
    asyncio.run(main())

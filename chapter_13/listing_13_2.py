"""Listing 13.2 — Terminating a subprocess

Section 13.1. Needs: nothing.

What to watch: `sleep 3` is given 1 second: the wait times out, the child is sent SIGTERM and its
return code is -15 (minus the signal number); the listing ends after about 1 s, not 3.
POSIX only (`sleep`). Since Python 3.11 asyncio.TimeoutError is the builtin TimeoutError, so the
book's except clause still catches it; `async with asyncio.timeout(1):` is the modern form.
"""
import asyncio
from asyncio.subprocess import Process


async def main():
    process: Process = await asyncio.create_subprocess_exec('sleep', '3')
    print(f'Process pid is: {process.pid}')
    try:
        status_code = await asyncio.wait_for(process.wait(), timeout=1.0)
        print(status_code)
    except asyncio.TimeoutError:
        print('Timed out waiting to finish, terminating...')
        process.terminate()
        status_code = await process.wait()
        print(status_code)


if __name__ == "__main__":
    asyncio.run(main())

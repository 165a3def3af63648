"""Listing 13.5 — A deadlock with pipes

Section 13.1.1. Needs: nothing.

What to watch: this one never finishes. The child (13.4) fills the 64 KiB pipe and blocks
writing, while the parent waits for it to exit without ever reading the pipe: a deadlock. Only
"Process pid is: <pid>" is printed; stop it with Ctrl-C. One Ctrl-C ends both (the terminal
sends it to the parent and the child alike), and how many tracebacks you see depends on the
Python: on 3.11 three, the parent's CancelledError in process.wait() followed by its
KeyboardInterrupt from asyncio.run, and the child's KeyboardInterrupt in its write loop (the
book's behaviour); on 3.12 and 3.13.0 to 3.13.3 four, the fourth the subprocess transport's
"Exception ignored in ... __del__ ... RuntimeError: Event loop is closed"; from 3.13.4 and on
3.14 and 3.15 usually two, the parent's only, since that transport, closed as the program ends,
now kills the child first (CPython gh-114177). The child's own traceback comes at once only if
the Ctrl-C catches its buffered write before that write has put anything into the pipe (then
three tracebacks on 3.14 too, about one run in ten here); otherwise the write carries on, stuck,
and the child speaks only when the parent's exit breaks the pipe (3.11 to 3.13.3; rarely its
traceback is lost then, "lost sys.stderr", one traceback fewer) or never, killed first (3.13.4
and later). Listing 13.6 fixes it.

Differs from the book: the child is started as `sys.executable -m chapter_13.listing_13_4`
instead of `python3 listing_13_4.py`, which only works from inside chapter_13/ (from the
repository root the child fails at once and no deadlock is shown) and may start another Python.
"""
import asyncio
import sys
from asyncio.subprocess import Process


async def main():
    program = [sys.executable, '-m', 'chapter_13.listing_13_4']
    process: Process = await asyncio.create_subprocess_exec(*program,
                                                            stdout=asyncio.subprocess.PIPE)
    print(f'Process pid is: {process.pid}')

    return_code = await process.wait()
    print(f'Process returned: {return_code}')


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 3.9 (today: asyncio.run's Ctrl-C) — Adding a signal handler to cancel all tasks

Section 3.6.1. Needs: nothing.

What to watch: no signal handler of our own. Press Ctrl-C within the 10 seconds: asyncio.run
cancels the main task, so main's `except CancelledError` runs and may still await: "Got a
SIGINT!", "Cleaning up..." and, half a second later, "Cleanup finished.", then asyncio.run
raises KeyboardInterrupt, which the program turns into "Interrupted." and exit code 130 (the
shell's code for Ctrl-C). A second Ctrl-C during the cleanup interrupts it at once. Left
alone, it sleeps 10 seconds and exits normally.

What changed: asyncio.run (and asyncio.Runner) install their own SIGINT handler: the first
Ctrl-C cancels the main task, which can clean up with ordinary try/except/finally and awaits;
the KeyboardInterrupt is raised only after main has finished; a second Ctrl-C raises
KeyboardInterrupt at once.

Since: Python 3.11 (asyncio.Runner and its SIGINT handling, used by asyncio.run).

Why it is better: no loop.add_signal_handler (Unix only), no cancelling of every task by hand,
and the program still ends the way a Ctrl-C ends a Python program (KeyboardInterrupt, code 130),
not with the CancelledError traceback of the book's version. What to watch out for: only the
main task is cancelled; tasks it started must be cancelled by main (a TaskGroup does that) or
they are cancelled later by asyncio.run's cleanup. SIGTERM still needs add_signal_handler.
"""
import asyncio
import sys

from util import delay
from util.tools.companions import refuse_older_python


async def main():
    try:
        await delay(10)
    except asyncio.CancelledError:
        print('Got a SIGINT!')
        print('Cleaning up...')
        await asyncio.sleep(0.5)
        print('Cleanup finished.')
        raise


if __name__ == "__main__":
    refuse_older_python("3.9_runner")
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print('Interrupted.')
        sys.exit(130)

"""Listing 3.9 — Adding a signal handler to cancel all tasks

Section 3.6.1. Needs: nothing.

What to watch: main registers cancel_tasks for SIGINT with loop.add_signal_handler and awaits
delay(10). Press Ctrl-C within the 10 seconds: the handler prints "Got a SIGINT!" and
"Cancelling 1 task(s)." (the only task is main itself), and the program ends with a
CancelledError traceback (exit code 1) instead of a KeyboardInterrupt. Left alone, it sleeps 10
seconds and exits normally. Unix only: add_signal_handler raises NotImplementedError on Windows.

Since Python 3.11 asyncio.run installs its own Ctrl-C handling (cancel the main task, then raise
KeyboardInterrupt); add_signal_handler replaces it here.
"""
import asyncio
import signal
from asyncio import AbstractEventLoop
from typing import Set

from util import delay


def cancel_tasks():
    print('Got a SIGINT!')
    tasks: Set[asyncio.Task] = asyncio.all_tasks()
    print(f'Cancelling {len(tasks)} task(s).')
    [task.cancel() for task in tasks]


async def main():
    loop: AbstractEventLoop = asyncio.get_running_loop()

    loop.add_signal_handler(signal.SIGINT, cancel_tasks)

    await delay(10)


if __name__ == "__main__":
    asyncio.run(main())

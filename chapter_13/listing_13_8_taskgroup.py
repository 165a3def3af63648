"""Listing 13.8 (today: TaskGroup and timeout) — Subprocesses with a semaphore

Section 13.1.2. Needs: nothing.

What to watch: as in 13.8, the texts are encrypted by gpg, at most os.cpu_count() processes at
a time (a Semaphore), and "Total time: ..." is printed; the encryptions now run in a TaskGroup,
and each communicate() is bounded by asyncio.timeout (default 30 s). When a gpg does not answer
in time it is killed and reaped (no orphan process, no zombie), and the timeout, raised inside
the group, cancels the other encryptions, which kill their own gpg: the run ends with
"Encryption timed out: every gpg killed" and exit code 1. Try it with a timeout too short to
succeed: `python -m util run 13.8_taskgroup 20 0.001`. Arguments: how many texts (default the
book's 1000, minutes on 2 cores, as in 13.8) and the timeout in seconds.

What changed: asyncio.TaskGroup instead of gather, asyncio.timeout around communicate()
instead of no bound at all, and a `finally` that kills the process if it is still running and
waits for it (kill_and_wait).
As in 13.7, gpg runs in a throwaway GnuPG home (chapter_13/gnupg_home.py) whose gpg-agent is
stopped afterwards.

Since: Python 3.11 (asyncio.TaskGroup, asyncio.timeout).

Why it is better: cancelling or timing out `communicate()` does not stop the child process:
with the book's gather, a hung child, or a failure in one task, leaves gpg processes running
after the program has moved on. Here every exit path (success, timeout, a sibling's failure,
Ctrl-C) goes through the kill-and-wait, and the group guarantees no encryption outlives main.
What to watch out for: kill() then `await process.wait()`; without the wait the child stays a
zombie until the event loop notices. And that wait can itself be cancelled: the task whose own
timeout fired is cancelled again by the group while it waits. Cut short there, the process's
transport outlives the loop and Python prints "Exception ignored in ... BaseSubprocessTransport
.__del__ ... Event loop is closed" after the run, so kill_and_wait finishes the wait first and
raises the cancellation afterwards.
"""
import asyncio
import os
import random
import string
import sys
import time
from asyncio import Semaphore
from asyncio.subprocess import Process

from chapter_13.gnupg_home import throwaway_gnupg_home
from util.tools.companions import refuse_older_python


async def kill_and_wait(process: Process) -> None:
    """Kill the process if it still runs and wait until asyncio has let it go. A cancellation
    meanwhile (the group's, after this task's own timeout) is raised only after that."""
    if process.returncode is None:
        process.kill()
    cancelled = None
    while True:
        try:
            await process.wait()
            break
        except asyncio.CancelledError as error:
            cancelled = error
    if cancelled is not None:
        raise cancelled


async def encrypt(sem: Semaphore, text: str, timeout: float) -> bytes:
    program = ['gpg', '-c', '--batch', '--passphrase', '3ncryptm3', '--cipher-algo', 'TWOFISH']

    async with sem:
        process = await asyncio.create_subprocess_exec(*program,
                                                       stdout=asyncio.subprocess.PIPE,
                                                       stdin=asyncio.subprocess.PIPE)
        try:
            async with asyncio.timeout(timeout):
                stdout, _ = await process.communicate(text.encode())
            return stdout
        finally:
            await kill_and_wait(process)


async def main(text_count: int = 1000, timeout: float = 30) -> int:
    text_list = [''.join(random.choice(string.ascii_letters) for _ in range(1000))
                 for _ in range(text_count)]
    semaphore = Semaphore(os.cpu_count())
    s = time.time()
    timed_out = False
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(encrypt(semaphore, text, timeout)) for text in text_list]
    except* TimeoutError:
        timed_out = True
    if timed_out:
        print('Encryption timed out: every gpg killed')
        return 1
    e = time.time()

    print(f'Total time: {e - s}')
    print(f'Encrypted {sum(1 for task in tasks if task.result())} text(s)')
    return 0


if __name__ == "__main__":
    refuse_older_python("13.8_taskgroup")
    with throwaway_gnupg_home():
        code = asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
                                float(sys.argv[2]) if len(sys.argv) > 2 else 30))
    sys.exit(code)

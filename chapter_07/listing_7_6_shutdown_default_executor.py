"""Listing 7.6 (today: shutdown_default_executor) — Using the default executor

Section 7.2.4. Needs: nothing.

What to watch: a blocking call (a 3 s time.sleep standing in for a slow requests.get) runs in
the loop's default executor via asyncio.to_thread; main gives it 0.5 s
("Gave up waiting after 0.5 s"), but a thread cannot be cancelled and keeps running. main then
shuts the default executor down with a 1 s timeout: at about 1.5 s "Executor shut down;
blocking call finished: False", a RuntimeWarning on stderr ("The executor did not finishing
joining its threads within 1 seconds."), and the loop closes ("Loop closed after 1.5 s"). The process itself ends at about 3 s, when the thread does (Python joins the pool's
threads at exit). Without the timeout the loop would stay blocked until the thread ended, and
asyncio.run waits up to 300 s for it.

What changed: `await loop.shutdown_default_executor(timeout)` bounds how long shutting down the
default executor may wait for its threads; asyncio.run and Runner call it with a 300 s timeout
(constants.THREAD_JOIN_TIMEOUT), so a shorter bound needs a loop closed by hand.

Since: Python 3.12 (honoured from 3.13): 3.12 added the timeout parameter (the method exists
since 3.9), but on 3.12.1 it is not honoured (observed: the call still waits for the thread,
because it awaits the executor's shutdown before applying the timeout); it is from 3.13, which
this companion therefore needs.

Why it is better: a program's shutdown can no longer hang forever on a stuck blocking call in a
thread; it can report it and move on (close connections, flush logs) while the thread is left
to finish. What to watch out for: the thread is abandoned, not stopped; anything it does after
the loop closed must not touch the loop.
"""
import asyncio
import threading
import time

from util.tools.companions import refuse_older_python

blocking_call_done = threading.Event()


def blocking_call(seconds: float) -> float:
    time.sleep(seconds)
    blocking_call_done.set()
    return seconds


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        async with asyncio.timeout(0.5):
            await asyncio.to_thread(blocking_call, 3)
    except TimeoutError:
        print(f'Gave up waiting after {loop.time() - start:.1f} s')


if __name__ == "__main__":
    refuse_older_python("7.6_shutdown_default_executor")
    started = time.monotonic()
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor(timeout=1))
        print(f'Executor shut down; blocking call finished: {blocking_call_done.is_set()}')
        loop.close()
    print(f'Loop closed after {time.monotonic() - started:.1f} s')

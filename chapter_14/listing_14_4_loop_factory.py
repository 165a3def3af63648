"""Listing 14.4 (today: loop_factory) — Using uvloop as the event loop

Section 14.4. Needs: nothing. Listens: SERVICE_PORT.

What to watch: the one-line echo server of 14.4 on port 9000 (SERVICE_PORT), on uvloop, chosen with
`asyncio.run(main(), loop_factory=uvloop.new_event_loop)` and no event-loop policy: it prints
"Running on uvloop.Loop" (the running loop's class), then `python -m util telnet 9000` and a line
gets the line back and the connection closed. No DeprecationWarning, even with
`python -W error::DeprecationWarning`, where the book's uvloop.install() is deprecated from Python
3.12 and event-loop policies from 3.14. Stop it with Ctrl-C.

What changed: asyncio.run(..., loop_factory=...) (and asyncio.Runner(loop_factory=...)) create
the loop with the factory you pass, for that run only; uvloop.run(main()) does the same.

Since: Python 3.12 (asyncio.run's loop_factory; asyncio.Runner has it since 3.11); event-loop
policies and asyncio.set_event_loop_policy are deprecated in 3.14, to be removed in 3.16.

Why it is better: no global state: a policy changes the loop of every later asyncio.run in the
process (libraries and tests included); a loop factory affects only this run. What to watch out
for: inside the run, asyncio.get_event_loop() returns the running uvloop loop, but new_event_loop()
still makes a standard one, and a Runner given a loop_factory does not set its loop as the
thread's current loop (without a factory it does): asking the policy for it
(`asyncio.get_event_loop_policy().get_event_loop()`) finds none, which warns (DeprecationWarning)
and makes a standard loop on 3.12 and 3.13 and raises RuntimeError from 3.14. Use
get_running_loop().
"""
import asyncio
import contextlib

import uvloop

from chapter_14.listing_14_4_fixed import connected
from util import settings
from util.tools.companions import refuse_older_python


async def main():
    loop = asyncio.get_running_loop()
    print(f'Running on {type(loop).__module__}.{type(loop).__name__}')
    server = await asyncio.start_server(connected, settings.SERVER_HOST, settings.SERVICE_PORT)
    await server.serve_forever()


if __name__ == "__main__":
    refuse_older_python("14.4_loop_factory")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(), loop_factory=uvloop.new_event_loop)

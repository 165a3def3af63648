"""Listing 11.10 — Event basics

Section 11.4. Needs: nothing.

What to watch: both workers print "Waiting for event..." and block; 5 s later the call_later
callback sets the event once, and that single set() wakes both: the two "Performing work!"
lines arrive together, the two "Finished work!" lines a second later (about 6 s in total).
"""
import asyncio
import functools
from asyncio import Event


def trigger_event(event: Event):
    event.set()


async def do_work_on_event(event: Event):
    print('Waiting for event...')
    await event.wait()
    print('Performing work!')
    await asyncio.sleep(1)
    print('Finished work!')
    event.clear()


async def main():
    event = asyncio.Event()
    asyncio.get_running_loop().call_later(5.0, functools.partial(trigger_event, event))
    await asyncio.gather(do_work_on_event(event), do_work_on_event(event))


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 11.13 — A worker falling behind an event

Section 11.4. Needs: nothing.

What to watch: the event is set five times, once a second, but an Event does not queue
notifications: both workers wake on the first set, are busy for 5 s, and miss the next four.
At 5 s the wait_for timeout ends the trigger, gather's TimeoutError is suppressed and
asyncio.run cancels the workers: five "Triggering event!" lines, at most three "Performing
work!" lines, no traceback. Use an asyncio.Queue when every notification matters; today's
idiom for the timeout is `async with asyncio.timeout(5):` (asyncio.TimeoutError is the builtin
TimeoutError since Python 3.11).
"""
import asyncio
from asyncio import Event
from contextlib import suppress


async def trigger_event_periodically(event: Event):
    while True:
        print('Triggering event!')
        event.set()
        await asyncio.sleep(1)


async def do_work_on_event(event: Event):
    while True:
        print('Waiting for event...')
        await event.wait()
        event.clear()
        print('Performing work!')
        await asyncio.sleep(5)
        print('Finished work!')


async def main():
    event = asyncio.Event()
    trigger = asyncio.wait_for(trigger_event_periodically(event), 5.0)

    with suppress(asyncio.TimeoutError):
        await asyncio.gather(do_work_on_event(event), do_work_on_event(event), trigger)


if __name__ == "__main__":
    asyncio.run(main())

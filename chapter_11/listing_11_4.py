"""Listing 11.4 — Using an asyncio lock

Section 11.2. Needs: nothing.

What to watch: acquiring a free lock does not suspend, so coroutine a is already sleeping in
its critical section before b even asks for the lock; b enters only after "Coroutine a released
the lock". The two 2-second critical sections run one after the other: 4 s in total, not 2.
Since Python 3.10 a Lock takes no loop argument and may be created outside a running loop.
"""
import asyncio
from asyncio import Lock

from util import delay


async def a(lock: Lock):
    print('Coroutine a waiting to acquire the lock')
    async with lock:
        print('Coroutine a is in the critical section')
        await delay(2)
    print('Coroutine a released the lock')


async def b(lock: Lock):
    print('Coroutine b waiting to acquire the lock')
    async with lock:
        print('Coroutine b is in the critical section')
        await delay(2)
    print('Coroutine b released the lock')


async def main():
    lock = Lock()
    await asyncio.gather(a(lock), b(lock))


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 11.10 (today: Barrier) — Event basics

Section 11.4. Needs: nothing.

What to watch: three workers arrive at a barrier after 1, 2 and 3 s ("Worker 0 waiting at the
barrier (round 1)..."). Nobody sets anything: the barrier trips when the third arrives, and all three
"Performing work!" lines come together at about 3 s, the "Finished work!" lines a second later.
The same barrier is used again for a second round, without any clear(): it resets itself,
the workers arrive again 1, 2 and 3 s after their first work ended, and round 2 trips at
about 7 s, and everything is done after about 8 s.

What changed: asyncio.Barrier(parties) lets a fixed number of tasks wait for each other;
`await barrier.wait()` returns in all of them once the last one arrives, and the barrier is
ready for the next round at once. abort() breaks it (waiters get BrokenBarrierError).

Since: Python 3.11 (asyncio.Barrier).

Why it is better: not than 11.10, a one-shot trigger (one set() from a callback wakes every
waiter), for which an Event stays the right tool. A Barrier answers a question the book does not
ask: "wait until all N tasks have arrived", round after round. With Events that needs a counter
and a set() and clear() at the right moments (11.13 shows that an Event does not count: triggers
that come while nobody waits are lost); a Barrier counts the arrivals itself and resets itself.
What to watch out for: the number of parties is fixed; if one party never arrives (it crashed),
the others wait forever unless you abort() the barrier or put a timeout around wait().
"""
import asyncio

from util.tools.companions import refuse_older_python


async def do_work_at_barrier(barrier: asyncio.Barrier, worker: int):
    for round_number in (1, 2):
        await asyncio.sleep(worker + 1)
        print(f'Worker {worker} waiting at the barrier (round {round_number})...')
        await barrier.wait()
        print(f'Performing work! (worker {worker}, round {round_number})')
        await asyncio.sleep(1)
        print(f'Finished work! (worker {worker}, round {round_number})')


async def main():
    barrier = asyncio.Barrier(3)
    async with asyncio.TaskGroup() as tg:
        for worker in range(3):
            tg.create_task(do_work_at_barrier(barrier, worker))


if __name__ == "__main__":
    refuse_older_python("11.10_barrier")
    asyncio.run(main())

"""Listing 12.2 (today: asyncio pstree) — Using queue coroutine methods

Section 12.1. Needs: nothing.

What to watch: the same supermarket as 12.2 (a producer, three cashiers, a queue of 5; it runs
until Ctrl-C), with every task named and one line first: "PID 1234: see its tasks with
python -m asyncio pstree 1234". Run that command in another terminal while it runs: a tree
rooted at the task "main", with "customer-generator" and "cashier-0" to "cashier-2" under it
(main awaits them through gather), each with the coroutine it is in (checkout_customer,
customer_generator) and what that awaits (asyncio's sleep, or Queue.get / Queue.put).
`python -m asyncio ps 1234` gives the same as a table, one row per task with its awaiter.

What changed: `python -m asyncio ps PID` and `python -m asyncio pstree PID` read the tasks of
another, running Python process, without changing its code or restarting it; naming tasks
(`create_task(…, name=…)`, `Task.set_name`) makes their output readable.

Since: Python 3.14 (both the tool and the program it looks at must be 3.14 or later).

Why it is better: the book's way to see what a program is waiting on is to add prints and run
it again; here a program that seems stuck can be asked, as it is, which task waits for which.
What to watch out for: the tool reads the other process's memory, which needs the right to
trace it: root, the same user with /proc/sys/kernel/yama/ptrace_scope at 0, or CAP_SYS_PTRACE
(in a container: `--cap-add=SYS_PTRACE`); otherwise it prints a permission error and exits 1.
"""
import asyncio
import os
from asyncio import Queue

from chapter_12.listing_12_2 import checkout_customer, customer_generator
from util.tools.companions import refuse_older_python


async def main():
    asyncio.current_task().set_name('main')
    print(f'PID {os.getpid()}: see its tasks with python -m asyncio pstree {os.getpid()}')
    customer_queue = Queue(5)

    customer_producer = asyncio.create_task(customer_generator(customer_queue),
                                            name='customer-generator')

    cashiers = [asyncio.create_task(checkout_customer(customer_queue, i), name=f'cashier-{i}')
                for i in range(3)]

    await asyncio.gather(customer_producer, *cashiers)


if __name__ == "__main__":
    refuse_older_python("12.2_pstree")
    asyncio.run(main())

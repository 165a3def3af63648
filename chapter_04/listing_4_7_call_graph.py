"""Listing 4.7 (today: call graph) — Awaitables finishing out of order

Section 4.4. Needs: nothing.

What to watch: the same gather of delay(3) and delay(1) as 4.7, the same lines and [3, 1] after
about 3 s, and in between, 2 s in, a look inside: for the one delay still sleeping,
asyncio.print_call_graph shows its task, its call stack (delay, then asyncio's sleep) and, under
"Awaited by", the task running main that waits for it through gather; then one line built from
asyncio.capture_call_graph: "delay(3) is awaited by: main".

What changed: asyncio.capture_call_graph(task) returns what a task is doing (its coroutine
stack) and who is waiting for it (the tasks awaiting it, through gather and TaskGroup too), as
data; print_call_graph prints it and format_call_graph gives it as a string. Called without a
task, they describe the current one.

Since: Python 3.14 (asyncio.capture_call_graph, print_call_graph, format_call_graph).

Why it is better: Task.get_stack() shows one task's own frames and nothing of who is waiting
for it; in a program with hundreds of tasks the question "why has this not finished, and who
is blocked on it?" now has an answer from inside the program, for example logged when a timeout
fires. From outside a running program, `python -m asyncio pstree PID` gives the same tree (see
12.2_pstree).
"""
import asyncio

from util import delay
from util.tools.companions import refuse_older_python


def awaiter_names(graph: 'asyncio.FutureCallGraph') -> list[str]:
    """The coroutines of the tasks awaiting this one, nearest first."""
    names = []
    while graph.awaited_by:
        graph = graph.awaited_by[0]
        names.append(graph.future.get_coro().__name__)
    return names


async def show_what_is_pending(after: float):
    await asyncio.sleep(after)
    for task in asyncio.all_tasks():
        if task.get_coro().__name__ == 'delay':
            asyncio.print_call_graph(task)
            graph = asyncio.capture_call_graph(task)
            seconds = task.get_coro().cr_frame.f_locals['delay_seconds']
            print(f'delay({seconds}) is awaited by: {", ".join(awaiter_names(graph))}')


async def main():
    looking = asyncio.create_task(show_what_is_pending(2))
    results = await asyncio.gather(delay(3), delay(1))
    print(results)
    await looking


if __name__ == "__main__":
    refuse_older_python("4.7_call_graph")
    asyncio.run(main())

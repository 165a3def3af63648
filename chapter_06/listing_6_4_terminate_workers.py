"""Listing 6.4 (today: terminate_workers) — Process pool executors

Section 6.3.1. Needs: nothing.

What to watch: the same pool and the same map over 1, 3, 5, 22 and 100,000,000 as 6.4, but the
program waits at most 1 s for the results. The four small ones print as in the book; the big
count is still running when the second is up, so the pool's workers are stopped:
"Gave up after 1 s: terminated 2 worker process(es)" (one per CPU) and "Worker processes
still alive: 0". "Finished counting to 100000000" never comes and the program ends right away,
where 6.4 runs until the count is done. With the argument `kill`, kill_workers() sends SIGKILL
instead of SIGTERM ("killed 2 worker process(es)").

What changed: ProcessPoolExecutor.terminate_workers() and kill_workers() stop every worker
still alive (SIGTERM or SIGKILL on POSIX) and shut the pool down without waiting.
map(..., timeout=1) raises TimeoutError once 1 s has passed since map was called.

Since: Python 3.14 (ProcessPoolExecutor.terminate_workers, kill_workers).

Why it is better: before 3.14 nothing in the pool's API could stop a task that had started:
shutdown(cancel_futures=True) only drops tasks still queued, and leaving the with-block waits
for the running ones, so a runaway computation held the program until it finished (or the
workers had to be found and killed by hand). What to watch out for: the pool is unusable
afterwards (submit raises), and a terminated worker runs no cleanup: no `finally`, no flushed
files; lines a worker printed into a pipe or file but had not flushed are lost (at a terminal
each line is flushed at once). Use terminate_workers first, kill_workers for a worker that
ignores SIGTERM.
"""
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

from chapter_06.listing_6_4 import count
from util.tools.companions import refuse_older_python

if __name__ == "__main__":
    refuse_older_python("6.4_terminate_workers")
    kill = sys.argv[1:] == ['kill']
    with ProcessPoolExecutor() as process_pool:
        numbers = [1, 3, 5, 22, 100000000]
        try:
            for result in process_pool.map(count, numbers, timeout=1):
                print(result)
        except TimeoutError:
            workers = multiprocessing.active_children()
            if kill:
                process_pool.kill_workers()
            else:
                process_pool.terminate_workers()
            print(f'Gave up after 1 s: {"killed" if kill else "terminated"} '
                  f'{len(workers)} worker process(es)')
    for worker in workers:
        worker.join(timeout=5)
    print(f'Worker processes still alive: {sum(worker.is_alive() for worker in workers)}')

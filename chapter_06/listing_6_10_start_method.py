"""Listing 6.10 (today: start method) — Shared values and arrays

Section 6.5.1. Needs: nothing.

What to watch: the same Value and Array, the same two child processes and the same 1 and
[1, 1] as 6.10, under a start method chosen by name (forkserver unless you pass fork or spawn:
`python -m chapter_06.listing_6_10_start_method fork`). Three lines come first: this Python's
default here and the method used ("Default start method: forkserver; using forkserver" on Linux
from Python 3.14, "fork" up to 3.13, "spawn" on macOS), then what the chosen method changes for
the children. Their
parent: "this program" under fork and spawn, "the fork server" under forkserver, so they do not
show up as this program's children in ps or psutil. A module global the program changed after
it started: "seen in the children: True" under fork only; spawn and forkserver children import
the module afresh and see its original value.

What changed: `multiprocessing.get_context(name)` gives a context whose Process, Value, Array,
Lock, Pool and Queue all use that start method; ProcessPoolExecutor takes one as
`mp_context=`. Linux's default changed from fork to forkserver.

Since: Python 3.4, 3.14 (3.4: get_context and forkserver; 3.14: forkserver the default on
Linux).

Why it is better: the book's listings start processes with the platform's default, so the same
program forks on Linux up to 3.13 and starts fresh interpreters elsewhere; naming the method
makes it behave the same everywhere, and fork, which copies the parent's threads' locks in
whatever state they are, is then only used on purpose. What to watch out for: make the shared
objects from the same context: a Value made by a fork context and handed to a forkserver or
spawn process raises RuntimeError ("A SemLock created in a fork context is being shared with a
process in a spawn context").
"""
import multiprocessing
import os
import sys

from chapter_06.listing_6_10 import increment_array, increment_value
from util.tools.companions import refuse_older_python

SETTING = 'as imported'


def increment_value_and_report(shared_int, parent, saw_setting):
    parent.value = os.getppid()
    saw_setting.value = SETTING == 'changed by the program'
    increment_value(shared_int)


if __name__ == '__main__':
    refuse_older_python('6.10_start_method')
    method = sys.argv[1] if len(sys.argv) > 1 else 'forkserver'
    if method not in multiprocessing.get_all_start_methods():
        sys.exit(f'usage: python -m chapter_06.listing_6_10_start_method '
                 f'[{"|".join(multiprocessing.get_all_start_methods())}]')
    context = multiprocessing.get_context(method)
    print(f'Default start method: {multiprocessing.get_start_method()}; using {method}')
    SETTING = 'changed by the program'

    integer = context.Value('i', 0)
    integer_array = context.Array('i', [0, 0])
    parent = context.Value('i', 0)
    saw_setting = context.Value('b', False)

    procs = [context.Process(target=increment_value_and_report,
                             args=(integer, parent, saw_setting)),
             context.Process(target=increment_array, args=(integer_array,))]

    [p.start() for p in procs]
    [p.join() for p in procs]

    print(f'Parent of the children: '
          f'{"this program" if parent.value == os.getpid() else "the fork server"}')
    print(f'Global changed by the program, seen in the children: {bool(saw_setting.value)}')
    print(integer.value)
    print(integer_array[:])

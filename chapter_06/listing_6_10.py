"""Listing 6.10 — Shared values and arrays

Section 6.5.1. Needs: nothing.

What to watch: a Value and an Array live in shared memory, so what the child processes write
is what the parent prints: 1 and [1, 1]. Each object is touched by one process only, so there
is no race. They are passed as Process arguments, which works under every start method.
"""
from multiprocessing import Array, Process, Value


def increment_value(shared_int: Value):
    shared_int.value = shared_int.value + 1


def increment_array(shared_array: Array):
    for index, integer in enumerate(shared_array):
        shared_array[index] = integer + 1


if __name__ == '__main__':
    integer = Value('i', 0)
    integer_array = Array('i', [0, 0])

    procs = [Process(target=increment_value, args=(integer,)),
             Process(target=increment_array, args=(integer_array,))]

    [p.start() for p in procs]
    [p.join() for p in procs]

    print(integer.value)
    print(integer_array[:])

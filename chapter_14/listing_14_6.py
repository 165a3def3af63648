"""Listing 14.6 — Interleaving generators

Section 14.5.2. Needs: nothing.

What to watch: two generators advanced by hand, one step each in turn: 1 5 2 6 3 7 4 8, then
None for the exhausted first one while the second still yields 9, then None None and the loop
stops. Interleaving generators like this is the idea an event loop builds on.

Differs from the book: the two generators are created after the function definitions, under the
main guard.
"""
from typing import Generator


def generator(start: int, end: int):
    for i in range(start, end):
        yield i


def run_generator_step(gen: Generator[int, None, None]):
    try:
        return gen.send(None)
    except StopIteration as si:
        return si.value


if __name__ == "__main__":
    one_to_five = generator(1, 5)
    five_to_ten = generator(5, 10)

    while True:
        one_to_five_result = run_generator_step(one_to_five)
        five_to_ten_result = run_generator_step(five_to_ten)
        print(one_to_five_result)
        print(five_to_ten_result)

        if one_to_five_result is None and five_to_ten_result is None:
            break

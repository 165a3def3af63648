"""Listing 5.13 — A synchronous generator

Section 5.7.1. Needs: nothing.

What to watch: a generator yields its values lazily, one per next(): 0, then 1.

Differs from the book: the two prints run under the main guard, so importing defines only
positive_integers.
"""


def positive_integers(until: int):
    for integer in range(until):
        yield integer


if __name__ == "__main__":
    positive_iterator = positive_integers(2)

    print(next(positive_iterator))
    print(next(positive_iterator))

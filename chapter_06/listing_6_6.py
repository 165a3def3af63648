"""Listing 6.6 — Single-threaded MapReduce

Section 6.4.1. Needs: nothing.

What to watch: the map step turns each line into a dict of word counts; the reduce step,
functools.reduce(merge_dictionaries, ...), folds them into one. merge_dictionaries adds the
second dict into the first and returns it: it mutates its first argument.

Differs from the book: the program runs under `if __name__ == "__main__":` (the book runs it
at module level), so importing the module prints nothing.
"""
import functools
from typing import Dict


def map_frequency(text: str) -> Dict[str, int]:
    words = text.split(' ')
    frequencies = {}
    for word in words:
        if word in frequencies:
            frequencies[word] = frequencies[word] + 1
        else:
            frequencies[word] = 1
    return frequencies


def merge_dictionaries(first: Dict[str, int],
                       second: Dict[str, int]) -> Dict[str, int]:
    merged = first
    for key in second:
        if key in merged:
            merged[key] = merged[key] + second[key]
        else:
            merged[key] = second[key]
    return merged


if __name__ == "__main__":
    lines = ["I know what I know",
             "I know that I know",
             "I don't know much",
             "They don't know much"]

    mapped_results = [map_frequency(line) for line in lines]

    for result in mapped_results:
        print(result)

    print(functools.reduce(merge_dictionaries, mapped_results))

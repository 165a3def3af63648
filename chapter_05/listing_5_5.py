r"""Listing 5.5 — Inserting random brands

Section 5.5.1. Needs: postgres (products).

What to watch: executemany runs one parameterised INSERT ($1 placeholder) for each of the 100
tuples, so the values never become part of the SQL text (safe against SQL injection). The brand
names are the first 100 words of common_words.txt, in random order; the program prints nothing.

Differs from the book: the word list is read next to this file (not from the current directory)
and the words keep no trailing newline (the book's readlines() stored names such as 'have\n');
the program runs only under the main guard, so listing 5.6 can import load_common_words without
inserting another 100 brands; main() closes its connection; the address comes from
util.settings, the database from PRODUCTS_DB. Also: the words come from another list than the
book's: common_words.txt, the 1,000 most frequent English words built from the wordfreq package
(see the chapter README), so the brand names differ from the book's.
"""
import asyncio
from pathlib import Path
from random import sample
from typing import List, Tuple, Union

import asyncpg

from util import settings


def load_common_words() -> List[str]:
    with open(Path(__file__).parent / 'common_words.txt') as common_words:
        return common_words.read().splitlines()


def generate_brand_names(words: List[str]) -> List[Tuple[Union[str, ]]]:
    return [(words[index],) for index in sample(range(100), 100)]


async def insert_brands(common_words, connection) -> int:
    brands = generate_brand_names(common_words)
    insert_brands = "INSERT INTO brand VALUES(DEFAULT, $1)"
    return await connection.executemany(insert_brands, brands)


async def main():
    common_words = load_common_words()
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)
    await insert_brands(common_words, connection)
    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

"""Listing 5.6 — Inserting random products and SKUs

Section 5.5.1. Needs: postgres (products).

What to watch: 1,000 products, each named by ten distinct random words joined with spaces and
given a random brand id 1-100, then 100,000 SKUs with a random product id 1-1,000, size 1-3 and
color 1-2, each batch through one parameterised executemany (pipelined: seconds, not minutes).
It needs brand ids 1-100 (listing 5.5) and a fresh product table; it prints nothing.

Differs from the book: the words come from 5.5's fixed load_common_words, so the names hold no
newline characters and importing 5.5 inserts no extra brands; the address comes from
util.settings, the database from PRODUCTS_DB. Also: the words come from another list than the
book's: common_words.txt, built from the wordfreq package (see the chapter README), so the
product and brand names differ from the book's.
"""
import asyncio
from random import randint, sample
from typing import List, Tuple

import asyncpg

from chapter_05.listing_5_5 import load_common_words
from util import settings


def gen_products(common_words: List[str],
                 brand_id_start: int,
                 brand_id_end: int,
                 products_to_create: int) -> List[Tuple[str, int]]:
    products = []
    for _ in range(products_to_create):
        description = [common_words[index] for index in sample(range(1000), 10)]
        brand_id = randint(brand_id_start, brand_id_end)
        products.append((" ".join(description), brand_id))
    return products


def gen_skus(product_id_start: int,
             product_id_end: int,
             skus_to_create: int) -> List[Tuple[int, int, int]]:
    skus = []
    for _ in range(skus_to_create):
        product_id = randint(product_id_start, product_id_end)
        size_id = randint(1, 3)
        color_id = randint(1, 2)
        skus.append((product_id, size_id, color_id))
    return skus


async def main():
    common_words = load_common_words()
    connection = await asyncpg.connect(host=settings.POSTGRES_HOST,
                                       port=settings.POSTGRES_PORT,
                                       user=settings.POSTGRES_USER,
                                       database=settings.PRODUCTS_DB,
                                       password=settings.POSTGRES_PASSWORD)

    product_tuples = gen_products(common_words,
                                  brand_id_start=1,
                                  brand_id_end=100,
                                  products_to_create=1000)
    await connection.executemany("INSERT INTO product VALUES(DEFAULT, $1, $2)",
                                 product_tuples)

    sku_tuples = gen_skus(product_id_start=1,
                          product_id_end=1000,
                          skus_to_create=100000)
    await connection.executemany("INSERT INTO sku VALUES(DEFAULT, $1, $2, $3)",
                                 sku_tuples)

    await connection.close()


if __name__ == "__main__":
    asyncio.run(main())

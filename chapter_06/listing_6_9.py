"""Listing 6.9 — Parallelizing the reduce operation

Section 6.4.3. Needs: data.

What to watch: the same answer as 6.8, but the per-chunk dicts are also merged in the pool:
reduce() merges groups of 500 dicts in parallel, then the merged dicts, until one is left. The
book finds little or no gain: pickling the big intermediate dicts to the workers eats the
savings. (The synthetic file's 17 chunks make a single group, merged in one worker.)

Measured on this project's machine: benchmarks/results/report.md (the cpu comparison).

Differs from the book: the file is googlebooks-eng-all-1gram-20120701-a next to this module
(made by chapter_06/make_data.py), or the file the NGRAM_FILE setting names (util.settings).
"""
import asyncio
import concurrent.futures
import functools
import time
from typing import Dict, List

from chapter_06.listing_6_8 import map_frequencies, merge_dictionaries, partition
from util import settings

data_file = settings.NGRAM_FILE


async def reduce(loop, pool, counters, chunk_size) -> Dict[str, int]:
    chunks: List[List[Dict]] = list(partition(counters, chunk_size))
    reducers = []
    while len(chunks[0]) > 1:
        for chunk in chunks:
            reducer = functools.partial(functools.reduce, merge_dictionaries, chunk)
            reducers.append(loop.run_in_executor(pool, reducer))
        reducer_chunks = await asyncio.gather(*reducers)
        chunks = list(partition(reducer_chunks, chunk_size))
        reducers.clear()
    return chunks[0][0]


async def main(partition_size: int):
    with open(data_file, encoding='utf-8') as f:
        contents = f.readlines()
        loop = asyncio.get_running_loop()
        tasks = []
        with concurrent.futures.ProcessPoolExecutor() as pool:
            start = time.time()

            for chunk in partition(contents, partition_size):
                tasks.append(loop.run_in_executor(pool, functools.partial(map_frequencies, chunk)))

            intermediate_results = await asyncio.gather(*tasks)
            final_result = await reduce(loop, pool, intermediate_results, 500)

            print(f"Aardvark has appeared {final_result['Aardvark']} times.")

            end = time.time()
            print(f'MapReduce took: {(end - start):.4f} seconds')


if __name__ == "__main__":
    asyncio.run(main(partition_size=60000))

"""Listing 6.14 — Keeping track of map operation progress

Section 6.5.3. Needs: data.

What to watch: the workers count finished chunks in a shared Value (handed over by the pool's
initializer), and a reporter task prints "Finished n/total map operations" every second while
the map runs, then the Aardvark count (15209). total is lines // 60000, one less than the number
of chunks when the last chunk is partial. The synthetic file maps in well under a second, so you
see one line or none, and which one depends on the start method: "Finished 0/16 map operations"
under forkserver (Linux from Python 3.14) and spawn (macOS), whose pool starts a worker per task
while none is idle and they are still starting, but a few chunks in ("Finished 3/16" to "5/16"
here) under fork (Linux up to 3.13), whose pool starts every worker at the first submit. A
bigger file (`python -m chapter_06.make_data --lines 20000000`) shows the counter climbing.

Differs from the book: the file is googlebooks-eng-all-1gram-20120701-a next to this module
(made by chapter_06/make_data.py), or the file the NGRAM_FILE setting names (util.settings). The parameter keeps the
official file's spelling, partiton_size.
"""
import asyncio
import functools
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Value
from typing import Dict, List

from chapter_06.listing_6_8 import merge_dictionaries, partition
from util import settings

data_file = settings.NGRAM_FILE

map_progress: Value


def init(progress: Value):
    global map_progress
    map_progress = progress


def map_frequencies(chunk: List[str]) -> Dict[str, int]:
    counter = {}
    for line in chunk:
        word, _, count, _ = line.split('\t')
        if counter.get(word):
            counter[word] = counter[word] + int(count)
        else:
            counter[word] = int(count)

    with map_progress.get_lock():
        map_progress.value += 1

    return counter


async def progress_reporter(total_partitions: int):
    while map_progress.value < total_partitions:
        print(f'Finished {map_progress.value}/{total_partitions} map operations')
        await asyncio.sleep(1)


async def main(partiton_size: int):
    global map_progress

    with open(data_file, encoding='utf-8') as f:
        contents = f.readlines()
        loop = asyncio.get_running_loop()
        tasks = []
        map_progress = Value('i', 0)

        with ProcessPoolExecutor(initializer=init,
                                 initargs=(map_progress,)) as pool:
            total_partitions = len(contents) // partiton_size
            reporter = asyncio.create_task(progress_reporter(total_partitions))

            for chunk in partition(contents, partiton_size):
                tasks.append(loop.run_in_executor(pool, functools.partial(map_frequencies, chunk)))

            counters = await asyncio.gather(*tasks)

            await reporter

            final_result = functools.reduce(merge_dictionaries, counters)

            print(f"Aardvark has appeared {final_result['Aardvark']} times.")


if __name__ == "__main__":
    asyncio.run(main(partiton_size=60000))

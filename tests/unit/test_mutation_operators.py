"""The numbers and flags operators, edit by edit: which number of a listing is a timing or a
count, how far it moves, and how each flag is flipped; then the whole repository's yield."""
from __future__ import annotations

from collections import Counter

import pytest

from tests.mutation.operators import EQUIVALENT, edits_of, generated, unique_context
from tests.mutation.runner import stale_reason
from tests.mutation.table import MUTANTS, chapter_of
from util.settings import REPO


def applied(source: str) -> list[str]:
    """Each edit of `source`: the changed source's new lines, or all its lines where the edit
    only moves lines."""
    results = []
    for edit in edits_of(source):
        old, new = unique_context(source, edit)
        lines = source.replace(old, new, 1).splitlines()
        added = [line for line in lines if line not in source.splitlines()]
        results.append(" / ".join(line.strip() for line in added or lines))
    return results


@pytest.mark.parametrize(("source", "edits"), [
    ("await asyncio.sleep(1)\n", ["await asyncio.sleep(1.5)"]),
    ("await delay(2)\n", ["await delay(3)"]),
    ("await asyncio.wait_for(task, 2)\n", ["await asyncio.wait_for(task, 3)"]),
    ("await asyncio.wait(tasks, timeout=.5)\n", ["await asyncio.wait(tasks, timeout=0.75)"]),
    ("await asyncio.sleep(0)\n", []),
    ("for i in range(1000):\n    pass\n", ["for i in range(100):"]),
    ("for i in range(1, 11):\n    pass\n", ["for i in range(1, 1):"]),
    ("s = asyncio.Semaphore(2)\n", ["s = asyncio.Semaphore(1)"]),
    ("s = asyncio.Semaphore(1)\n", ["s = asyncio.Semaphore(2)"]),
    ("pool = await asyncpg.create_pool(min_size=6)\n",
     ["pool = await asyncpg.create_pool(min_size=1)"]),
    ("GRACE_PERIOD = 2\n", ["GRACE_PERIOD = 3"]),
    ("rows = 50\n", ["rows = 5"]),
    ("delay_times = [3, 1]\n", ["delay_times = [4.5, 1]", "delay_times = [3, 1.5]"]),
    ("def fetch(url, delay):\n    pass\nfetch('x', 3)\n", ["fetch('x', 4.5)"]),
    ("def query(pool, queries):\n    pass\nquery(p, 10000)\n", ["query(p, 1000)"]),
    ("print(fib(40))\n", []),  # not the listing's function: not a lesson's number
    ("await asyncio.gather(*tasks, return_exceptions=True)\n",
     ["await asyncio.gather(*tasks, return_exceptions=False)"]),
    ("with open('out.txt', 'w') as f:\n    pass\n", ["with open('out.txt', 'a') as f:"]),
    ("start = time.time()\nwork()\nend = time.time()\nprint(end - start)\n",
     ["work() / start = time.time() / end = time.time() / print(end - start)"]),
    ("t.start()\nu.start()\nt.join()\nu.join()\n",
     ["t.start() / t.join() / u.start() / u.join()",
      "t.start() / u.start() / u.join() / t.join()"]),
])
def test_each_lesson_number_and_flag_is_one_edit(source, edits):
    assert applied(source) == edits


def test_an_edit_grows_to_whole_lines_that_occur_once():
    source = "await delay(1)\nprint('a')\nawait delay(1)\nprint('b')\n"
    first, second = edits_of(source)
    assert unique_context(source, first) == ("await delay(1)\nprint('a')\n",
                                             "await delay(1.5)\nprint('a')\n")
    assert unique_context(source, second) == ("print('a')\nawait delay(1)\nprint('b')\n",
                                              "print('a')\nawait delay(1.5)\nprint('b')\n")


GENERATED = generated()


def test_at_least_300_numbers_mutants_in_every_chapter():
    numbers = [mutant for mutant in GENERATED if mutant.operator == "numbers"]
    assert len(numbers) >= 300
    assert set(Counter(map(chapter_of, numbers))) == set(range(1, 15))
    assert {mutant.operator for mutant in GENERATED} == {"numbers", "flags"}


def test_generated_ids_are_unique_apply_once_and_compile():
    ids = [mutant.id for mutant in [*MUTANTS, *GENERATED]]
    assert [name for name, count in Counter(ids).items() if count > 1] == []
    for mutant in GENERATED:
        assert stale_reason(mutant, REPO) is None, mutant.id
        source = (REPO / mutant.file).read_text().replace(mutant.old, mutant.new, 1)
        compile(source, mutant.file, "exec")


def test_every_equivalent_names_a_generated_mutant_and_gives_a_reason():
    ids = {mutant.id for mutant in GENERATED}
    assert sorted(set(EQUIVALENT) - ids) == []
    assert [key for key, reason in EQUIVALENT.items() if len(reason.split()) < 8] == []

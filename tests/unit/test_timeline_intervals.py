"""timeline's interval arithmetic (util.tools.intervals), table by table: the calls a track's
lane is drawn from (the top-level ones), the union of intervals, and intervals less the holes a
wait makes in them."""
from __future__ import annotations

import pytest

from util.tools import intervals
from util.tools.timeline import _running


@pytest.mark.parametrize(("track", "top"), [
    ([], []),
    ([(0, 1, "a")], [(0, 1, "a")]),
    ([(2, 3, "b"), (0, 1, "a")], [(0, 1, "a"), (2, 3, "b")]),  # in time order
    ([(0, 4, "outer"), (1, 2, "inner")], [(0, 4, "outer")]),  # a nested call is not top-level
    ([(1, 2, "inner"), (0, 4, "outer"), (2.5, 3, "inner")], [(0, 4, "outer")]),
    ([(0, 2, "a"), (0, 1, "b")], [(0, 2, "a")]),  # same start: the longer encloses
    ([(0, 2, "a"), (1.5, 3, "b")], [(0, 3, "a")]),  # overlap without nesting: extended
    ([(0, 1, "a"), (1, 2, "b")], [(0, 1, "a"), (1, 2, "b")]),  # touching: two calls
], ids=["none", "one", "order", "nested", "two-nested", "same-start", "overlap", "touching"])
def test_top_level_calls(track, top):
    assert intervals.top_level(track) == top


@pytest.mark.parametrize(("given", "union"), [
    ([], []),
    ([(0, 1)], [(0, 1)]),
    ([(2, 3), (0, 1)], [(0, 1), (2, 3)]),
    ([(0, 2), (1, 3)], [(0, 3)]),
    ([(0, 1), (1, 2)], [(0, 2)]),  # touching ones merge
    ([(0, 5), (1, 2), (3, 4)], [(0, 5)]),  # contained ones vanish
    ([(0, 1), (4, 5), (0.5, 4.5)], [(0, 5)]),  # one bridges two
])
def test_union(given, union):
    assert intervals.union(given) == union


@pytest.mark.parametrize(("given", "holes", "left"), [
    ([(0, 10)], [], [(0, 10)]),
    ([], [(0, 1)], []),
    ([(0, 10)], [(2, 3)], [(0, 2), (3, 10)]),  # a hole inside splits it
    ([(0, 10)], [(2, 3), (5, 6)], [(0, 2), (3, 5), (6, 10)]),
    ([(0, 10)], [(-1, 2)], [(2, 10)]),  # over the start
    ([(0, 10)], [(8, 12)], [(0, 8)]),  # over the end
    ([(0, 10)], [(-1, 11)], []),  # all of it
    ([(0, 10)], [(0, 10)], []),
    ([(0, 2), (4, 6)], [(1, 5)], [(0, 1), (5, 6)]),  # one hole across two
    ([(0, 10)], [(2, 4), (3, 5)], [(0, 2), (5, 10)]),  # overlapping holes
    ([(0, 2), (1, 3)], [(10, 11)], [(0, 3)]),  # intervals merged first; a hole outside
    ([(2, 3)], [(0, 2), (3, 4)], [(2, 3)]),  # holes that only touch it
])
def test_minus(given, holes, left):
    assert intervals.minus(given, holes) == left


def test_a_thread_runs_in_its_calls_less_its_waits():
    """A thread's lane: its top-level calls, less the waits inside them (select, a lock)."""
    track = [(0.0, 1.0, "worker (t.py:3)"), (0.2, 0.5, "_thread.lock.acquire"),
             (2.0, 3.0, "worker (t.py:3)"), (2.5, 2.75, "select.epoll.poll")]
    assert _running(track) == [(0.0, 0.2), (0.5, 1.0), (2.0, 2.5), (2.75, 3.0)]

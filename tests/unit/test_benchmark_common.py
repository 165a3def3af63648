"""benchmarks.common, table by table: sizes, a row's ratio and limit, the one percentile."""
from __future__ import annotations

import math

import pytest

from benchmarks.common import BenchmarkError, Row, Side, Size, percentile

NAN = float("nan")


@pytest.mark.parametrize(("size", "count", "counts", "rounds"), [
    (Size("tiny"), 10, [1, 2], 1),
    (Size("quick"), 1_000, [10, 20], 2),
    (Size("full"), 100_000, [100, 200], 3),
    (Size("full", rounds=7), 100_000, [100, 200], 7),
    (Size("quick", scale=0.5), 500, [5, 10], 2),
    (Size("tiny", scale=0.01), 1, [1], 1),  # at least 1, duplicates removed
    (Size("tiny", scale=1.26), 13, [1, 3], 1),  # rounded
])
def test_a_size_picks_scales_and_rounds(size, count, counts, rounds):
    assert size.count(10, 1_000, 100_000) == count
    assert size.counts([1, 2], [10, 20], [100, 200]) == counts
    assert size.n_rounds() == rounds


@pytest.mark.parametrize(("arguments", "message"), [
    ({"level": "huge"}, "unknown size 'huge': use one of tiny, quick, full"),
    ({"rounds": 0}, "--rounds must be at least 1, not 0"),
    ({"scale": 0}, "--scale must be greater than 0, not 0"),
    ({"scale": -2.5}, "--scale must be greater than 0, not -2.5"),
    ({"scale": NAN}, "--scale must be greater than 0, not nan"),
])
def test_a_bad_size_is_one_line(arguments, message):
    with pytest.raises(BenchmarkError, match=f"^{message}$"):
        Size(**arguments)


def side(name: str, *samples: float, unit: str = "s") -> Side:
    return Side(name, list(samples), unit)


@pytest.mark.parametrize(("row", "ratio", "text", "of_limit"), [
    (Row("time", [side("a", 4, 2, 3), side("b", 1)]), 3.0, "3.00x (b vs a)", None),
    (Row("time", [side("a", 2), side("b", 1)], limit=4), 2.0, "2.00x (b vs a)", 0.5),
    (Row("rate", [side("a", 100, unit="req/s"), side("b", 300, unit="req/s")]), 3.0,
     "3.00x (b vs a)", None),  # a rate: higher is better
    (Row("three", [side("a", 6), side("b", 3), side("c", 2)], baseline=0, compare=1), 2.0,
     "2.00x (b vs a)", None),
    (Row("failed", [side("a", 1), side("b")]), NAN, "— (b not measured)", None),
    (Row("failed", [side("a"), side("b", 1)], limit=2), NAN, "— (a not measured)", None),
])
def test_a_rows_ratio_and_its_limit(row, ratio, text, of_limit):
    assert row.ratio == ratio or (math.isnan(ratio) and math.isnan(row.ratio))
    assert row.ratio_text == text
    assert row.of_limit == of_limit


@pytest.mark.parametrize(("values", "fraction", "value"), [
    ([], 0.5, NAN),
    ([5], 0.99, 5),
    ([3, 1, 2], 0.5, 2),
    ([4, 1, 3, 2], 0.5, 2),  # nearest rank: the lower of the middle two
    ([5, 4, 3, 2, 1], 0.5, 3),
    (list(range(1, 101)), 0.99, 99),
    (list(range(1, 101)), 0.07, 7),  # 0.07 * 100 is 7.000000000000001
    (list(range(1, 101)), 1.0, 100),
    (list(range(1, 101)), 0.0, 1),
])
def test_percentile_is_nearest_rank(values, fraction, value):
    found = percentile(values, fraction)
    assert found == value or (math.isnan(value) and math.isnan(found))

"""benchmarks.pythons and the report's Pythons, table by table: a child's rounds merged, several
interpreters side by side, a comparison through JSON and back, how many times better."""
from __future__ import annotations

import json
import math

import pytest

from benchmarks import pythons, report
from benchmarks.common import Comparison, Curve, Panel, Row, Side

NAN = float("nan")


def one_round(a: float, b: float, *, failure: str = "", note: str = "n", per_task: float = 1.0,
              seconds: float = 1.0) -> Comparison:
    """A comparison as one child's round gives it: one sample a side."""
    sides = [Side("a", [a], extra={"bytes per task": per_task}), Side("b", [b] if b else [],
                                                                     failure=failure)]
    rows = [Row("N=10", sides, limit=2.0), Row("N=10, b alone", [sides[1]])]
    panels = [Panel("time", "N", "s", [Curve("a", [10], [a], [a], [a]),
                                       Curve("b", [10], [b or NAN], [b or NAN], [b or NAN])],
                    reference=Curve("ideal", [10], [1], [1], [1]))]
    return Comparison("x", "X", "1", "claim", rows, panels, [note], seconds, headline=0)


@pytest.mark.parametrize(("rounds", "a", "b", "per_task", "curve_a", "failure"), [
    ([one_round(3, 1), one_round(5, 2), one_round(4, 3)], [3, 5, 4], [1, 2, 3], 1.0,
     (4, 3, 5), ""),
    ([one_round(3, 1, per_task=10), one_round(5, 2, per_task=30)], [3, 5], [1, 2], 20.0,
     (4, 3, 5), ""),
    # a side that failed in one round keeps the other rounds' samples and says why
    ([one_round(3, 1), one_round(5, 0, failure="refused")], [3, 5], [1], 1.0, (4, 3, 5),
     "refused"),
])
def test_a_childs_rounds_merge_into_one_comparison(rounds, a, b, per_task, curve_a, failure):
    merged = pythons.merge_rounds(rounds)
    first, second = merged.rows[0].sides
    assert (first.samples, second.samples) == (a, b)
    assert first.extra == {"bytes per task": per_task}
    assert second.failure == failure
    assert merged.rows[1].sides[0].samples == b  # the same side in another row
    curve = merged.panels[0].curves[0]
    assert (curve.median[0], curve.low[0], curve.high[0]) == curve_a
    assert merged.panels[0].reference.median == [1]
    assert merged.notes == ["n"] and merged.seconds == len(rounds)


def test_a_point_no_round_measured_stays_a_gap():
    merged = pythons.merge_rounds([one_round(3, 0), one_round(5, 0)])
    b = merged.panels[0].curves[1]
    assert all(math.isnan(v) for v in (b.median[0], b.low[0], b.high[0]))


def test_interpreters_side_by_side():
    """Each row once per interpreter, next to each other; a row only one has (3.14's
    interpreter pool) after; notes once, prefixed where they do not hold for all."""
    old = one_round(4, 2, note="both")
    new = one_round(2, 1, note="both")
    new.rows.append(Row("interpreters", [Side("c", [1])]))
    new.notes.append("only new")
    merged = pythons.side_by_side({"3.11.7": old, "3.15.2": new})
    assert [(row.python, row.what) for row in merged.rows] == [
        ("3.11.7", "N=10"), ("3.15.2", "N=10"), ("3.11.7", "N=10, b alone"),
        ("3.15.2", "N=10, b alone"), ("3.15.2", "interpreters")]
    assert merged.headline == 0 and merged.seconds == 2
    assert [(c.label, c.python) for c in merged.panels[0].curves] == [
        ("a", "3.11.7"), ("b", "3.11.7"), ("a", "3.15.2"), ("b", "3.15.2")]
    assert merged.notes == ["both", "On 3.15.2: only new"]


def test_a_comparison_goes_through_json_and_back():
    comparison = pythons.merge_rounds([one_round(3, 1), one_round(5, 2)])
    comparison.rows[0].sides[0].unit = "req/s"
    back = pythons.comparison_from(json.loads(json.dumps(pythons.comparison_json(comparison))))
    assert back == comparison


def test_nan_goes_through_json_too():
    back = pythons.comparison_from(json.loads(json.dumps(
        pythons.comparison_json(one_round(3, 0)))))
    assert math.isnan(back.panels[0].curves[1].median[0])
    assert back.rows[0].sides[1].samples == []


@pytest.mark.parametrize(("first", "last", "better"), [
    (Side("t", [2.0]), Side("t", [1.0]), 2.0),  # a time: half as long is 2x better
    (Side("t", [1.0]), Side("t", [4.0]), 0.25),
    (Side("r", [100.0], unit="req/s"), Side("r", [150.0], unit="req/s"), 1.5),  # a rate
    (Side("t", []), Side("t", [1.0]), NAN),
])
def test_how_many_times_better_the_last_python_did(first, last, better):
    measured = report.times_better(first, last)
    assert measured == better or (math.isnan(better) and math.isnan(measured))


def test_a_side_shared_by_rows_is_listed_once_per_comparison():
    merged = pythons.side_by_side({"3.11.7": one_round(4, 2), "3.13.0": one_round(3, 2)})
    pairs = report.python_pairs(merged, ["3.11.7", "3.13.0"])
    assert [(what, name) for what, name, _ in pairs] == [("N=10", "a"), ("N=10", "b")]
    assert [side.samples for side in pairs[0][2].values()] == [[4], [3]]


def test_a_side_shared_with_a_row_only_one_python_has_is_listed_once():
    """3.14+'s interpreter-pool rows share the one-process side with rows every Python has."""
    old, new = one_round(4, 2), one_round(3, 2)
    new.rows.append(Row("interpreters", [new.rows[0].sides[0], Side("c", [1])]))
    merged = pythons.side_by_side({"3.11.7": old, "3.15.2": new})
    pairs = report.python_pairs(merged, ["3.11.7", "3.15.2"])
    assert [(what, name) for what, name, _ in pairs] == [("N=10", "a"), ("N=10", "b"),
                                                         ("interpreters", "c")]

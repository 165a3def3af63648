"""assert_about, table by table: the window [expected - early, expected + late * TIMING_SLACK],
a failure message that says what was measured and allowed, and no window wide enough to let a
timing 50% off pass; assert_smallest on the smallest of several measurements."""
from __future__ import annotations

import pytest

from tests.support import timing
from tests.support.timing import assert_about


@pytest.mark.parametrize(("measured", "expected", "late", "early"), [
    (1.0, 1.0, 0.4, 0.05),
    (0.95, 1.0, 0.4, 0.05),  # at the early edge
    (1.4, 1.0, 0.4, 0.05),  # at the late edge
    (0.0, 0.0, 0.2, 0.05),  # "at most 0.2 s"
    (30.0, 0.0, None, 0.05),  # open: only with expected 0
    (0.7, 1.0, 0.4, 0.3),
])
def test_inside_the_window(measured, expected, late, early, monkeypatch):
    monkeypatch.setattr(timing, "TIMING_SLACK", 1.0)
    assert assert_about(measured, expected, late=late, early=early) == measured


@pytest.mark.parametrize(("measured", "expected", "late", "early", "slack", "message"), [
    (0.94, 1.0, 0.4, 0.05, 1.0,
     "took 0.940 s, expected 1.0 s, window [0.95, 1.40] s (TIMING_SLACK=1)"),
    (1.41, 1.0, 0.4, 0.05, 1.0,
     "took 1.410 s, expected 1.0 s, window [0.95, 1.40] s (TIMING_SLACK=1)"),
    (-0.1, 0.0, None, 0.05, 1.0,
     "took -0.100 s, expected 0.0 s, window [-0.05, ∞] s (TIMING_SLACK=1)"),
    (1.81, 1.0, 0.4, 0.05, 2.0,  # the slack widens late only
     "took 1.810 s, expected 1.0 s, window [0.95, 1.80] s (TIMING_SLACK=2)"),
    (0.94, 1.0, 0.4, 0.05, 2.0,
     "took 0.940 s, expected 1.0 s, window [0.95, 1.80] s (TIMING_SLACK=2)"),
])
def test_outside_the_window(measured, expected, late, early, slack, message, monkeypatch):
    monkeypatch.setattr(timing, "TIMING_SLACK", slack)
    with pytest.raises(AssertionError) as raised:
        assert_about(measured, expected, late=late, early=early)
    assert str(raised.value).startswith(message)


def test_what_it_measured_names_the_failure(monkeypatch):
    monkeypatch.setattr(timing, "TIMING_SLACK", 1.0)
    with pytest.raises(AssertionError, match=r"^the gap between the lines: took 3\.000 s"):
        assert_about(3.0, 1.0, late=0.4, what="the gap between the lines")


def test_the_slack_widens_late(monkeypatch):
    monkeypatch.setattr(timing, "TIMING_SLACK", 2.0)
    assert assert_about(1.79, 1.0, late=0.4) == 1.79


@pytest.mark.parametrize(("expected", "late"), [
    (1.0, 0.5),  # 1.5 s would pass
    (2.0, 1.0),  # a 2 s timeout that took 3 s would pass
    (0.5, 0.3),
    (1.0, None),  # open above
])
def test_a_window_that_lets_a_timing_half_off_pass_is_refused(expected, late):
    with pytest.raises(ValueError, match="assert_smallest"):
        assert_about(expected, expected, late=late)


@pytest.mark.parametrize(("samples", "expected", "smallest"), [
    ([1.02, 1.9, 1.4], 1.0, 1.02),  # two delayed by load, one on time
    ([2.1, 2.05], 2.0, 2.05),
    ([0.52], 0.5, 0.52),
])
def test_the_smallest_of_several_is_asserted(samples, expected, smallest, monkeypatch):
    monkeypatch.setattr(timing, "TIMING_SLACK", 1.0)
    assert timing.assert_smallest(samples, expected) == smallest


@pytest.mark.parametrize(("samples", "expected", "slack"), [
    ([1.5, 1.6, 1.5], 1.0, 1.0),  # a 1 s interval that became 1.5 s
    ([3.0, 3.1], 2.0, 1.0),  # a 2 s timeout that became 3 s
    ([0.8, 0.81], 0.5, 1.0),  # a 0.5 s poll that became 0.8 s
    ([0.94, 1.0], 1.0, 1.0),  # early
    ([1.5, 1.5], 1.0, 2.0),  # even at TIMING_SLACK=2, 1.5 s is not 1 s
])
def test_the_smallest_rejects_a_timing_half_off(samples, expected, slack, monkeypatch):
    monkeypatch.setattr(timing, "TIMING_SLACK", slack)
    with pytest.raises(AssertionError, match="the smallest of"):
        timing.assert_smallest(samples, expected)

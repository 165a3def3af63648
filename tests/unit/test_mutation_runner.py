"""The mutation runner's judgement, table by table: a test run's exit to a verdict, a mutant that
no longer applies, the tally and the report's lines that `--combine` reads back."""
from __future__ import annotations

import dataclasses

import pytest

from tests.mutation.runner import (
    RESULT_LINE,
    Outcome,
    Tally,
    Verdict,
    combine,
    judge,
    report,
    stale_reason,
)
from tests.mutation.table import MUTANTS, Mutant

FAILED = "FAILED tests/test_chapter_02.py::test_2_9 - AssertionError\nE   assert 1 == 2\n"


@pytest.mark.parametrize(("returncode", "output", "verdict", "detail"), [
    (None, "", Verdict.KILLED, "timed out after 300 s"),
    (0, "3 passed in 1.0s", Verdict.SURVIVED, ""),
    (0, "1 passed, 2 skipped in 1.0s", Verdict.SURVIVED, ""),
    (0, "3 skipped in 0.1s", Verdict.SKIPPED,
     "every test of the listing skipped on this Python: not judged"),
    (1, FAILED, Verdict.KILLED, "tests/test_chapter_02.py::test_2_9 — assert 1 == 2"),
    (1, "no summary", Verdict.KILLED, "a test failed"),
    (2, "ERROR tests/test_chapter_02.py\nE   SyntaxError: bad", Verdict.KILLED,
     "collection: tests/test_chapter_02.py — SyntaxError: bad"),
    (5, "no tests ran", Verdict.ERROR, "no test is marked listing('2.9')"),
    (3, "a\nb\nc\nd", Verdict.ERROR, "pytest exited 3: b | c | d"),
    (2, "Interrupted", Verdict.ERROR, "pytest exited 2: Interrupted"),
])
def test_a_test_runs_exit_is_a_verdict(returncode, output, verdict, detail):
    assert judge(returncode, output, "2.9", 300.0) == (verdict, detail)


@pytest.mark.parametrize(("text", "old", "reason"), [
    ("a = 1\n", "a = 1", None),
    ("a = 1\n", "b = 2", "its old text occurs 0 times in chapter_02/x.py, not once"),
    ("a = 1\na = 1\n", "a = 1", "its old text occurs 2 times in chapter_02/x.py, not once"),
    (None, "a = 1", "chapter_02/x.py does not exist"),
])
def test_a_mutant_applies_only_where_its_old_text_occurs_once(tmp_path, text, old, reason):
    if text is not None:
        (tmp_path / "chapter_02").mkdir()
        (tmp_path / "chapter_02" / "x.py").write_text(text)
    mutant = Mutant("2.9-x", "2.9", "chapter_02/x.py", old, "a = 2", "a wrong number")
    assert stale_reason(mutant, tmp_path) == reason


@pytest.mark.parametrize(("verdict", "counted", "problem"), [
    (Verdict.KILLED, True, False), (Verdict.SURVIVED, True, False),
    (Verdict.EQUIVALENT, False, False), (Verdict.SKIPPED, False, False),
    (Verdict.STALE, False, True), (Verdict.ERROR, False, True),
])
def test_what_each_verdict_counts_as(verdict, counted, problem):
    assert (verdict.counted, verdict.problem) == (counted, problem)


def test_the_tally_counts_per_chapter_and_in_all():
    by_chapter = {}
    for mutant in MUTANTS:
        by_chapter.setdefault(mutant.listing.split(".")[0], []).append(mutant)
    one, two = by_chapter["1"], by_chapter["2"]
    made = dataclasses.replace(two[3], operator="numbers")
    tally = Tally([Outcome(one[0], Verdict.KILLED), Outcome(one[1], Verdict.SURVIVED),
                   Outcome(one[2], Verdict.EQUIVALENT), Outcome(two[0], Verdict.KILLED),
                   Outcome(two[1], Verdict.STALE), Outcome(two[2], Verdict.ERROR),
                   Outcome(made, Verdict.SURVIVED)])
    assert tally.chapters() == [
        "chapter  1 hand   :   1 killed of   2  50.0% (1 equivalent)",
        "chapter  2 hand   :   1 killed of   1 100.0% (1 stale, 1 error)",
        "chapter  2 numbers:   0 killed of   1   0.0%",
        "all        hand   :   2 killed of   3  66.7% (1 equivalent, 1 stale, 1 error)",
        "all        numbers:   0 killed of   1   0.0%"]
    assert tally.score == "2 killed of 4"
    assert [o.verdict for o in tally.problems] == [Verdict.STALE, Verdict.ERROR]


@pytest.mark.parametrize("verdict", list(Verdict))
def test_every_verdicts_line_is_read_back(tmp_path, verdict):
    outcome = Outcome(MUTANTS[0], verdict, 12.34, "why — a detail")
    assert RESULT_LINE.match(outcome.line())
    saved = tmp_path / "report.txt"
    saved.write_text(report(Tally([outcome]), finished=True))
    assert combine([saved]) == [Outcome(MUTANTS[0], verdict, 12.3, "why — a detail")]


def test_the_canarys_line_has_its_label_in_the_verdict_column():
    outcome = Outcome(MUTANTS[0], Verdict.KILLED, 1.0)
    assert outcome.line(label="canary") == "canary" + outcome.line()[len("killed"):]

"""The mutation check's table stays usable: every mutant applies to today's listings, names a
listing that has tests, and the command line lists them. (Running the mutants is not part of the
suite: `python -m tests.mutation`, see CONTRIBUTING.md.)"""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest

from tests.mutation import runner
from tests.mutation.operators import generated
from tests.mutation.table import CANARY, MUTANTS, chapter_of
from tests.support import REPO, listing_env

GENERATED = generated()

TEST_MODULES = {path.name: path.read_text() for path in (REPO / "tests").glob("test_*.py")}


def marked(listing: str) -> bool:
    """Some test carries @pytest.mark.listing(listing)."""
    quoted = re.escape(f'"{listing}"')
    pattern = re.compile(rf'(?<!\w)listing\(\s*{quoted}\s*\)')  # not run_listing("N.M")
    return any(pattern.search(text) for text in TEST_MODULES.values())


def test_ids_are_unique_and_name_their_listing():
    counts = Counter(mutant.id for mutant in [*MUTANTS, *GENERATED])
    assert [name for name, count in counts.items() if count > 1] == []
    for mutant in [*MUTANTS, *GENERATED]:
        assert re.fullmatch(r"\d+\.\d+(_\w+)?-[\w.-]+", mutant.id), mutant.id
        assert mutant.id.split("-", 1)[0].split("_", 1)[0] == mutant.listing.split("_", 1)[0], \
            mutant.id


def test_at_least_150_mutants_and_8_in_every_chapter():
    assert len(MUTANTS) >= 150
    per_chapter = Counter(chapter_of(mutant) for mutant in MUTANTS)
    assert set(per_chapter) == set(range(1, 15))
    assert {chapter: n for chapter, n in per_chapter.items() if n < 8} == {}


@pytest.mark.parametrize("mutant", [CANARY, *MUTANTS], ids=lambda mutant: mutant.id)
def test_old_text_occurs_exactly_once(mutant):
    assert runner.stale_reason(mutant, REPO) is None
    assert mutant.new != mutant.old
    assert mutant.file.startswith("chapter_"), mutant.file
    assert mutant.mistake.strip()


@pytest.mark.parametrize("listing", sorted({m.listing for m in [CANARY, *MUTANTS, *GENERATED]}))
def test_every_listing_has_marked_tests(listing):
    assert marked(listing), f"no test is marked listing({listing!r})"
    assert runner.test_paths(listing, REPO) != ["tests"]


def test_equivalent_mutants_give_a_reason():
    for mutant in MUTANTS:
        if mutant.equivalent is not None:
            assert len(mutant.equivalent.split()) >= 5, mutant.id


def test_list_prints_every_mutant():
    result = subprocess.run([sys.executable, "-m", "tests.mutation", "--list"], cwd=REPO,
                            env=listing_env(), capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    lines = result.stdout.splitlines()
    every = [*MUTANTS, *GENERATED]
    assert lines[-1] == f"{len(every)} mutants"
    assert [line.split()[0] for line in lines[:-1]] == [mutant.id for mutant in every]


def test_list_selects_a_chapter_and_an_id(capsys):
    assert runner.main(["--list", "--chapter", "7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    chapter_7 = [mutant.id for mutant in [*MUTANTS, *GENERATED] if chapter_of(mutant) == 7]
    assert [line.split()[0] for line in lines[:-1]] == chapter_7
    assert runner.main(["--list", "--chapter", "7", "--operator", "flags"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == [
        mutant.id for mutant in GENERATED if chapter_of(mutant) == 7 and mutant.operator == "flags"]
    assert runner.main(["--list", "--only", "7.8-interval"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[0] == "7.8-interval"
    with pytest.raises(SystemExit, match="no mutant with id"):
        runner.main(["--list", "--only", "no-such-mutant"])


def test_the_copy_leaves_out_git_venv_and_data():
    files = runner.repository_files()
    assert "tests/mutation/runner.py" in files and "pyproject.toml" in files
    assert not [name for name in files if name.split("/", 1)[0] in (".git", ".venv", ".data")]


def test_combine_gathers_saved_reports_the_later_one_winning(tmp_path):
    first, second = MUTANTS[0], MUTANTS[1]
    one = tmp_path / "one.txt"
    killed, survived = runner.Verdict.KILLED, runner.Verdict.SURVIVED
    one.write_text(runner.report(runner.Tally([
        runner.Outcome(first, survived, 3.0),
        runner.Outcome(second, killed, 2.0, "test_x — assert 1")]), finished=True))
    two = tmp_path / "two.txt"
    two.write_text(runner.report(runner.Tally([runner.Outcome(first, killed, 4.0, "test_y")]),
                                 finished=True))
    outcomes = runner.combine([one, two])
    assert [(o.mutant.id, o.verdict, o.detail) for o in outcomes] == [
        (first.id, killed, "test_y"), (second.id, killed, "test_x — assert 1")]
    assert runner.report(runner.Tally(outcomes), finished=True).endswith(
        "mutants: 2 killed of 2\n")


def test_sweep_stops_what_daemonized_out_of_a_killed_run_and_nothing_else(tmp_path):
    """What a killed run leaves (pg_ctl's Postgres, gpg-agent) is no child of anybody's: it is
    found by the run's temporary folder in its command line, and only that is stopped."""
    import psutil

    from util.tools.processes import wait_until

    scratch = tmp_path / "mutant-tmp"
    (scratch / "home").mkdir(parents=True)
    sleeper = "import time; time.sleep(300)"
    # a double fork, as a daemon does: the sleeper's parent exits at once
    subprocess.run(["bash", "-c", f'("{sys.executable}" -c "{sleeper}" {scratch / "home"} '
                                  f'> /dev/null & echo $! > {scratch / "pid"})'],
                   check=True, timeout=30)
    daemon = psutil.Process(int(wait_until(lambda: (scratch / "pid").read_text().strip(), 10,
                                           "the daemon's pid")))
    bystander = subprocess.Popen([sys.executable, "-c", sleeper, str(tmp_path / "elsewhere")])
    try:
        assert daemon.ppid() != bystander.pid and str(scratch) in " ".join(daemon.cmdline())
        runner.sweep(scratch)
        assert not daemon.is_running() or daemon.status() == psutil.STATUS_ZOMBIE
        assert not scratch.exists()
        assert bystander.poll() is None, "a process that does not name the folder is left alone"
    finally:
        bystander.kill()
        bystander.wait()
        if daemon.is_running():
            daemon.kill()

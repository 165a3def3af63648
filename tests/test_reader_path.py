"""The reader's path: what following the book leaves behind, and what a reader sees that the
README must announce (Ctrl-C presses, examples that print nothing, errors only an option shows).
"""
from __future__ import annotations

import ast
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import psutil
import pytest

from tests.support import REPO, listing_env, module_name, ok, run_listing, wait_until
from tests.support.shutdown import assert_shutdown_interrupted

DJANGO_PROJECT = REPO / "chapter_09" / "async_views"


def source_files(folder):
    return {path for path in folder.rglob("*")
            if "__pycache__" not in path.parts and not path.name.endswith(".pyc")}


# chapter 9: the Django project keeps its database out of the source tree ----------------------

def test_django_manage_py_migrate_writes_its_database_in_the_data_folder(tmp_path):
    before = source_files(DJANGO_PROJECT)
    env = listing_env({"ASYNCIO_DATA_DIR": str(tmp_path)})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for command in ("check", "migrate"):
        run = subprocess.run([sys.executable, "manage.py", command], cwd=DJANGO_PROJECT,
                             env=env, capture_output=True, text=True, timeout=120)
        ok(run)
    assert source_files(DJANGO_PROJECT) == before
    assert not (DJANGO_PROJECT / "db.sqlite3").exists()
    assert (tmp_path / "chapter_09" / "db.sqlite3").is_file()


# 13.7: gpg in a throwaway home, its agent stopped, nothing left in the reader's home -----------

needs_gpg = pytest.mark.skipif(not (shutil.which("gpg") and shutil.which("gpgconf")),
                               reason="needs GnuPG 2.x: apt-get install gnupg")


def gpg_agents_under(folder: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline", "cwd"]):
        text = " ".join(process.info["cmdline"] or ()) + " " + (process.info["cwd"] or "")
        if process.info["name"] == "gpg-agent" and str(folder) in text:
            found.append(process)
    return found


@needs_gpg
@pytest.mark.listing("13.7")
def test_13_7_leaves_nothing_in_the_readers_home(monkeypatch):
    """HOME (and TMPDIR, so the listing's own GnuPG home is in there too) an empty folder: 13.7
    with 10 texts prints no gpg lock waits, and leaves no .gnupg and no gpg-agent behind."""
    monkeypatch.delenv("GNUPGHOME", raising=False)
    home = Path(tempfile.mkdtemp(prefix="rp-"))  # short: gpg-agent's sockets may live under it
    try:
        run = ok(run_listing("13.7", "10", env={"HOME": str(home), "TMPDIR": str(home)},
                             timeout=180))
        assert len(run.lines) == 2 and run.lines[0].startswith("Total time: "), str(run)
        assert "waiting for lock" not in run.stderr
        assert "gpg:" not in run.stderr, run.stderr
        assert sorted(path.name for path in home.iterdir()) == []
        wait_until(lambda: not gpg_agents_under(home), 10, "no gpg-agent under the home",
                   interval=0.1)
    finally:
        for agent in gpg_agents_under(home):  # only if the listing left one: ours to stop
            agent.kill()
        shutil.rmtree(home, ignore_errors=True)


# README rows that promise what a reader sees -----------------------------------------------------

def readme_row(chapter: int, listing: str) -> str:
    text = (REPO / f"chapter_{chapter:02d}" / "README.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith(f"| [{listing}](")]
    assert len(rows) == 1, listing
    return rows[0]


def docstring(listing: str) -> str:
    chapter = int(listing.split(".")[0])
    path = REPO / f"chapter_{chapter:02d}" / f"listing_{listing.replace('.', '_')}.py"
    return ast.get_docstring(ast.parse(path.read_text()))


@pytest.mark.listing("5.7")
def test_5_7_row_says_it_prints_nothing():
    assert "prints nothing" in docstring("5.7")
    assert "prints nothing" in readme_row(5, "5.7")


@pytest.mark.parametrize("listing", ["13.8", "13.8_taskgroup"])
def test_13_8_rows_say_the_default_takes_minutes_and_how_to_run_fewer(listing):
    """Both encrypt the book's 1,000 texts by default (186 s on 2 cores, 3.15.2, load 5-8)."""
    row = readme_row(13, listing)
    assert "minutes on 2 cores" in row
    assert re.search(r"`python -m [\w. ]+ 50`", row)


def test_quick_start_examples_print_something():
    """README.md's Quick start offers listings to try: each one prints something."""
    text = (REPO / "README.md").read_text()
    sentence = next(line for line in text.splitlines() if "any number works" in line)
    examples = re.findall(r"`(\d+\.\d+)`", sentence)
    assert examples
    for listing in examples:
        assert "prints nothing" not in docstring(listing), listing


@pytest.mark.listing("12.4")
def test_12_4_row_says_how_to_see_the_relative_link_error():
    """A default run has no relative link (test_chapter_12 checks both runs): the row says the
    error needs `relative=1` in the start URL, passed as the listing's argument."""
    row = readme_row(12, "12.4")
    assert "relative=1" in row and "Error processing url /rel" in row
    assert "util run 12.4 '" in row


# Ctrl-C in a terminal: what one press and a second press do ------------------------------------

def spawn(listing: str, shell_around: str | None = None) -> pexpect.spawn:
    """A listing in a pty, as from a shell (no PYTHONUNBUFFERED): Ctrl-C is sendintr().
    `shell_around`, a bash command with {listing} in it, runs the listing inside that command
    instead."""
    env = listing_env({"PYTHON_COLORS": "0"})  # 3.13 colours tracebacks at a terminal
    env.pop("PYTHONUNBUFFERED", None)
    command = [sys.executable, "-m", module_name(listing)]
    if shell_around:
        command = ["bash", "-c", shell_around.format(listing=shlex.join(command))]
    return pexpect.spawn(command[0], command[1:], env=env, cwd=str(REPO), encoding="utf-8",
                         timeout=20, dimensions=(24, 200))


def still_running_after(child: pexpect.spawn, seconds: float) -> str:
    """What the child printed in `seconds` (it must not exit meanwhile)."""
    index = child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=seconds)
    assert index == 0, f"it exited: {child.before!r}"
    assert child.isalive()
    return child.before


def ended(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF, timeout=20)
    child.close()
    assert child.signalstatus == signal.SIGINT or child.exitstatus not in (None, 0)
    return child.before


def blocked_in_input(child: pexpect.spawn) -> None:
    """Wait until input() sleeps in its read of the terminal. A Ctrl-C that lands between the
    prompt and that read interrupts nothing: Python runs its handler only at the next
    interrupted read, so two presses count as one (seen once on a loaded machine)."""
    wait_until(lambda: psutil.Process(child.pid).status() == psutil.STATUS_SLEEPING, 10,
               "input() waiting for the terminal", interval=0.02)


@pytest.mark.listing("8.4")
def test_8_4_needs_two_ctrl_c_presses_and_the_readme_says_so():
    assert "Ctrl-C twice" in readme_row(8, "8.4") and "twice" in docstring("8.4")
    child = spawn("8.4")
    try:
        child.expect_exact("Enter a time to sleep:")
        blocked_in_input(child)
        child.sendintr()
        assert "Traceback" not in still_running_after(child, 2)  # input() still waits
        blocked_in_input(child)
        child.sendintr()
        output = ended(child)
        assert "Traceback" in output and output.rstrip().endswith("KeyboardInterrupt")
        assert "_on_sigint" in output
    finally:
        child.close(force=True)


@pytest.mark.listing("7.11")
def test_7_11_needs_two_ctrl_c_presses_and_the_readme_says_so():
    assert "Ctrl-C twice" in readme_row(7, "7.11") and "twice" in docstring("7.11")
    child = spawn("7.11")
    try:
        child.expect_exact("Acquired lock a from method a!")
        child.expect_exact("Acquired lock b from method b!")
        time.sleep(1.5)  # each thread is now waiting for the other's lock
        child.sendintr()
        child.expect_exact("thread_1.join()")  # the main thread waits for the first thread
        child.expect_exact("KeyboardInterrupt")  # out of join(): the first traceback
        still_running_after(child, 2)  # but Python waits for the deadlocked threads
        child.sendintr()
        assert_shutdown_interrupted(ended(child))  # in each Python's words
    finally:
        child.close(force=True)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def stuck_writing(pid: int) -> bool:
    """The process is blocked writing into a pipe and writes nothing for 0.3 s: the pipe is full
    and its reader has stopped reading (13.5's asyncio pauses once it holds 128 KiB). Until
    then a press can reach 13.4 in a write that completes, and it prints its traceback at once."""
    def written() -> int:
        return int(re.search(r"^wchar: (\d+)$", Path(f"/proc/{pid}/io").read_text(), re.M)[1])

    before = written()
    time.sleep(0.3)
    return "pipe" in Path(f"/proc/{pid}/wchan").read_text() and written() == before


# 13.5's tracebacks after one Ctrl-C: the parent's two (CancelledError, then KeyboardInterrupt),
# the child's KeyboardInterrupt, and on 3.12 to 3.13.3 the subprocess transport's __del__
# failing with "Event loop is closed" before it could kill the child. From 3.13.4 (CPython
# gh-114177) that __del__ kills the child, stuck in a buffered write that the Ctrl-C only
# shortened, before it says anything; unless the press caught a write that had written nothing
# yet: then the write fails at once and the child prints its traceback first (1 run in 10 here).
# Before 3.13.4 the child's traceback can be lost too: the parent's exit breaks the pipe as the
# child ends, and it says only "lost sys.stderr" and "BrokenPipeError" (once, in CI, on 3.12.1).
VERSION = sys.version_info[:3]
TRANSPORT_DEL_FAILS = (3, 12) <= VERSION < (3, 13, 4)
PARENT_TRACEBACKS_13_5 = 3 if TRANSPORT_DEL_FAILS else 2


@pytest.mark.listing("13.5")
def test_13_5_one_ctrl_c_ends_both_with_the_tracebacks_the_readme_says():
    row, text = readme_row(13, "13.5"), docstring("13.5")
    assert "3.13.4" in row and "3.13.4" in text and "gh-114177" in text
    # From a shell, as the reader runs it: were 13.5 the terminal's session leader (pexpect's
    # default), its exit would hang up the terminal and kill 13.4 in the middle of its traceback.
    shell = spawn("13.5", shell_around="trap : INT; {listing}; echo exit status $?; read")
    try:
        shell.expect(r"Process pid is: (\d+)")
        pid = int(shell.match[1])
        wait_until(lambda: stuck_writing(pid), 20, "13.4 blocked writing into the full pipe",
                   interval=0.05)
        shell.sendintr()
        shell.expect_exact("exit status 130")  # 128 + SIGINT: 13.5 ended by the Ctrl-C
        output = shell.before
        wait_until(lambda: gone(pid), 10, "the child 13.4 ends with Ctrl-C", interval=0.1)
        shell.sendline("")  # the shell's `read`: it exits and the terminal closes
        shell.expect(pexpect.EOF)
        output += shell.before
        tracebacks = output.count("Traceback (most recent call last):")
        child_spoke = "listing_13_4.py" in output  # the child's own traceback
        assert tracebacks == PARENT_TRACEBACKS_13_5 + child_spoke, output
        assert "CancelledError" in output and "raise KeyboardInterrupt()" in output
        assert ("Event loop is closed" in output) == TRANSPORT_DEL_FAILS, output
        if VERSION < (3, 13, 4) and not child_spoke:  # never silently missing: its loss shows
            assert "lost sys.stderr" in output and "BrokenPipeError" in output, output
    finally:
        shell.close(force=True)

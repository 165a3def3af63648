"""Chapter 13: subprocesses, run as the reader runs them (`python -u -m chapter_13.listing_13_N`).

The parents start their children with `sys.executable -m chapter_13.listing_13_N`, in the
parent's working directory and environment. The test helpers make the parent unbuffered (-u)
and set PYTHONUNBUFFERED=1; the children here get PYTHONUNBUFFERED="" (as in a reader's shell)
unless a test is about an unbuffered child. The interactive children are also typed at in a
real terminal (pexpect). gpg runs with a throwaway GNUPGHOME whose agent is stopped afterwards;
the concurrency of 13.7 and 13.8 is measured with a stand-in `gpg` first on PATH.
"""
from __future__ import annotations

import ast
import contextlib
import fcntl
import math
import os
import re
import resource
import shutil
import signal
import stat
import string
import subprocess
import sys
import tempfile
import termios
import time
from itertools import pairwise
from pathlib import Path

import pexpect
import psutil
import pytest

from chapter_13.gnupg_home import throwaway_gnupg_home
from tests.support import (
    REPO,
    Listing,
    Timeout,
    assert_about,
    assert_smallest,
    listing_env,
    module_name,
    ok,
    run_listing,
    startup_shim,
    wait_until,
)

BUFFERED_CHILD = {"PYTHONUNBUFFERED": ""}  # the parent keeps -u; its children buffer as usual
UNBUFFERED_CHILD = {"PYTHONUNBUFFERED": "1"}
PROMPT = "Enter text to echo: "
BOOK_GPG_ARGS = "-c --batch --passphrase 3ncryptm3 --cipher-algo TWOFISH"


def bytes_lines(run) -> list[bytes]:
    """Every stdout line parsed as the bytes literal it prints."""
    chunks = [ast.literal_eval(line) for line in run.lines]
    assert all(isinstance(chunk, bytes) for chunk in chunks), str(run)
    return chunks


def spawn(listing: str, env: dict[str, str] | None = None, timeout: float = 10,
          cwd: Path = REPO):
    """The listing in a real terminal, as a reader starts it."""
    return pexpect.spawn(sys.executable, ["-m", module_name(listing)], cwd=str(cwd),
                         env=listing_env(env), encoding="utf-8", timeout=timeout)


@pytest.fixture
def known_files(tmp_path):
    """A directory holding a few files with known names (what `ls` will list)."""
    names = ["alpha.txt", "beta.py", "gamma_dir"]
    (tmp_path / names[0]).write_text("a\n")
    (tmp_path / names[1]).write_text("print('b')\n")
    (tmp_path / names[2]).mkdir()
    return tmp_path, names


def alive(pid: int) -> bool:
    """Whether a process with that pid is running (a zombie waiting to be reaped is not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def run_piped(listing: str, input: bytes, env: dict[str, str] | None = None,
              timeout: float = 30) -> tuple[subprocess.CompletedProcess, float]:
    """The listing with `input` piped into it; its exact stdout bytes and the wall time."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-u", "-m", module_name(listing)], cwd=REPO,
                            env=listing_env(env), input=input, capture_output=True,
                            timeout=timeout)
    return result, time.monotonic() - started


def ls(*args: str, cwd: Path) -> list[str]:
    """What `ls` prints there, in the environment the listings run in."""
    result = subprocess.run(["ls", *args], cwd=cwd, env=listing_env(), capture_output=True,
                            text=True, check=True)
    return result.stdout.splitlines()


# 13.1-13.3: running a command, timing it out, reading its output ----------------------------

@pytest.mark.listing("13.1")
def test_13_1_ls_writes_to_our_stdout_and_the_parent_reports_its_status(known_files):
    """At a terminal, as the reader runs it: parent and child write to the same terminal (the
    parent line-buffered, so each of its lines is one write)."""
    folder, names = known_files
    terminal = spawn("13.1", env=BUFFERED_CHILD, cwd=folder)
    try:
        terminal.expect(pexpect.EOF)
        terminal.close()
        assert terminal.exitstatus == 0, terminal.before
    finally:
        terminal.close(force=True)
    lines = terminal.before.splitlines()
    assert lines[-1] == "Status code: 0"
    pid_lines = [i for i, line in enumerate(lines) if line.startswith("Process pid is: ")]
    assert len(pid_lines) == 1, lines
    assert re.fullmatch(r"Process pid is: \d+", lines[pid_lines[0]])
    child_lines = [line for i, line in enumerate(lines[:-1]) if i != pid_lines[0]]
    # The child wrote its listing itself, untouched by the parent: exactly what ls -l prints.
    assert child_lines == ls("-l", cwd=folder)
    assert child_lines[0].startswith("total ")
    for name in names:
        assert any(line.endswith(" " + name) for line in child_lines), name
    # The parent prints the pid as soon as the child has started, while the child (line-buffered
    # at a terminal) writes its listing: the two race, so the pid line may land anywhere in it.


@pytest.mark.listing("13.2")
def test_13_2_terminates_sleep_after_one_second_with_sigterm():
    """Run twice: the timeout is the smallest gap from the pid line to "Timed out" (a 1.5 s
    timeout fails), and the child's status follows at once (sleep 3 is cut short)."""
    timeouts = []
    for _ in range(2):
        run = ok(run_listing("13.2"))
        assert len(run.lines) == 3, str(run)
        pid = int(re.fullmatch(r"Process pid is: (\d+)", run.lines[0])[1])
        assert run.lines[1:] == ["Timed out waiting to finish, terminating...",
                                 str(-signal.SIGTERM)]
        (started, _), (timed_out, _), (ended, _) = run.timed_lines
        timeouts.append(timed_out - started)
        assert_about(ended - timed_out, 0, late=1, what="sleep 3 was not cut short")
        assert not alive(pid), "the sleep child is gone, not left running"
    assert_smallest(timeouts, 1, what="wait_for's timeout")


@pytest.mark.listing("13.3")
def test_13_3_prints_every_line_of_ls_la_with_a_prefix(known_files):
    folder, names = known_files
    run = ok(run_listing("13.3", cwd=folder))
    lines = run.lines
    assert re.fullmatch(r"Process pid is: \d+", lines[0])
    assert lines[-1] == "Process returned: 0"
    assert lines[1:-1] == [f"[ls -la]: {line}" for line in ls("-la", cwd=folder)]
    assert lines[1].startswith("[ls -la]: total ")
    for name in [".", "..", *names]:
        assert any(line.endswith(" " + name) for line in lines[1:-1]), name


# 13.4-13.6: a child with a lot of output, the pipe deadlock, communicate ---------------------

@pytest.mark.listing("13.4")
def test_13_4_writes_fourteen_million_bytes():
    result = subprocess.run([sys.executable, "-m", module_name("13.4")], cwd=REPO,
                            env=listing_env(BUFFERED_CHILD), capture_output=True, timeout=60)
    ok(result)
    assert len(result.stdout) == 14_000_000
    assert result.stdout == b"Hello there!!\n" * 1_000_000


def child_of(parent: psutil.Process, module: str, timeout: float = 10) -> psutil.Process:
    return wait_until(lambda: next((child for child in parent.children()
                                    if module in child.cmdline()), None),
                      timeout, f"a child running {module}", interval=0.05)


def queued_bytes(pipe_path: str) -> tuple[int, int]:
    """(bytes waiting in the pipe, the pipe's capacity), without reading anything."""
    fd = os.open(pipe_path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        queued = int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)
        return queued, fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)
    finally:
        os.close(fd)


@pytest.mark.listing("13.5")
def test_13_5_deadlocks_with_a_full_pipe_that_nobody_reads():
    with Listing("13.5", env=BUFFERED_CHILD) as running:
        first = running.read_line(timeout=15)
        assert re.fullmatch(r"Process pid is: \d+", first)
        parent = psutil.Process(running.process.pid)
        child = child_of(parent, "chapter_13.listing_13_4")
        assert int(first.rsplit(" ", 1)[1]) == child.pid
        # The child's stdout is a pipe whose read end only the parent holds.
        pipe = os.readlink(f"/proc/{child.pid}/fd/1")
        assert pipe.startswith("pipe:")
        read_end = next(f"/proc/{parent.pid}/fd/{fd}" for fd in os.listdir(f"/proc/{parent.pid}/fd")
                        if os.readlink(f"/proc/{parent.pid}/fd/{fd}") == pipe)
        # wait until the pipe is full (the child needs a moment to start)
        queued, _ = wait_until(lambda: (q := queued_bytes(read_end))[0] > q[1] - 4096 and q,
                               15, "the pipe filling up", interval=0.05)
        cpu = sum(child.cpu_times()[:2])
        time.sleep(max(0.0, 5 - (time.monotonic() - running.started)))  # observe for 5 s
        assert running.running(), str(running)
        assert child.is_running() and child.status() != psutil.STATUS_ZOMBIE
        assert child.status() == psutil.STATUS_SLEEPING  # blocked in write()
        assert sum(child.cpu_times()[:2]) == pytest.approx(cpu, abs=0.02)  # no progress
        assert queued_bytes(read_end)[0] == queued  # nobody reads: the same 64 KiB wait
        assert queued < 14_000_000
        assert running.stdout == first + "\n", "only the pid line, never 'Process returned'"
        pids = [parent.pid, child.pid]
    # Leaving the block killed the whole process group: parent and child are gone.
    wait_until(lambda: not any(alive(pid) for pid in pids), 10,
               "the deadlocked processes gone after the kill", interval=0.05)


@pytest.mark.listing("13.6")
def test_13_6_communicate_reads_all_the_output_and_finishes():
    run = ok(run_listing("13.6", env=BUFFERED_CHILD, timeout=60))
    lines = run.lines
    assert len(lines) == 4
    assert re.fullmatch(r"Process pid is: \d+", lines[0])
    assert lines[1].startswith("b'Hello there!!\\nHello there!!\\n")
    assert len(lines[1]) == 15_000_003
    assert lines[1] == repr(b"Hello there!!\n" * 1_000_000)
    assert lines[2:] == ["None", "Process returned: 0"]
    took = run.timed_lines[-1][0] - run.timed_lines[0][0]
    assert_about(took, 0, late=10, what=f"communicate() took {took:.1f} s (about 1 s expected)")


# 13.7-13.8: many gpg processes at once, then at most one per CPU -----------------------------

needs_gpg = pytest.mark.skipif(not (shutil.which("gpg") and shutil.which("gpgconf")),
                               reason="needs GnuPG 2.x: apt-get install gnupg")


@pytest.fixture
def gnupg_home():
    """A fresh GNUPGHOME (a short path: gpg-agent's socket lives there) whose agent is already
    running, as in a reader's ~/.gnupg; it is stopped afterwards. (Started by 100 gpg at once in
    a brand-new home, they back off on each other's attempts to start it, for minutes.)"""
    home = tempfile.mkdtemp(prefix="gpg13-")
    os.chmod(home, stat.S_IRWXU)
    try:
        subprocess.run(["gpgconf", "--homedir", home, "--launch", "gpg-agent"], check=True,
                       capture_output=True, timeout=30)
        yield {"GNUPGHOME": home}
    finally:
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"],
                       capture_output=True, timeout=30)
        def agents() -> list[psutil.Process]:
            return [p for p in psutil.process_iter(["cmdline"])
                    if home in " ".join(p.info["cmdline"] or ())]

        try:
            wait_until(lambda: not agents(), 10, "gpg-agent gone", interval=0.1)
        except Timeout:
            for agent in agents():
                agent.kill()
        shutil.rmtree(home, ignore_errors=True)


FAKE_GPG = """#!/bin/sh
# A stand-in for gpg: copies stdin to stdout (and to a file of its own), then sleeps; records
# its arguments and how many instances were running when it started.
echo "$*" >> "$FAKE_GPG_DIR/calls"
: > "$FAKE_GPG_DIR/running.$$"
set -- "$FAKE_GPG_DIR"/running.*
echo $# >> "$FAKE_GPG_DIR/concurrency"
tee "$(mktemp "$FAKE_GPG_DIR/text.XXXXXX")"
sleep "$FAKE_GPG_SECONDS"
rm -f "$FAKE_GPG_DIR/running.$$"
"""


class FakeGpg:
    def __init__(self, folder: Path, seconds: float):
        self.folder = folder
        (folder / "bin").mkdir()
        script = folder / "bin" / "gpg"
        script.write_text(FAKE_GPG)
        script.chmod(0o755)
        self.env = {"PATH": f"{folder / 'bin'}{os.pathsep}{os.environ['PATH']}",
                    "FAKE_GPG_DIR": str(folder), "FAKE_GPG_SECONDS": str(seconds)}

    def calls(self) -> list[str]:
        return (self.folder / "calls").read_text().splitlines()

    def peak(self) -> int:
        return max(map(int, (self.folder / "concurrency").read_text().split()))

    def texts(self) -> list[str]:
        """What each instance was given to encrypt."""
        return [path.read_text() for path in sorted(self.folder.glob("text.*"))]

    def assert_book_texts(self, count: int) -> None:
        """`count` texts were encrypted, each the book's 1,000 random letters."""
        texts = self.texts()
        assert len(texts) == count, texts
        assert all(re.fullmatch(r"[A-Za-z]{1000}", text) for text in texts), texts


def total_time(line: str) -> float:
    match = re.fullmatch(r"Total time: (\d+\.\d+(?:e-?\d+)?)", line)
    assert match, line
    return float(match[1])


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def ask_agent(home: str, what: str) -> str:
    answer = subprocess.run(["gpg-connect-agent", "--homedir", home, f"GETINFO {what}", "/bye"],
                            capture_output=True, text=True, timeout=60, check=True)
    return answer.stdout.split()[1]  # "D <value>" then "OK"


@needs_gpg
@pytest.mark.listing("13.7")
@pytest.mark.listing("13.8")
def test_throwaway_gnupg_home_hands_over_a_ready_agent_and_takes_it_away():
    """The agent has worked out its hashing count before the listing's gpg ask for it (a fresh
    agent spends about 1 s of CPU on that, once per gpg asking at the same time), and it is gone,
    not merely told to stop, once the block ends."""
    with throwaway_gnupg_home() as home:
        pid = int(ask_agent(home, "pid"))
        before = cpu_seconds(psutil.Process(pid))
        assert int(ask_agent(home, "s2k_count")) > 0
        spent = cpu_seconds(psutil.Process(pid)) - before
        assert spent < 0.1, f"the agent spent {spent:.2f} s of CPU on the first gpg's question"
    assert not alive(pid), "gpg-agent still running after the home was removed"


def stated_cpu_per_text() -> float:
    """The CPU time 13.7's docstring says each text takes (it states it for 100)."""
    text = " ".join(ast.get_docstring(ast.parse(
        (REPO / "chapter_13" / "listing_13_7.py").read_text())).split())
    match = re.search(r"100 of them need about (\d+) s of CPU", text)
    assert match, "13.7's docstring states the CPU time 100 texts need"
    return int(match[1]) / 100


@needs_gpg
@pytest.mark.listing("13.7")
def test_13_7_encrypts_texts_with_gpg(gnupg_home):
    """With the real gpg, 10 texts rather than 100. The listing's own GnuPG home (under TMPDIR)
    has an agent that does no work while the gpg run, and that is gone when the listing ends;
    the gpg take the CPU time the docstring states, give or take a half."""
    tmp = tempfile.mkdtemp(prefix="t137-")  # short: the agent's sockets live under it
    agents: dict[int, psutil.Process] = {}
    used: dict[int, float] = {}  # each agent's CPU time from the moment the first gpg ran
    own = 0.0  # the listing's own CPU time, its gpg excluded
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        with Listing("13.7", "10", env={"TMPDIR": tmp}) as listing:
            first: dict[int, float] = {}
            while listing.running():
                with contextlib.suppress(psutil.Error):
                    program = psutil.Process(listing.process.pid)
                    own = cpu_seconds(program)
                    gpg_started = any(child.name() == "gpg" for child in program.children())
                    for agent in psutil.process_iter(["name", "cmdline"]):
                        if agent.info["name"] == "gpg-agent" and \
                                tmp in " ".join(agent.info["cmdline"] or ()):
                            agents[agent.pid] = agent
                            if gpg_started or agent.pid in first:
                                first.setdefault(agent.pid, cpu_seconds(agent))
                                used[agent.pid] = cpu_seconds(agent) - first[agent.pid]
                time.sleep(0.1)
            run = ok(listing.wait(120))
            left = [pid for pid in agents if alive(pid)]
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        for agent in agents.values():  # only if the listing left one: ours to stop
            with contextlib.suppress(psutil.Error):
                agent.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    assert len(agents) == 1, "one agent, started before the gpg"
    assert left == [], "the listing ended with its gpg-agent still running"
    assert max(used.values()) < 0.5, f"the agent worked while the gpg ran: {used} s of CPU"
    gpg = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime) - own
    stated = 10 * stated_cpu_per_text()
    assert stated / 2 < gpg < stated * 1.5, f"10 gpg took {gpg:.2f} s of CPU, not {stated} s"
    assert len(run.lines) == 2, str(run)
    seconds = total_time(run.lines[0])
    assert 0 < seconds < run.seconds
    encrypted = ast.literal_eval(run.lines[1])
    assert isinstance(encrypted, list) and len(encrypted) == 10
    assert all(isinstance(item, bytes) and item for item in encrypted)
    assert len(set(encrypted)) == 10
    for item in (encrypted[0], encrypted[-1]):
        decrypted = subprocess.run(
            ["gpg", "--batch", "--passphrase", "3ncryptm3", "-d"], input=item,
            env=os.environ | gnupg_home, capture_output=True, timeout=60)
        ok(decrypted)
        assert re.fullmatch(rb"[A-Za-z]{1000}", decrypted.stdout)
        assert b"TWOFISH" in decrypted.stderr


@pytest.mark.listing("13.7")
def test_13_7_starts_every_gpg_process_at_once(tmp_path):
    """With a stand-in gpg that takes 2 s, 20 texts take about 2 s, not 40: all 20 ran at once
    (the listing's own "Total time"; starting 20 shells at once on a loaded machine is most of
    the margin, a third of a round fails)."""
    fake = FakeGpg(tmp_path, seconds=2.0)
    run = ok(run_listing("13.7", "20", env=fake.env))
    assert len(run.lines) == 2, str(run)
    assert fake.calls() == [BOOK_GPG_ARGS] * 20
    assert fake.peak() == 20
    fake.assert_book_texts(20)
    seconds = total_time(run.lines[0])
    assert_about(seconds, 2, early=0, late=0.7)
    assert seconds < run.seconds
    texts = ast.literal_eval(run.lines[1])  # the stand-in hands the texts back unchanged
    assert len(texts) == 20 and all(re.fullmatch(rb"[A-Za-z]{1000}", text) for text in texts)


def assert_one_gpg_per_cpu(listing: str, tmp_path: Path) -> list[str]:
    """4 texts per CPU with a stand-in gpg taking 0.5 s: never more gpg at once than CPUs, and
    all of them used, so the listing's "Total time" is 4 rounds of 0.5 s (a fifth round fails).
    Returns the run's lines."""
    cpus = os.cpu_count()
    count, seconds = 4 * cpus, 0.5
    fake = FakeGpg(tmp_path, seconds=seconds)
    run = ok(run_listing(listing, str(count), env=fake.env))
    took = total_time(run.lines[0])
    assert fake.calls() == [BOOK_GPG_ARGS] * count
    assert fake.peak() == cpus  # never more than the semaphore allows, and it is used fully
    fake.assert_book_texts(count)
    assert math.ceil(count / cpus) * seconds == 2  # four rounds of 0.5 s
    assert_about(took, 2, early=0, late=0.9)
    assert took < run.seconds
    return run.lines


@pytest.mark.listing("13.8")
def test_13_8_runs_at_most_one_gpg_per_cpu(tmp_path):
    lines = assert_one_gpg_per_cpu("13.8", tmp_path)
    assert len(lines) == 1, lines


@pytest.mark.listing("13.8_taskgroup")
def test_13_8_taskgroup_runs_at_most_one_gpg_per_cpu_and_counts_the_texts(tmp_path):
    lines = assert_one_gpg_per_cpu("13.8_taskgroup", tmp_path)
    assert lines[1:] == [f"Encrypted {4 * os.cpu_count()} text(s)"], lines


@needs_gpg
@pytest.mark.listing("13.8")
def test_13_8_with_the_real_gpg(gnupg_home, tmp_path):
    """The real gpg, behind a wrapper on PATH that keeps a copy of each one's output and of its
    input: every text comes back from gpg --decrypt with the book's passphrase, as encrypted
    with TWOFISH, and the wrapper never saw more gpg at once than there are CPUs."""
    real = shutil.which("gpg")
    (tmp_path / "bin").mkdir()
    wrapper = tmp_path / "bin" / "gpg"
    wrapper.write_text(f"""#!/bin/sh
out="{tmp_path}/$$"
echo start >> "{tmp_path}/events"
tee "$out.txt" | "{real}" "$@" > "$out.gpg"
status=$?
echo end >> "{tmp_path}/events"
cat "$out.gpg"
exit $status
""")
    wrapper.chmod(0o755)
    env = gnupg_home | {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    run = ok(run_listing("13.8", "6", env=env, timeout=120))
    assert len(run.lines) == 1, str(run)
    assert 0 < total_time(run.lines[0]) < run.seconds
    assert "error" not in run.stderr.lower()
    running = peak = 0
    for event in (tmp_path / "events").read_text().split():
        running += 1 if event == "start" else -1
        peak = max(peak, running)
    assert 1 <= peak <= os.cpu_count()
    encrypted = sorted(tmp_path.glob("*.gpg"))
    assert len(encrypted) == 6
    for path in encrypted:
        text = path.with_suffix(".txt").read_text()
        assert len(text) == 1000 and set(text) <= set(string.ascii_letters)
        decrypted = subprocess.run(
            [real, "--decrypt", "--batch", "--passphrase", "3ncryptm3", "--status-fd", "2",
             str(path)], env=listing_env(gnupg_home), capture_output=True, timeout=60)
        ok(decrypted)
        assert decrypted.stdout.decode() == text
        assert re.search(rb"DECRYPTION_INFO \d+ 10\b", decrypted.stderr), decrypted.stderr


HUNG_GPG = """#!/bin/sh
# A stand-in for gpg that never answers: records its pid, then sleeps for a minute as that same
# process (exec; no child of its own that would hold the pipes open once it is killed), holding
# the stdout the listing waits on but not the stderr it shares with the listing.
echo $$ >> "$FAKE_GPG_DIR/pids"
exec sleep 60 2>/dev/null
"""


@pytest.mark.listing("13.8_taskgroup")
def test_13_8_taskgroup_kills_every_hung_gpg_at_the_timeout(tmp_path):
    """gpg processes that never answer: the 1 s timeout ends the run with its message and
    exit code 1, and none of the gpg it started is still running afterwards ("every gpg
    killed": the first round's, and any a waiting text started as a slot freed up just before
    the group cancelled it)."""
    (tmp_path / "bin").mkdir()
    script = tmp_path / "bin" / "gpg"
    script.write_text(HUNG_GPG)
    script.chmod(0o755)
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "FAKE_GPG_DIR": str(tmp_path)}
    cpus = os.cpu_count()
    with Listing("13.8_taskgroup", str(2 * cpus), "1", env=env) as listing:
        run = listing.wait(60)
        pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]
        left = [pid for pid in pids if alive(pid)]
    # (leaving the block killed the listing's process group: a failing run's leftovers too)
    assert run.returncode == 1, str(run)
    assert run.lines == ["Encryption timed out: every gpg killed"]
    assert len(pids) >= cpus, pids  # every slot of the semaphore was used
    assert left == [], f"gpg processes still running after the program ended: {left}"


# 13.9-13.14: talking to interactive children -------------------------------------------------

@pytest.mark.listing("13.9")
def test_13_9_piped_username():
    result, _ = run_piped("13.9", b"Zoot\n")
    ok(result)
    assert result.stdout == b"Please enter a username: Your username is Zoot\n"


@pytest.mark.listing("13.9")
def test_13_9_without_input_fails_with_eof_error():
    result, _ = run_piped("13.9", b"")
    assert result.returncode == 1
    assert result.stdout == b"Please enter a username: "
    assert result.stderr.rstrip().endswith(b"EOFError: EOF when reading a line")


@pytest.mark.listing("13.9")
def test_13_9_typed_at_a_terminal():
    child = spawn("13.9")
    try:
        child.expect_exact("Please enter a username: ")
        child.sendline("Zoot")
        child.expect_exact("Zoot\r\n")  # the terminal echoes what we type
        child.expect_exact("Your username is Zoot\r\n")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    finally:
        child.close(force=True)


@pytest.mark.listing("13.10")
def test_13_10_communicate_feeds_the_username():
    run = ok(run_listing("13.10", env=BUFFERED_CHILD))
    assert run.stdout == "b'Please enter a username: Your username is Zoot\\n'\nNone\n"


@pytest.mark.listing("13.11")
def test_13_11_piped_echo_until_quit():
    result, _ = run_piped("13.11", b"a\nb\nquit\nnever read\n")
    ok(result)
    assert result.stdout.decode() == f"{PROMPT}a\n{PROMPT}b\n{PROMPT}quit\n"


@pytest.mark.listing("13.11")
def test_13_11_typed_at_a_terminal():
    child = spawn("13.11")
    try:
        for text in ["hello", "two words", "quit"]:
            child.expect_exact(PROMPT)
            child.sendline(text)
            child.expect_exact(f"{text}\r\n{text}\r\n")  # the terminal's echo, then the program's
        child.expect(pexpect.EOF)
        assert child.before == ""
        child.close()
        assert child.exitstatus == 0
    finally:
        child.close(force=True)


@pytest.mark.listing("13.12")
def test_13_12_reads_one_chunk_per_answer_and_never_the_last():
    run = ok(run_listing("13.12", env=BUFFERED_CHILD))
    assert run.lines == [
        "b'Enter text to echo: '",
        "b'one\\nEnter text to echo: '",
        "b'two\\nEnter text to echo: '",
        "b'three\\nEnter text to echo: '",
        "b'four\\nEnter text to echo: '",
    ]
    took = run.timed_lines[-1][0] - run.timed_lines[0][0]
    assert_about(took, 0, late=2, what=f"the five exchanges took {took:.2f} s")


@pytest.mark.listing("13.12")
def test_13_12_with_an_unbuffered_child_one_read_is_not_one_answer():
    """An unbuffered child writes "one", "\\n" and the prompt separately, so a read may return
    part of an answer. What holds for every run: five reads, each of at least one byte, all of
    them in order a prefix of the child's whole output, the echo of "quit" never read."""
    transcript = PROMPT.encode() + b"".join(f"{word}\n{PROMPT}".encode()
                                            for word in ["one", "two", "three", "four"])
    run = ok(run_listing("13.12", env=UNBUFFERED_CHILD))
    chunks = bytes_lines(run)
    assert len(chunks) == 5 and all(chunks)
    assert chunks[0] == PROMPT.encode()  # nothing is typed before the first read
    assert transcript.startswith(b"".join(chunks))


@pytest.mark.listing("13.13")
def test_13_13_piped_echoes_each_line_up_to_nine_times():
    run = ok(run_listing("13.13", input="x\ny\nquit\n"))
    # (Run.stdout ends its last line with a newline even when it is the last prompt.)
    match = re.fullmatch(f"{PROMPT}((?:x\n)*){PROMPT}((?:y\n)*){PROMPT}((?:quit\n)*)\n?",
                         run.stdout)
    assert match, run.stdout
    counts = [match[i].count("\n") for i in (1, 2, 3)]
    assert all(0 <= count <= 9 for count in counts), counts
    # Each copy is printed after its own half-second sleep (no gap to measure when two or
    # fewer come back in all: one run in 250). A copy read late shortens the next gap: early
    # 0.1 s; a sleep of 0.75 s fails.
    copies = [when for when, line in run.timed_lines if line.endswith(("x", "y", "quit"))]
    gaps = [later - earlier for earlier, later in pairwise(copies)]
    if gaps:
        assert_about(min(gaps), 0.5, early=0.1, late=0.2, what=f"the shortest of {gaps}")


@pytest.mark.listing("13.13")
def test_13_13_typed_at_a_terminal_echoes_every_half_second():
    child = spawn("13.13")
    try:
        counts = []
        child.expect_exact(PROMPT)
        for text, ending in [("hello", PROMPT), ("quit", pexpect.EOF)]:
            sent = time.monotonic()
            child.sendline(text)
            child.expect_exact(f"{text}\r\n")  # the terminal echoes what we type
            echoes = 0
            while child.expect_exact([f"{text}\r\n", ending]) == 0:
                echoes += 1
                # copy n cannot come before n half-second sleeps; the gap between two reads
                # is no measure (a late reader gets two copies in one read)
                assert time.monotonic() - sent >= 0.5 * echoes, "copies half a second apart"
            counts.append(echoes)
        assert all(0 <= count <= 9 for count in counts), counts
        child.close()
        assert child.exitstatus == 0
    finally:
        child.close(force=True)


def assert_echo_transcript(chunks: list[bytes]) -> list[int]:
    """The chunks together are the child's whole output; returns how often each word came back."""
    words = ["one", "two", "three", "four", "quit"]
    pattern = re.escape(PROMPT) + "".join(
        f"((?:{word}\n)*)" + (re.escape(PROMPT) if word != "quit" else "") for word in words)
    output = b"".join(chunks).decode()
    match = re.fullmatch(pattern, output)
    assert match, output
    assert output.count(PROMPT) == 5
    counts = [match[i].count("\n") for i in range(1, 6)]
    assert all(0 <= count <= 9 for count in counts), counts
    return counts


@pytest.mark.listing("13.14")
def test_13_14_waits_for_each_prompt_and_prints_everything():
    """Both runs at once, the child block-buffered in one and unbuffered in the other."""
    with Listing("13.14", env=BUFFERED_CHILD) as buffered, \
            Listing("13.14", env=UNBUFFERED_CHILD) as unbuffered:
        runs = {"buffered": buffered.wait(60), "unbuffered": unbuffered.wait(60)}
    for kind, run in runs.items():
        ok(run)
        chunks = bytes_lines(run)
        counts = assert_echo_transcript(chunks)
        # From the first prompt to the last chunk: every copy's half second, one after another,
        # and little else (the five exchanges take no time of their own).
        span = run.timed_lines[-1][0] - run.timed_lines[0][0]
        assert_about(span - 0.5 * sum(counts), 0, late=0.5,
                     what=f"{kind}, {span:.2f} s beyond {counts} copies' half seconds")
        words = ["one", "two", "three", "four"]
        if kind == "buffered":
            # The child's output reaches the pipe only when input() prompts (and at exit).
            expected = [PROMPT.encode()] + [f"{word}\n".encode() * n + PROMPT.encode()
                                            for word, n in zip(words, counts, strict=False)]
            if counts[4]:
                expected.append(b"quit\n" * counts[4])
            assert chunks == expected
        else:
            # Every copy is written after a half-second sleep: each one starts a new chunk.
            least = 1 + sum(max(n, 1) for n in counts[:4]) + counts[4]
            assert len(chunks) >= least, (counts, chunks)


# The child 13.14 talks to (13.13), with a start-up shim (sitecustomize, which the listing's own
# interpreter loads too and ignores): input() works as the built-in does (prompt, flush, one
# line) but reads stdin a byte at a time, so nothing is read ahead, and first logs whether a
# line was already waiting before the prompt was shown; the child's sleeps are cut tenfold.
ORDER_SHIM = """\
import sys

if "chapter_13.listing_13_13" in sys.orig_argv:
    import builtins
    import os
    import select
    import time

    _sleep = time.sleep
    time.sleep = lambda seconds: _sleep(seconds / 10)

    def input(prompt=""):
        waiting = bool(select.select([0], [], [], 0)[0])
        with open(os.environ["CH13_INPUT_LOG"], "a", encoding="utf-8") as log:
            log.write("typed before the prompt\\n" if waiting else "waited for the prompt\\n")
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = b""
        while not line.endswith(b"\\n"):
            byte = os.read(0, 1)
            if not byte:
                raise EOFError("EOF when reading a line")
            line += byte
        return line.decode()[:-1]

    builtins.input = input
"""


@pytest.mark.listing("13.14")
@pytest.mark.parametrize("child", [BUFFERED_CHILD, UNBUFFERED_CHILD],
                         ids=["buffered", "unbuffered"])
def test_13_14_types_each_word_only_after_its_prompt(tmp_path, child):
    """Unbuffered, the child's echoes arrive as chunks of their own, before the prompt: the
    listing must not take them for it."""
    log = tmp_path / "input.log"
    env = child | startup_shim(tmp_path, ORDER_SHIM) | {"CH13_INPUT_LOG": str(log)}
    run = ok(run_listing("13.14", env=env, timeout=60))
    assert_echo_transcript(bytes_lines(run))
    assert log.read_text(encoding="utf-8").splitlines() == ["waited for the prompt"] * 5


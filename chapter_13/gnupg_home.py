"""A throwaway GnuPG home for listings 13.7 and 13.8 (not in the book).

The book's gpg commands use the reader's ~/.gnupg: a hundred gpg started at once there each try
to start the one gpg-agent and queue on the lock of its random_seed and keybox files ("gpg:
waiting for lock ..."), and the run leaves ~/.gnupg and a gpg-agent behind. Here GNUPGHOME
names a temporary folder for the run (inherited by every gpg the listing starts): its gpg.conf
says no random_seed file and no keyring (symmetric encryption needs neither), its agent is
started once beforehand and stopped afterwards, and the folder is removed.

Each `gpg -c` asks the agent for the passphrase-hashing count, which a fresh agent works out by
timing itself (about 1 s of CPU). Asked by 100 gpg at once, it did that for each of them, in
parallel: 20 texts cost the agent 5-20 s of CPU, and a run could end with the agent still busy
for a minute, deaf to SIGTERM. So the agent is asked once before the run, as a reader's
long-running agent was; after the run it is told to stop, which takes it 1-2 s, and is killed
if it has not exited within 5 s.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GPG_CONF = "no-random-seed-file\nno-keyring\n"
AGENT_EXIT_SECONDS = 5  # it takes 1-2 s, its next timer tick


def _gpgconf(home: str, action: str) -> None:
    if shutil.which("gpgconf"):
        subprocess.run(["gpgconf", "--homedir", home, action, "gpg-agent"],
                       capture_output=True, timeout=30, check=False)


def _start_agent(home: str) -> int | None:
    """Starts the agent, has it work out its hashing count, and returns its pid."""
    _gpgconf(home, "--launch")
    if not shutil.which("gpg-connect-agent"):
        return None
    answer = subprocess.run(
        ["gpg-connect-agent", "--homedir", home, "GETINFO pid", "GETINFO s2k_count", "/bye"],
        capture_output=True, text=True, timeout=60, check=False)
    data = [line[2:] for line in answer.stdout.splitlines() if line.startswith("D ")]
    return int(data[0]) if data and data[0].isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:  # gone (or, after the pid was reused, not ours)
        return False
    return True


def _stop_agent(home: str, pid: int | None) -> None:
    _gpgconf(home, "--kill")
    if pid is None:
        return
    deadline = time.monotonic() + AGENT_EXIT_SECONDS
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


@contextmanager
def throwaway_gnupg_home() -> Iterator[str]:
    """GNUPGHOME set to a fresh temporary folder (a short path: the agent's sockets live there)
    with its agent running and ready; afterwards the agent is stopped and the folder removed."""
    home = tempfile.mkdtemp(prefix="gpg13-")  # mode 0700, as gpg wants
    Path(home, "gpg.conf").write_text(GPG_CONF)
    previous = os.environ.get("GNUPGHOME")
    os.environ["GNUPGHOME"] = home
    agent = None
    try:
        agent = _start_agent(home)
        yield home
    finally:
        _stop_agent(home, agent)
        if previous is None:
            os.environ.pop("GNUPGHOME", None)
        else:
            os.environ["GNUPGHOME"] = previous
        shutil.rmtree(home, ignore_errors=True)

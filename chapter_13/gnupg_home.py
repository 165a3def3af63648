"""A throwaway GnuPG home for listings 13.7 and 13.8 (not in the book).

The book's gpg commands use the reader's ~/.gnupg: a hundred gpg started at once there each try
to start the one gpg-agent and queue on the lock of its random_seed and keybox files ("gpg:
waiting for lock ..."), and the run leaves ~/.gnupg and a gpg-agent behind. Here GNUPGHOME
names a temporary folder for the run (inherited by every gpg the listing starts): its gpg.conf
says no random_seed file and no keyring (symmetric encryption needs neither), its agent is
started once beforehand and stopped afterwards, and the folder is removed.
"""
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GPG_CONF = "no-random-seed-file\nno-keyring\n"


def _gpgconf(home: str, action: str) -> None:
    if shutil.which("gpgconf"):
        subprocess.run(["gpgconf", "--homedir", home, action, "gpg-agent"],
                       capture_output=True, timeout=30, check=False)


@contextmanager
def throwaway_gnupg_home() -> Iterator[str]:
    """GNUPGHOME set to a fresh temporary folder (a short path: the agent's sockets live there)
    with its agent running; afterwards the agent is stopped and the folder removed."""
    home = tempfile.mkdtemp(prefix="gpg13-")  # mode 0700, as gpg wants
    Path(home, "gpg.conf").write_text(GPG_CONF)
    previous = os.environ.get("GNUPGHOME")
    os.environ["GNUPGHOME"] = home
    try:
        _gpgconf(home, "--launch")
        yield home
    finally:
        _gpgconf(home, "--kill")
        if previous is None:
            os.environ.pop("GNUPGHOME", None)
        else:
            os.environ["GNUPGHOME"] = previous
        shutil.rmtree(home, ignore_errors=True)

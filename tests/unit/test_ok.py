"""ok(run), table by table: a run that exited with 0 is given back as it is; any other fails,
showing the reason given, the command, the exit code and the output, text or bytes."""
from __future__ import annotations

import subprocess

import pytest

from tests.support.processes import Run, ok

PASSED = [
    Run("out\n", "", 0, 0.5),
    subprocess.CompletedProcess(["python", "-c", "pass"], 0, "", ""),
    subprocess.CompletedProcess(["gpg", "-d"], 0, b"\x00bytes", b""),
    subprocess.CompletedProcess("ls -l", 0, None, None),
]


@pytest.mark.parametrize("run", PASSED)
def test_a_run_that_exited_with_0_is_given_back(run):
    assert ok(run) is run


@pytest.mark.parametrize(("run", "why", "message"), [
    (Run("out\n", "err\n", 1, 0.5), "",
     "exit 1 after 0.50 s\n--- stdout\nout\n--- stderr\nerr\n"),
    (subprocess.CompletedProcess(["python", "-m", "util", "run", "5.3"], 2, "out\n", "err\n"), "",
     "$ python -m util run 5.3\nexit 2\n--- stdout\nout\n--- stderr\nerr\n"),
    (subprocess.CompletedProcess(["gpg", "--passphrase", "a b"], 2, b"", b"gpg: \xff\n"), "",
     "$ gpg --passphrase 'a b'\nexit 2\n--- stdout\n--- stderr\ngpg: \ufffd\n"),
    (subprocess.CompletedProcess(["git", "check-ignore", "-q", "f"], 1, None, None),
     "the generated file must be git-ignored",
     "the generated file must be git-ignored\n$ git check-ignore -q f\nexit 1\n"
     "--- stdout\n(not captured)\n--- stderr\n(not captured)\n"),
    (subprocess.CompletedProcess("yes | head", -9, "y\n" * 6_000, ""), "",
     "$ yes | head\nexit -9\n--- stdout\n" + "y\n" * 5_000 + "--- stderr\n"),
])
def test_any_other_fails_showing_the_reason_command_and_output(run, why, message):
    with pytest.raises(AssertionError) as failure:
        ok(run, why)
    assert str(failure.value).split("\nassert ")[0] == message

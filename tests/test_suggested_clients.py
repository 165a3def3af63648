"""Every client command the READMEs and docstrings suggest works against its listing.

The book talks to its servers with telnet, which ends lines with CR LF; plain `nc` sends a bare
LF, which 3.2, 3.3 and the "boom" of 3.8 and 3.10 never see as a line end. The docs therefore
suggest `python -m util telnet [HOST] PORT` (util/tools/telnet.py) or `nc -C`; README.md says
once which client goes with which server (`--lf`, LF alone, for 8.13's chat, which would keep
telnet's CR in a name; `nc -N` with a file for 11.12's upload), and every server's docs follow
it. The commands are read out of the docs, so the test follows them: each one is run, as a
reader would, against each listing it is suggested for, and must get the listing's answer.
"""
from __future__ import annotations

import ast
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.support import free_port, listing_env
from util.settings import REPO
from util.tools import companions, listing_index
from util.tools.processes import Timeout, listening_ports, wait_until

COMMAND = re.compile(r"`(python -m util telnet(?: --lf)?(?: [\w.]+)? \d+|nc(?: -\w+)* [\w.]+ \d+"
                     r"(?: < \w+)?)`")
PLAIN_NC = re.compile(r"`nc (?:(?!-C|-N)[^`])*\d+`")  # nc with neither CR LF nor a file upload
BOOK_PORTS = {"8000": "SERVER_PORT", "9000": "SERVICE_PORT"}


@dataclass(frozen=True)
class Scenario:
    """What a reader types into the client, and what shows the listing answered: text the
    client prints (`client`) and text the listing prints (`server`), on stdout or stderr."""
    send: str = "hello\n"
    client: tuple[str, ...] = ()
    server: tuple[str, ...] = ()
    closes: bool | None = False  # the server closes the connection (None: it may)
    broken_since: tuple[int, int] | None = None  # the book's form no longer works (on purpose)


ECHO = Scenario(client=("hello",))
BOOM = Scenario(send="boom\n", server=("Unexpected network error",), closes=True)
SCENARIOS = {
    "3.1": Scenario(server=("I got a connection from",), closes=True),
    "3.2": Scenario(server=(r"All the data is: b'hello\r\n'",), closes=True),
    "3.3": ECHO,
    "3.7": ECHO,
    "3.8": ECHO,
    "3.8_unhandled_error": Scenario(send="boom\n", closes=None, server=(
        "Task exception was never retrieved", "Unexpected network error")),
    "3.8_logged_error": BOOM,
    "3.10": BOOM,
    "4.1": Scenario(send="test\n", server=(r"b'test\r\n'", "Closed connection"), closes=True),
    "7.1": ECHO,
    "8.12": Scenario(client=("Welcome! 1 user(s) are online!", "hello")),
    "8.13": Scenario(send="CONNECT alice\nhello\n",
                     client=("Welcome!", "\nalice connected!\n", "\nalice: hello\n")),
    "11.12": Scenario(server=(r"b'hello\n'",), closes=True),
    "14.2": Scenario(server=(r"Got message b'hello\r\n' from",), broken_since=(3, 13)),
    "14.2_fixed": Scenario(server=(r"Got message b'hello\r\n' from",)),
    "14.2_context": Scenario(server=(r"Got message b'hello\r\n' from",)),
    "14.4": Scenario(client=("hello",), closes=True),
    "14.4_fixed": Scenario(client=("hello",), closes=True),
    "14.4_loop_factory": Scenario(client=("hello",), closes=True),
    "14.10": Scenario(server=("Application finished!",), closes=True),
    "14.13": Scenario(server=(r"Got b'hello\r\n' from client!",)),
}
# A chapter introduction's commands hold for its servers on the port they name: some of them.
INTRO_APPLIES_TO = {"3.2": "8000", "3.3": "8000", "3.8": "8000", "3.10": "8000",
                    "14.4_fixed": "9000", "14.13": "8000"}
# ... but not its nc for a "boom": nc -C writes a line's text and its CR LF in two writes, and
# these compare a single read with b'boom\r\n' (chapter 3's introduction says so)
INTRO_NC_NOT_FOR = {"3.10"}


def _docstring(path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def _flat(text: str) -> str:
    return " ".join(text.split())


def _readme(chapter: int) -> tuple[str, dict[str, str]]:
    """A chapter README's text before its table, and each listing's row."""
    text = (REPO / f"chapter_{chapter:02d}" / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        if match := re.match(r"\|\s*\[([\w.]+)\]", line):
            rows[match[1]] = line
    return text.split("\n|", 1)[0], rows


def suggestions() -> dict[str, set[str]]:
    """Listing id -> the client commands its docstring, README row or chapter intro suggest."""
    found: dict[str, set[str]] = {}
    for info in listing_index.discover():
        chapter = int(info.id.split(".")[0])
        intro, rows = _readme(chapter)
        texts = [_flat(_docstring(info.path)), rows.get(info.id, "")]
        commands = {command for text in texts for command in COMMAND.findall(text)}
        if info.id in INTRO_APPLIES_TO:
            commands |= {command for command in COMMAND.findall(_flat(intro))
                         if command.split()[-1] == INTRO_APPLIES_TO[info.id]
                         and not (info.id in INTRO_NC_NOT_FOR and command.startswith("nc"))}
        if commands:
            found[info.id] = commands
    return found


def _docs_of_chapters(*chapters: int):
    yield REPO / "README.md", (REPO / "README.md").read_text(encoding="utf-8")
    for chapter in chapters:
        readme = REPO / f"chapter_{chapter:02d}" / "README.md"
        yield readme, readme.read_text(encoding="utf-8")
        for info in listing_index.discover(chapter):
            yield info.path, _docstring(info.path)


def test_no_doc_suggests_a_client_that_sends_a_bare_lf_to_a_server_waiting_for_cr_lf():
    """The servers of chapters 3 and 4 end a line at CR LF, and `nc HOST PORT` ends lines with LF
    alone: their docs say util's telnet, which sends CR LF on every OS, or `nc -C`. (Chapter
    8's chat server wants LF alone: `util telnet --lf` or plain `nc`, both run below.)"""
    offenders = [f"{path.relative_to(REPO)}: {match}" for path, text in _docs_of_chapters(3, 4)
                 for match in PLAIN_NC.findall(_flat(text))]
    assert not [path for path, text in _docs_of_chapters(3, 4) if "`nc 127.0.0.1 8000`" in text]
    assert offenders == []


UPLOADS = {"11.12": "nc -N 127.0.0.1 9000 < somefile"}  # a file, not typed lines


def test_readme_says_once_which_client_each_server_takes_and_the_docs_follow_it():
    """README.md: util telnet for the book's socket servers, with --lf for the ones it names,
    nc -N with a file for an upload. Every line server's docs suggest util telnet as it says, so
    the test below runs util telnet, as the README has it, against each of them."""
    readme = _flat((REPO / "README.md").read_text(encoding="utf-8"))
    lf = set(re.findall(r"(\d+\.\d+)'s chat server, which would keep telnet's CR", readme))
    assert lf == {"8.13"}, "the servers README.md sends `util telnet --lf` to"
    found = suggestions()
    for listing, command in UPLOADS.items():
        assert f"`{command}`" in readme and found[listing] == {command}
    for listing in set(SCENARIOS) - set(UPLOADS):
        telnets = {command for command in found[listing]
                   if command.startswith("python -m util telnet")}
        assert telnets, f"{listing}: its docs suggest no `python -m util telnet`"
        assert all(("--lf" in command) == (listing in lf) for command in telnets), telnets


def test_every_suggested_command_has_a_scenario_here():
    found = suggestions()
    assert set(found) == set(SCENARIOS), "a scenario per listing whose docs suggest a client"
    assert any("python -m util telnet" in c for commands in found.values() for c in commands)


def test_no_doc_suggests_nc_for_a_boom():
    """A "boom" sent by `nc -C` may reach the server as `boom` and then CR LF, in two reads:
    3.8's variants and 3.10 compare one read with b'boom\\r\\n', so they would echo it."""
    found = suggestions()
    booms = [listing for listing, scenario in SCENARIOS.items() if scenario.send == "boom\n"]
    assert booms and all(not command.startswith("nc") for listing in booms
                         for command in found[listing])
    assert "writes it apart from the line's text" in _flat(_readme(3)[0])


CASES = sorted((listing, command) for listing, commands in suggestions().items()
               for command in commands)


@pytest.mark.parametrize(("listing", "command"), CASES, ids=[f"{lid}: {cmd}" for lid, cmd in CASES])
def test_the_suggested_client_talks_to_its_listing(listing, command, tmp_path):
    if command.startswith("nc") and shutil.which("nc") is None:
        pytest.skip("nc is not installed: apt-get install netcat-openbsd")
    scenario = SCENARIOS[listing]
    if listing in companions.COMPANIONS and companions.refusal(listing):
        pytest.skip(companions.refusal(listing))  # a companion of a newer Python
    if scenario.broken_since and sys.version_info >= scenario.broken_since:
        pytest.skip(f"the book's {listing} disconnects every client from Python "
                    f"{'.'.join(map(str, scenario.broken_since))} on (its docstring says why; "
                    f"tests/test_chapter_14.py pins it)")
    ports = {book: free_port() for book in BOOK_PORTS}
    env = listing_env({variable: str(ports[book]) for book, variable in BOOK_PORTS.items()})
    words = command.split()
    port_word = next(i for i, word in enumerate(words) if word in BOOK_PORTS)
    words[port_word] = str(ports[words[port_word]])
    stdin_text = scenario.send
    if "<" in words:  # an upload: the file's content is what the reader sends
        upload = tmp_path / words[-1]
        upload.write_text(scenario.send)
        words = words[:words.index("<")]
        stdin_text = upload.read_text()
    if words[0] == "python":
        words[0] = sys.executable
    server = subprocess.Popen([sys.executable, "-u", "-m", listing_index.find(listing).module],
                              cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True)
    client = None
    try:
        port = ports[command.split()[port_word]]
        wait_until(lambda: port in listening_ports(server.pid), 20, f"{listing} listens",
                   interval=0.05, give_up=lambda: server.poll() is not None)
        client = subprocess.Popen(words, cwd=tmp_path, env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  start_new_session=True)
        client.stdin.write(stdin_text.encode())
        client.stdin.close()
        client.stdin = None  # communicate() must not flush it again
        if words[0] == sys.executable:  # util's telnet ends by itself after the end of input
            client.wait(15)
            assert client.returncode == 0, client.stderr.read().decode(errors="replace")
        else:  # nc keeps the connection until the server closes it: give it time, then stop it
            _wait_for_client(client, timeout=10 if scenario.closes else 3)  # 3 s to see it stay
            if scenario.closes is not None:
                assert (client.poll() is not None) == scenario.closes, "nc ends when it closes"
    finally:
        said = _stop(client) if client else ("", "")
        heard = _stop(server)[0]
    client_out = said[0] + said[1]
    for text in scenario.client:
        assert text in client_out, f"client:\n{client_out}\nserver:\n{heard}"
    for text in scenario.server:
        assert text in heard, f"server:\n{heard}\nclient:\n{client_out}"
    if words[0] == sys.executable:
        assert "Traceback" not in said[1]
        last = said[1].strip().splitlines()[-1]
        if scenario.closes is not None:
            assert last == ("Connection closed by foreign host." if scenario.closes
                            else "Connection closed."), said[1]
        assert last.startswith("Connection closed")


def _wait_for_client(client: subprocess.Popen, timeout: float) -> None:
    """Give the client up to `timeout` seconds to end by itself (it may not)."""
    with contextlib.suppress(Timeout):
        wait_until(lambda: client.poll() is not None, timeout, "the client ends", interval=0.1)


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    """SIGINT, then SIGKILL to its group if it does not exit; what it printed."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    out, err = process.communicate(timeout=10)
    return (out or b"").decode(errors="replace"), (err or b"").decode(errors="replace")


def test_util_telnet_at_a_terminal_echoes_lines_and_stops_at_ctrl_c():
    import pexpect

    server = subprocess.Popen([sys.executable, "-u", "-m", "chapter_03.listing_3_8"], cwd=REPO,
                              env=listing_env({"SERVER_PORT": str(port := free_port())}),
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: port in listening_ports(server.pid), 20, "3.8 listens",
                   give_up=lambda: server.poll() is not None)
        client = pexpect.spawn(sys.executable, ["-m", "util", "telnet", str(port)], cwd=str(REPO),
                               env=listing_env(), encoding="utf-8", timeout=10)
        client.expect("Connected to 127.0.0.1")
        client.sendline("hello there")
        client.expect("hello there\r\n.*hello there")  # the terminal's echo, then the server's
        client.sendintr()
        client.expect("Connection closed.")
        client.expect(pexpect.EOF)
        client.close()
        assert client.exitstatus == 130
        assert "Traceback" not in client.before
    finally:
        _stop(server)


def test_util_telnet_says_in_one_line_when_nothing_listens():
    result = subprocess.run([sys.executable, "-m", "util", "telnet", str(free_port())], cwd=REPO,
                            env=listing_env(), input="", capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "connection refused" in result.stderr


def test_util_telnet_reset_while_connecting_is_the_server_closing(monkeypatch, capsys):
    """14.10 accepts nothing and exits once a connection is queued: the handshake completes, then
    a reset. If it lands before connect() reads the socket's status (its timeout makes connect
    poll), the reset is the server closing, as it is when it lands a moment later, not a failure
    to connect."""
    from util.tools import telnet

    def reset_after_handshake(address, timeout):
        raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(telnet.socket, "create_connection", reset_after_handshake)
    assert telnet.talk("127.0.0.1", 8000) == 0
    assert capsys.readouterr().err == "Connection closed by foreign host.\n"

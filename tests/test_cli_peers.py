"""A peer that already runs is used, not started again: a second `util run 8.14` in another
terminal chats through the server the first one started, and leaves that server's log alone;
after the client, util says where the server's output is (the client's screen wiped the line
that said so)."""
import re
import sys

import psutil
import pytest

from tests.support import free_port
from tests.support.terminal import Terminal

ENTER = "\r"
pytestmark = pytest.mark.skipif(
    sys.version_info[:3] in ((3, 12, 0), (3, 12, 1)),
    reason="tty.setcbreak on 3.12.0/3.12.1 turns Enter into CR: use Python 3.12.2+")


def log_in(terminal: Terminal, username: str) -> None:
    terminal.wait_for_row(terminal.screen.rows, "Enter username:", timeout=30)
    terminal.type(username + ENTER)


def chat_servers(terminal: Terminal) -> list[psutil.Process]:
    return [process for process in psutil.Process(terminal.child.pid).children()
            if "chapter_08.listing_8_13" in process.cmdline()]


def test_a_second_chat_client_uses_the_server_the_first_started(tmp_path):
    env = {"SERVER_HOST": "127.0.0.1", "SERVICE_PORT": str(free_port()),
           "ASYNCIO_DATA_DIR": str(tmp_path)}
    log = tmp_path / "listing_8_13.log"
    command = ("-m", "util", "run", "8.14")
    with Terminal("8.14", 8, 60, env, args=command) as alice:
        log_in(alice, "alice")
        alice.wait_for_row(2, "alice connected!")
        [server] = chat_servers(alice)
        with Terminal("8.14", 8, 60, env, args=command) as bob:
            log_in(bob, "bob")
            bob.wait_for_row(2, "bob connected!")
            assert re.search(r"\[util\] listing 8\.13 \(.*\) already runs on port "
                             rf"{env['SERVICE_PORT']} \(pid {server.pid}\): using it", bob.raw)
            assert chat_servers(bob) == [], "not started again"
            alice.wait_for_row(3, "bob connected!")
            bob.type("hello alice" + ENTER)
            alice.wait_for_row(4, "bob: hello alice")
            bob.child.sendintr()
            bob.wait_exit()
            assert f"[util] the output of listing 8.13 is in {log}" in bob.raw
        assert server.is_running(), "the second client leaves the first one's server running"
        assert log.read_text().count("CONNECTED") == 2, "its log was not truncated"
        alice.type("still there" + ENTER)
        alice.wait_for_row(6, "alice: still there")
        alice.child.sendintr()
        alice.wait_exit()
        assert f"[util] the output of listing 8.13 is in {log}" in alice.raw
        server.wait(10)

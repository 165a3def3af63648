"""What `python -m util run` sets up for a listing from its `Needs:` line (RunEnvironment)."""
import subprocess
import sys

import pytest

from tests.support import REPO, free_port, listing_env, ok
from util.tools.listing_index import Need
from util.tools.processes import port_open
from util.tools.run_environment import RunEnvironment, ServiceError


def test_an_unknown_need_is_a_clear_error_naming_it_and_the_known_ones():
    with pytest.raises(ServiceError) as error:
        RunEnvironment((Need("postgress", ()),), "chapter_05.listing_5_1")
    message = str(error.value)
    assert "chapter_05.listing_5_1 needs postgress, which util does not know" in message
    known = message.partition("(known needs: ")[2].rstrip(")").split(", ")
    assert {"example-site", "postgres", "peer", "data", "microservices", "tty",
            "display"} <= set(known), message


PEER_PROBE = """
import socket, sys
from util import settings
from util.tools.listing_index import Need
from util.tools.run_environment import RunEnvironment

with RunEnvironment((Need("peer", ("3.8",)),), "probe", announce=print):
    with socket.create_connection((settings.SERVER_HOST, settings.SERVER_PORT)) as client:
        client.sendall(b"ping\\r\\n")
        print(client.recv(1024))
"""


def test_a_peer_listing_is_started_until_it_listens_and_stopped_after(tmp_path):
    port = free_port()
    env = listing_env({"SERVER_PORT": str(port), "ASYNCIO_DATA_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", PEER_PROBE], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    ok(result)
    assert result.stdout.splitlines() == [
        "[util] started listing 3.8 (Building an asyncio echo server); its output goes to "
        f"{tmp_path}/listing_3_8.log", "b'ping\\r\\n'"]
    assert not port_open("127.0.0.1", port)
    assert "Got a connection from" in (tmp_path / "listing_3_8.log").read_text()

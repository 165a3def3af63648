"""`services up` remembers what it started and where, so `down` stops all of it: a second `up`
with another EXAMPLE_PORT starts a second stand-in, and `down` stops both and the embedded
Postgres; `status` shows every address."""
import json
from pathlib import Path

from tests import test_cli
from tests.support import free_port, ok, wait_until
from tests.test_cli import cli
from util.tools.embedded_postgres import EmbeddedPostgres
from util.tools.processes import port_open

cli_env = test_cli.cli_env  # the CLI tests' fixture: free ports and a data folder of its own


def test_a_second_services_up_on_another_port_is_remembered_and_stopped_by_down(cli_env):
    first_port, second_port = int(cli_env["EXAMPLE_PORT"]), free_port()
    second_env = cli_env | {"EXAMPLE_PORT": str(second_port)}
    data_dir = Path(cli_env["ASYNCIO_DATA_DIR"]) / "postgres"
    server = EmbeddedPostgres(port=int(cli_env["PGPORT"]), data_dir=data_dir)
    try:
        ok(cli("services", "up", env=cli_env, timeout=240))
        second = ok(cli("services", "up", env=second_env, timeout=120))
        assert (f"example.com stand-in: started on http://127.0.0.1:{second_port}"
                in second.stdout)
        assert f"postgres: already listening on 127.0.0.1:{server.port}" in second.stdout
        assert port_open("127.0.0.1", first_port) and port_open("127.0.0.1", second_port)

        state = json.loads((Path(cli_env["ASYNCIO_DATA_DIR"]) / "services.json").read_text())
        assert [(site["host"], site["port"]) for site in state["example_sites"]] == [
            ("127.0.0.1", first_port), ("127.0.0.1", second_port)]
        assert all(isinstance(site["pid"], int) for site in state["example_sites"])
        assert state["embedded_postgres"] == [
            {"data_dir": str(data_dir), "host": "127.0.0.1", "port": server.port}]

        status = cli("services", "status", env=second_env)
        assert status.lines == [
            f"example.com stand-in (http://127.0.0.1:{second_port}): answering",
            f"example.com stand-in (http://127.0.0.1:{first_port}): answering",
            f"postgres (127.0.0.1:{server.port}): the embedded server listening"]

        down = ok(cli("services", "down", env=second_env, timeout=60))
        assert down.lines == [
            f"example.com stand-in: stopped on http://127.0.0.1:{first_port} "
            f"(pid {state['example_sites'][0]['pid']})",
            f"example.com stand-in: stopped on http://127.0.0.1:{second_port} "
            f"(pid {state['example_sites'][1]['pid']})",
            f"postgres: stopped the embedded server on 127.0.0.1:{server.port}"]
        wait_until(lambda: not port_open("127.0.0.1", first_port), 5, "the first stand-in stops")
        assert not port_open("127.0.0.1", second_port)
        assert not server.listening()
        again = cli("services", "down", env=cli_env)
        assert again.lines == ["example.com stand-in: not started by `services up`",
                               "postgres: the embedded server is not running"]
    finally:
        cli("services", "down", env=cli_env, timeout=60)
        server.stop()

"""The unit tier's promise, kept: every test here is marked `unit`; one that asks for a fixture
of tests/conftest.py (Postgres, the stand-in) stops the run at collection, and one that starts
a program or opens a connection fails at once."""
import os
import socket
import subprocess

import pytest


def pytest_itemcollected(item):
    """Called for the tests of this folder only."""
    item.add_marker("unit")
    services = sorted(name for name, defs in item._fixtureinfo.name2fixturedefs.items()
                      if defs[-1].baseid == "tests")
    if services:
        raise pytest.UsageError(f"{item.nodeid} uses {', '.join(services)}: a unit test starts "
                                "no service (move it out of tests/unit)")


@pytest.fixture(autouse=True)
def no_process_and_no_network(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("a unit test starts no process and opens no socket: "
                             "this test belongs outside tests/unit")

    monkeypatch.setattr(subprocess.Popen, "__init__", refused)
    monkeypatch.setattr(os, "fork", refused)
    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket.socket, "bind", refused)

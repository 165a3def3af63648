"""util.settings.read(environ), table by table: the book's defaults, each override, and a bad
port as one clear line (the subprocess-level checks are in tests/test_settings.py)."""
from __future__ import annotations

import pytest

from util.settings import REPO, read


@pytest.mark.parametrize(("environ", "field", "value"), [
    ({}, "EXAMPLE_URL", "http://127.0.0.1:8765"),
    ({}, "SERVER_PORT", 8000),
    ({}, "POSTGRES_USER", "postgres"),
    ({}, "DATA_DIR", REPO / ".data"),
    ({"EXAMPLE_PORT": "9999"}, "EXAMPLE_URL", "http://127.0.0.1:9999"),  # follows the stand-in
    ({"EXAMPLE_HOST": "10.0.0.1"}, "EXAMPLE_URL", "http://10.0.0.1:8765"),
    ({"EXAMPLE_URL": "https://www.example.com/"}, "EXAMPLE_URL", "https://www.example.com"),
    ({"EXAMPLE_URL": "https://www.example.com", "EXAMPLE_PORT": "1"}, "EXAMPLE_URL",
     "https://www.example.com"),  # a URL given wins
    ({"SERVER_PORT": "18000"}, "SERVER_PORT", 18000),
    ({"PGPORT": "65535"}, "POSTGRES_PORT", 65535),
    ({"PGHOST": "db"}, "POSTGRES_HOST", "db"),
    ({"PRODUCTS_DB": "mine"}, "PRODUCTS_DB", "mine"),
    ({"PRODUCTS_DB": ""}, "PRODUCTS_DB", "products"),  # empty: the default
    ({"ASYNCIO_DATA_DIR": "/tmp/d"}, "DATA_DIR", REPO / "/tmp/d"),
    ({"NGRAM_FILE": "ngrams.txt"}, "NGRAM_FILE", REPO / "ngrams.txt"),
])
def test_a_setting_read_from_an_environment(environ, field, value):
    assert getattr(read(environ), field) == value


@pytest.mark.parametrize(("variable", "value"), [
    ("SERVER_PORT", "eighty"), ("WEB_PORT", "0"), ("PGPORT", "65536"), ("CART_PORT", "-1"),
    ("FLASK_PORT", "８０"), ("SERVICE_PORT", " 9000"),
])
def test_a_bad_port_is_one_clear_line(variable, value):
    with pytest.raises(SystemExit) as raised:
        read({variable: value})
    assert str(raised.value) == f"{variable}={value!r} is not a port number"

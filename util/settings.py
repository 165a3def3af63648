"""Every address the listings use: the book's value by default, an environment variable to override.

`ADDRESSES` is the table a reader sees (README.md's "Addresses" is checked against it). The values
are read once, when this module is imported: set the variables before starting Python.
`read(environ)` gives the same values for another environment without touching this module.
"""
import os
from collections import namedtuple  # not dataclasses: `util run` starts faster without them
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent  # the repository root

# variables: tuple[str, ...]; default: their values, comma-separated; used_for: a phrase
Address = namedtuple("Address", "variables default used_for")

ADDRESSES = (
    Address(("EXAMPLE_URL",), "http://127.0.0.1:8765",
            "the www.example.com stand-in the listings fetch"),
    Address(("EXAMPLE_HOST", "EXAMPLE_PORT"), "127.0.0.1, 8765",
            "where the stand-in listens (`python -m util.tools.example_site_server`)"),
    Address(("SERVER_HOST", "SERVER_PORT"), "127.0.0.1, 8000",
            "the book's socket servers (ch. 3, 4, 7, 8, 14), its WSGI, ASGI, Starlette and Django "
            "apps (ch. 9), the product service (ch. 10)"),
    Address(("WEB_PORT",), "8080", "the aiohttp apps (ch. 9, 12) and the page of 9.10"),
    Address(("INVENTORY_PORT", "FAVORITES_PORT", "CART_PORT"), "8001, 8002, 8003",
            "the inventory, favorites and cart services (ch. 10)"),
    Address(("SERVICE_PORT",), "9000",
            "chat (ch. 8), backend-for-frontend (ch. 10), the file server (ch. 11), socket "
            "servers (ch. 14)"),
    Address(("FLASK_PORT",), "5000", "the Flask comparison (ch. 9)"),
    Address(("PGHOST", "PGPORT"), "127.0.0.1, 5432", "Postgres"),
    Address(("PGUSER", "PGPASSWORD"), "postgres, password", "Postgres credentials"),
    Address(("PRODUCTS_DB", "CART_DB", "FAVORITES_DB"), "products, cart, favorites",
            "the book's databases (tests use throwaway ones)"),
    Address(("NGRAM_FILE",), "chapter_06/googlebooks-eng-all-1gram-20120701-a",
            "the Google Books Ngram file of chapter 6 (`python -m chapter_06.make_data`)"),
    Address(("ASYNCIO_DATA_DIR",), ".data",
            "the embedded Postgres's data, services' state and logs"),
)


# the values read: ports are ints, NGRAM_FILE and DATA_DIR Paths, the rest strings
Settings = namedtuple("Settings", [
    "EXAMPLE_HOST", "EXAMPLE_PORT", "EXAMPLE_URL", "SERVER_HOST", "SERVER_PORT", "WEB_PORT",
    "INVENTORY_PORT", "FAVORITES_PORT", "CART_PORT", "SERVICE_PORT", "FLASK_PORT",
    "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "PRODUCTS_DB",
    "CART_DB", "FAVORITES_DB", "NGRAM_FILE", "DATA_DIR"
])


def _defaults() -> dict[str, str]:
    """Each variable's default, from ADDRESSES (paths relative to the repository root)."""
    values = {}
    for address in ADDRESSES:
        defaults = [part.strip() for part in address.default.split(",")]
        values |= dict(zip(address.variables, defaults, strict=True))
    return values


def read(environ=os.environ) -> Settings:
    """The settings for `environ`; a bad port is one clear line (SystemExit)."""
    defaults = _defaults()

    def text(name: str) -> str:
        return environ.get(name) or defaults[name]

    def port(name: str) -> int:
        value = text(name)
        if not (value.isascii() and value.isdigit() and 0 < int(value) < 65536):
            raise SystemExit(f"{name}={value!r} is not a port number")
        return int(value)

    example_host, example_port = text("EXAMPLE_HOST"), port("EXAMPLE_PORT")
    local_url = f"http://{example_host}:{example_port}"
    example_url = environ.get("EXAMPLE_URL") or local_url
    return Settings(
        EXAMPLE_HOST=example_host, EXAMPLE_PORT=example_port, EXAMPLE_URL=example_url.rstrip("/"),
        SERVER_HOST=text("SERVER_HOST"), SERVER_PORT=port("SERVER_PORT"),
        WEB_PORT=port("WEB_PORT"), INVENTORY_PORT=port("INVENTORY_PORT"),
        FAVORITES_PORT=port("FAVORITES_PORT"), CART_PORT=port("CART_PORT"),
        SERVICE_PORT=port("SERVICE_PORT"), FLASK_PORT=port("FLASK_PORT"),
        POSTGRES_HOST=text("PGHOST"), POSTGRES_PORT=port("PGPORT"),
        POSTGRES_USER=text("PGUSER"), POSTGRES_PASSWORD=text("PGPASSWORD"),
        PRODUCTS_DB=text("PRODUCTS_DB"), CART_DB=text("CART_DB"),
        FAVORITES_DB=text("FAVORITES_DB"),
        NGRAM_FILE=REPO / text("NGRAM_FILE"), DATA_DIR=REPO / text("ASYNCIO_DATA_DIR"),
    )


_current = read()
EXAMPLE_HOST = _current.EXAMPLE_HOST
EXAMPLE_PORT = _current.EXAMPLE_PORT
EXAMPLE_URL = _current.EXAMPLE_URL
SERVER_HOST = _current.SERVER_HOST
SERVER_PORT = _current.SERVER_PORT
WEB_PORT = _current.WEB_PORT
INVENTORY_PORT = _current.INVENTORY_PORT
FAVORITES_PORT = _current.FAVORITES_PORT
CART_PORT = _current.CART_PORT
SERVICE_PORT = _current.SERVICE_PORT
FLASK_PORT = _current.FLASK_PORT
POSTGRES_HOST = _current.POSTGRES_HOST
POSTGRES_PORT = _current.POSTGRES_PORT
POSTGRES_USER = _current.POSTGRES_USER
POSTGRES_PASSWORD = _current.POSTGRES_PASSWORD
PRODUCTS_DB = _current.PRODUCTS_DB
CART_DB = _current.CART_DB
FAVORITES_DB = _current.FAVORITES_DB
NGRAM_FILE = _current.NGRAM_FILE
DATA_DIR = _current.DATA_DIR


def example_url(path: str = "") -> str:
    """The stand-in's URL with `path` appended, e.g. example_url("/?delay=2")."""
    return EXAMPLE_URL + path

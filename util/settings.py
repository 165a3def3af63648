"""Every address the listings use: the book's value by default, an environment variable to override.

    EXAMPLE_URL          http://127.0.0.1:8765  the www.example.com stand-in the listings fetch
    EXAMPLE_HOST, _PORT  127.0.0.1, 8765        where `python -m util.example_site` listens
    SERVER_HOST          127.0.0.1              the book's socket and HTTP servers
    SERVER_PORT          8000                   echo servers (ch. 3, 4, 8), product service (ch. 10)
    WEB_PORT             8080                   aiohttp and Starlette apps (ch. 9, 12)
    INVENTORY_PORT       8001                   inventory service (ch. 10)
    FAVORITES_PORT       8002                   favorites service (ch. 10)
    CART_PORT            8003                   cart service (ch. 10)
    SERVICE_PORT         9000                   chat (ch. 8), BFF (ch. 10), file server (ch. 11, 14)
    FLASK_PORT           5000                   the Flask comparison (ch. 9)
    PGHOST, PGPORT       127.0.0.1, 5432        Postgres
    PGUSER, PGPASSWORD   postgres, password     Postgres credentials
    PRODUCTS_DB          products               the book's databases (tests use throwaway ones)
    CART_DB, FAVORITES_DB  cart, favorites
    ASYNCIO_DATA_DIR     <repository>/.data     the embedded Postgres's data, services' state

The values are read once, when this module is imported: set the variables before starting Python.
"""
import os
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _port(name: str, default: int) -> int:
    value = _env(name, str(default))
    try:
        port = int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a port number") from None
    if not 0 < port < 65536:
        raise SystemExit(f"{name}={value!r} is not a port number")
    return port


EXAMPLE_HOST = _env("EXAMPLE_HOST", "127.0.0.1")
EXAMPLE_PORT = _port("EXAMPLE_PORT", 8765)
EXAMPLE_URL = _env("EXAMPLE_URL", f"http://{EXAMPLE_HOST}:{EXAMPLE_PORT}").rstrip("/")

SERVER_HOST = _env("SERVER_HOST", "127.0.0.1")
SERVER_PORT = _port("SERVER_PORT", 8000)
WEB_PORT = _port("WEB_PORT", 8080)
INVENTORY_PORT = _port("INVENTORY_PORT", 8001)
FAVORITES_PORT = _port("FAVORITES_PORT", 8002)
CART_PORT = _port("CART_PORT", 8003)
SERVICE_PORT = _port("SERVICE_PORT", 9000)
FLASK_PORT = _port("FLASK_PORT", 5000)

POSTGRES_HOST = _env("PGHOST", "127.0.0.1")
POSTGRES_PORT = _port("PGPORT", 5432)
POSTGRES_USER = _env("PGUSER", "postgres")
POSTGRES_PASSWORD = _env("PGPASSWORD", "password")
PRODUCTS_DB = _env("PRODUCTS_DB", "products")
CART_DB = _env("CART_DB", "cart")
FAVORITES_DB = _env("FAVORITES_DB", "favorites")

DATA_DIR = Path(_env("ASYNCIO_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data")))


def example_url(path: str = "") -> str:
    """The stand-in's URL with `path` appended, e.g. example_url("/?delay=2")."""
    return EXAMPLE_URL + path

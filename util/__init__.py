"""The book's util package: `from util import async_timed, delay`, plus the project's support
modules (settings, the example.com stand-in, Postgres provisioning, the listing index, the CLI)."""
from util.async_timer import async_timed
from util.delay_functions import delay

__all__ = ["async_timed", "delay"]

"""The book's util package: `from util import async_timed, delay`, and `util.settings`.

The project's own tooling (the command line, the example.com stand-in, Postgres) is in
util.tools, one job per module. The book's two helpers are imported when first asked for, so
`python -m util` does not pay for asyncio.
"""

__all__ = ["async_timed", "delay"]


def __getattr__(name: str):
    if name == "async_timed":
        from util.async_timer import async_timed

        return async_timed
    if name == "delay":
        from util.delay_functions import delay

        return delay
    raise AttributeError(f"module 'util' has no attribute {name!r}")

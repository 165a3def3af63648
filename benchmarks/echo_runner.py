"""`python -m benchmarks.echo_runner MODULE default|uvloop`: run a listing's main() (an echo
server on SERVER_PORT) on the default event loop or on uvloop's, output thrown away."""
from __future__ import annotations

import asyncio
import importlib
import os
import sys

if __name__ == "__main__":
    module = importlib.import_module(sys.argv[1])
    factory = None
    if sys.argv[2] == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    sys.stdout = open(os.devnull, "w")  # 3.8 prints a line per connection
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(module.main())

"""`python -m util`: the command line (util.tools.cli)."""
import sys

from util.tools.cli import main

sys.exit(main())

"""python -m tests.mutation [--list] [--chapter N] [--only ID] [--timeout S] [--save FILE]"""
import sys

from tests.mutation.runner import main

sys.exit(main())

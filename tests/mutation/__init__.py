"""The mutation check: small, realistic mistakes in the listings, each run against the tests
marked with its listing, to show the tests catch them.

`python -m tests.mutation` (`--list`, `--chapter N`, `--only ID`) applies each mutant of
`tests.mutation.table` in a scratch copy of the repository (never the working tree), runs
`pytest tests --listing N.M` there, and prints killed or survived. Not part of `pytest`:
CONTRIBUTING.md says when to run it.
"""

"""Each fact stated in more than one place is read from its one place or checked against it
here: the trace's default bound, the book's database names, the benchmarks' names (the
mutation timeout and the companions' versions are read from theirs)."""
from __future__ import annotations

import ast
import re

import pytest

from benchmarks import MODULES, ORDER, POSTGRES, comparison_module
from util.settings import REPO
from util.tools import cli, trace
from util.tools.book_databases import BOOK_DATABASES

README = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())


def test_readme_states_the_trace_default_bound():
    stated = re.search(r"Runs stop after (\d+) s \(`--seconds S` changes it\)", README)
    assert stated and float(stated[1]) == trace.DEFAULT_SECONDS


def test_trace_docstring_states_the_default_bound():
    assert f"(`--seconds`, {trace.DEFAULT_SECONDS:g} by default)" in trace.__doc__


def test_util_trace_help_states_the_default_bound(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["trace", "--help"])
    helped = " ".join(capsys.readouterr().out.split())
    assert re.search(r"--seconds \S+ stop the listing after this long \((\d+)\)", helped)[1] \
        == f"{trace.DEFAULT_SECONDS:g}"


def test_cli_database_names_are_the_book_databases():
    """cli keeps the names for its parser without importing asyncpg (util list starts fast)."""
    assert cli.DATABASE_NAMES == tuple(BOOK_DATABASES)


@pytest.mark.parametrize("name", ORDER)
def test_each_benchmark_module_names_itself_as_the_package_does(name):
    assert comparison_module(name).NAME == name
    assert comparison_module(name).__name__ == f"benchmarks.{MODULES[name]}"


def test_the_package_docstring_lists_the_benchmarks_in_order():
    source = (REPO / "benchmarks" / "__init__.py").read_text(encoding="utf-8")
    # the docstring as written: Python 3.13+ strips its indentation from __doc__
    docstring = ast.get_docstring(ast.parse(source), clean=False)
    assert tuple(re.findall(r"^    (\w+)  ", docstring, re.MULTILINE)) == ORDER


def test_readme_names_every_benchmark():
    section = README.split("## Benchmarks", 1)[1].split("## ", 1)[0]
    assert [name for name in ORDER if f"(`{name}`" not in section] == []


def test_the_comparisons_that_need_postgres_are_those_that_ask_for_it():
    """`--python` starts Postgres once for its children when one of POSTGRES runs."""
    asking = [name for name in ORDER
              if "services.postgres" in (REPO / "benchmarks" / f"{MODULES[name]}.py").read_text(
                  encoding="utf-8")]
    assert tuple(asking) == POSTGRES

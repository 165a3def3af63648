"""The maps of the project's modules stay whole: CONTRIBUTING.md gives every module of util/tools
and tests/support one line, and util/tools/__init__.py's map names every module of util/tools."""
from __future__ import annotations

import ast
import re

import pytest

from util.settings import REPO

CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def modules(folder: str) -> set[str]:
    return {path.stem for path in (REPO / folder).glob("*.py")} - {"__init__", "__main__"}


def listed(heading: str) -> list[str]:
    """The module names of the `- \\`name\\`: what it does` lines under CONTRIBUTING's
    `heading`: line."""
    block = CONTRIBUTING.split(f"\n`{heading}`:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^- `(\w+)`: \S", block, re.MULTILINE)


@pytest.mark.parametrize("folder", ["util/tools/", "tests/support/"])
def test_contributing_lists_every_module_once(folder):
    names = listed(folder)
    assert len(names) == len(set(names)), f"a module listed twice under {folder}"
    assert set(names) == modules(folder), (
        f"CONTRIBUTING.md's `{folder}` list: add a line for "
        f"{sorted(modules(folder) - set(names))}, drop {sorted(set(names) - modules(folder))}")


def test_util_tools_map_names_every_module():
    source = (REPO / "util" / "tools" / "__init__.py").read_text(encoding="utf-8")
    # the docstring as written: Python 3.13+ strips its indentation from __doc__
    docstring = ast.get_docstring(ast.parse(source), clean=False)
    mapped = re.findall(r"^    (\w+) ", docstring, re.MULTILINE)
    assert set(mapped) - {"settings"} == modules("util/tools"), (
        "util/tools/__init__.py's map: add or drop a line for "
        f"{sorted(modules('util/tools') ^ (set(mapped) - {'settings'}))}")

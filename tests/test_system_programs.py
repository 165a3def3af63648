"""Every system program the chapters tell a reader to type is one README.md names, with the
`apt-get install` line that brings it where a minimal system lacks it."""
import ast
import re

import pytest

from tests.support import REPO

SPAN = re.compile(r"`([^`\n]+)`")
SYSTEM_PROGRAMS = {"curl": "curl"}  # a program the chapters use: its Debian package


def suggested(program: str) -> list[str]:
    """Where the chapter READMEs and listing docstrings show a `program …` command."""
    found = []
    for path in sorted(REPO.glob("chapter_[0-9][0-9]/*")):
        if path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".py":
            text = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        else:
            continue
        if any(span.split()[0] == program for span in SPAN.findall(" ".join(text.split()))):
            found.append(path.relative_to(REPO).as_posix())
    return found


@pytest.mark.parametrize(("program", "package"), sorted(SYSTEM_PROGRAMS.items()))
def test_a_program_the_chapters_suggest_is_named_in_the_readme(program, package):
    assert suggested(program), f"no chapter suggests {program} any more: drop it here"
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f"`apt-get install {package}`" in readme
    assert re.search(rf"\b{program}\b[^`]*`{program} ", readme), "an example of its use"

"""Each chapter's README.md indexes its listings exactly as their docstrings describe them,
and every chapter package and listing imports without doing anything."""
import re
import subprocess
import sys

import pytest

from tests.support import REPO, listing_env, ok
from util.tools import listing_index

CHAPTERS = sorted(path for path in REPO.glob("chapter_[0-9][0-9]") if path.is_dir())
ROW = re.compile(r"^\|\s*\[(?P<id>[\w.]+)\]\((?P<file>listing_\w+\.py)\)\s*\|(?P<cells>.*)\|\s*$")


def readme_rows(chapter) -> dict[str, list[str]]:
    rows = {}
    for line in (chapter / "README.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            cells = [cell.strip() for cell in match["cells"].split("|")]
            rows[match["id"]] = [match["file"], *cells]
    return rows


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.name)
def test_readme_indexes_every_listing_as_its_docstring_says(chapter):
    number = int(chapter.name.split("_")[1])
    readme = (chapter / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# Chapter {number}:")
    rows = readme_rows(chapter)
    indexed = {info.id: info for info in listing_index.discover(number)}
    modules = {path.stem for path in chapter.glob("listing_*.py")}
    assert {info.path.stem for info in indexed.values()} == modules, "docstrings name them all"
    assert set(rows) == set(indexed), "one README row per listing module"
    for listing_id, (file, caption, section, needs, *_) in rows.items():
        info = indexed[listing_id]
        assert file == info.path.name
        assert caption == info.caption, listing_id
        assert section == info.section, listing_id
        assert needs == (", ".join(map(str, info.needs)) or "nothing"), listing_id


def test_every_chapter_package_and_listing_imports_quietly():
    """Importing the chapter packages and every listing prints nothing and starts nothing: no
    thread, no child process (everything runs under `if __name__ == "__main__":`)."""
    packages = [path.name for path in CHAPTERS]
    modules = [info.module for info in listing_index.discover()]
    code = ("import importlib, multiprocessing, sys, threading\n"
            "for name in sys.argv[1:]:\n"
            "    importlib.import_module(name)\n"
            "print(threading.active_count(), len(multiprocessing.active_children()))\n")
    result = subprocess.run([sys.executable, "-c", code, *packages, *modules], cwd=REPO,
                            env=listing_env(), capture_output=True, text=True, timeout=120)
    ok(result)
    assert result.stdout == "1 0\n", "nothing printed; one thread, no child process"
    assert result.stderr == ""

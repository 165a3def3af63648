"""The Russian edition (ДМК Пресс, 2023) keeps the book's numbers but has its own pages: its
sections and pages live in util/tools/russian_edition.toml, `util list --ru` prints them beside
each listing and each chapter README lists them under "В русском издании"."""
import re
import subprocess
import sys

import pytest

from tests.support import listing_env, ok
from util.settings import REPO
from util.tools import listing_index, russian_edition

CHAPTERS = range(1, 15)


def test_util_list_ru_shows_the_russian_section_and_page_of_each_listing():
    result = subprocess.run([sys.executable, "-m", "util", "list", "--ru", "5"], cwd=REPO,
                            env=listing_env(), capture_output=True, text=True, timeout=60)
    ok(result)
    line_5_1 = next(line for line in result.stdout.splitlines() if line.startswith("5.1 "))
    assert line_5_1.endswith("— 5.2 Подключение к базе данных Postgres, с. 131")
    assert all(re.search(r", с\. \d+$", line) for line in result.stdout.splitlines())
    plain = subprocess.run([sys.executable, "-m", "util", "list", "5"], cwd=REPO,
                           env=listing_env(), capture_output=True, text=True, timeout=60)
    assert "с. " not in plain.stdout, "the English list stays as it was"


def test_every_listing_section_is_in_the_russian_table_of_contents():
    for chapter in CHAPTERS:
        assert str(chapter) in russian_edition.sections()
    missing = {info.id: info.section for info in listing_index.discover()
               if info.section not in russian_edition.sections()}
    assert missing == {}


def test_pages_rise_through_the_book_and_titles_are_clean():
    pages = [s.page for s in russian_edition.sections().values()]
    assert pages == sorted(pages) and pages[0] == 21 and pages[-1] == 385
    for s in russian_edition.sections().values():
        assert s.title == s.title.strip() and "  " not in s.title
        assert not re.search(r"<|>|\*|\.{2}", s.title), s


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_readme_lists_the_russian_sections_as_the_data_file_has_them(chapter):
    readme = (REPO / f"chapter_{chapter:02d}" / "README.md").read_text(encoding="utf-8")
    part = readme.split("## В русском издании", 1)
    assert len(part) == 2, "a section under the table"
    listed = [line for line in part[1].split("\n## ", 1)[0].splitlines()
              if line.startswith("- ")]
    assert listed == russian_edition.readme_lines(chapter)
    assert listed[0] == f"- {chapter} — {russian_edition.sections()[str(chapter)].title} — " \
                        f"с. {russian_edition.sections()[str(chapter)].page}"


def test_no_scan_typos():
    texts = [russian_edition.DATA.read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in REPO.glob("chapter_*/README.md")]
    for text in texts:
        assert "asynpcpg" not in text.lower()
    assert "Введение в asyncpg" in texts[0]


def test_the_data_lives_in_the_repository():
    source = (REPO / "util" / "tools" / "russian_edition.py").read_text(encoding="utf-8")
    assert "shared" not in source and "toc_ru" not in source
    assert russian_edition.DATA.parent == REPO / "util" / "tools"

"""The listing index, table by table: a `Needs:` line, a docstring read without importing, a
listing file's entry, and what a reader may type for a listing or a chapter."""
from __future__ import annotations

import pytest

from util.tools.listing_index import (
    Need,
    UnknownListing,
    chapter_number,
    find,
    module_docstring,
    parse_needs,
    read,
)


@pytest.mark.parametrize(("text", "needs"), [
    ("nothing", ()),
    ("None", ()),
    ("", ()),
    ("example-site", (Need("example-site"),)),
    ("postgres (products)", (Need("postgres", ("products",)),)),
    ("postgres (cart, favorites), tty", (Need("postgres", ("cart", "favorites")), Need("tty"))),
    ("peer (8.13), display", (Need("peer", ("8.13",)), Need("display"))),
])
def test_needs_line(text, needs):
    assert parse_needs(text) == needs
    assert ", ".join(map(str, needs)) == ("" if not needs else text)


@pytest.mark.parametrize(("source", "docstring"), [
    ('"""Listing 1.1 — x"""\nimport os\n', "Listing 1.1 — x"),
    ("# a comment\n\n'''Listing 2.9 — y'''\n", "Listing 2.9 — y"),
    ('r"""Listing 3.1 — raw \\d"""\n', "Listing 3.1 — raw \\d"),
    ('import os\n"""not a docstring"""\n', ""),
    ('"""never closed\n', ""),
    ("", ""),
])
def test_docstring_read_without_importing(source, docstring):
    assert module_docstring(source) == docstring


@pytest.mark.parametrize(("name", "docstring", "entry"), [
    ("listing_2_9.py", "Listing 2.9 — Running two coroutines\n\nSection 2.4. Needs: nothing.",
     ("2.9", "Running two coroutines", "2.4", (), None)),
    ("listing_3_5.py", "Listing 3.5 — An echo server\n\nSection 3.5.2. Needs: nothing. "
     "Listens: SERVER_PORT.", ("3.5", "An echo server", "3.5.2", (), "SERVER_PORT")),
    ("listing_4_16_fixed.py", "Listing 4.16 (fixed) - Waiting\n\nSection 4.6. Needs: "
     "example-site.", ("4.16_fixed", "Waiting", "4.6", (Need("example-site"),), None)),
    ("listing_5_8.py", "Listing 5.8 — Queries\n\nNeeds: postgres (products).",
     ("5.8", "Queries", "", (Need("postgres", ("products",)),), None)),
    ("listing_1_1.py", "A module that names no listing.", None),
    ("make_data.py", "Listing 6.1 — not a listing file", None),
])
def test_a_listing_files_entry(tmp_path, name, docstring, entry):
    path = tmp_path / "chapter_09" / name
    path.parent.mkdir()
    path.write_text(f'"""{docstring}"""\n', encoding="utf-8")
    info = read(path)
    if entry is None:
        assert info is None
    else:
        assert (info.id, info.caption, info.section, info.needs, info.listens) == entry
        assert info.module == f"chapter_09.{path.stem}"


@pytest.mark.parametrize(("typed", "found"), [
    ("2.9", "2.9"), (" 2.9 ", "2.9"), ("02.09", "2.9"), ("4.16_fixed", "4.16_fixed"),
    ("4.16_FIXED", "4.16_fixed"),
])
def test_a_listing_number_as_a_reader_types_it(typed, found):
    assert find(typed).id == found


@pytest.mark.parametrize(("typed", "error"), [
    ("2", "'2' is not a listing number: write it like 2.9"),
    ("two.nine", "'two.nine' is not a listing number: write it like 2.9"),
    ("1" * 30 + ".1", f"'{'1' * 20}…' is not a listing number"),  # cut short
    ("2.99", "there is no listing 2.99: chapter 2 has 2.1 to "),
    ("99.1", "there is no listing 99.1: chapter 99 has none here"),
])
def test_a_listing_that_is_not_there_says_what_is(typed, error):
    with pytest.raises(UnknownListing) as raised:
        find(typed)
    assert str(raised.value).startswith(error)


@pytest.mark.parametrize(("typed", "answer"), [
    ("2", 2), (" 14 ", 14), ("02", 2),
    ("0", "there is no chapter 0: the chapters here are 1 to 14"),
    ("99", "there is no chapter 99: the chapters here are 1 to 14"),
    ("two", "'two' is not a chapter number: write it like 2"),
    ("2.9", "'2.9' is not a chapter number: write it like 2"),
])
def test_a_chapter_number(typed, answer):
    if isinstance(answer, int):
        assert chapter_number(typed) == answer
    else:
        with pytest.raises(UnknownListing, match=f"^{answer}$".replace(".", r"\.")):
            chapter_number(typed)

"""The index of listings, read from the module docstrings (never by importing the modules).

A listing's docstring starts `Listing N.M — <caption>` and has a line
`Section X.Y. Needs: <needs>.`, ending `Listens: <VARIABLE>.` for a server (the util.settings
port it listens on; see CONTRIBUTING.md); sibling modules such as listing_4_16_fixed.py are
indexed as "4.16_fixed".
"""
from __future__ import annotations

import ast
import re
from collections import namedtuple  # not dataclasses: `util run` starts faster without them
from pathlib import Path

from util.settings import REPO
from util.tools.errors import ReaderError

FIRST_LINE = re.compile(
    r"Listing\s+(?P<number>\d+\.\d+)(?P<variant>\s*\([^)]*\))?\s*[—-]+\s*(?P<caption>.+)")
SECTION = re.compile(r"Section\s+(?P<section>\d+(?:\.\d+)*)")
NEEDS = re.compile(r"Needs:\s*(?P<needs>.+?)\.?(?:\s+Listens:.*)?\s*$", re.MULTILINE)
LISTENS = re.compile(r"Needs:.*\sListens:\s*(?P<variable>[A-Z_]+)\.?\s*$", re.MULTILINE)
NEED = re.compile(r"\s*(?P<kind>[\w-]+)(?:\s*\((?P<args>[^)]*)\))?\s*(?:,|$)")
DOCSTRING = re.compile(r'(?:\s|#[^\n]*\n)*(?P<literal>[rRuU]?("""|\'\'\').*?\2)', re.DOTALL)
MODULE_FILE = re.compile(r"listing_(?P<chapter>\d+)_(?P<number>\d+)(?P<suffix>_\w+)?\.py")


class UnknownListing(ReaderError):
    """No module for the listing number the reader asked for."""


class Need(namedtuple("Need", "kind args", defaults=((),))):
    """One entry of a `Needs:` line: kind (example-site, postgres, microservices, peer, tty,
    display, data) and its arguments ("products"; "8.13")."""
    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.kind} ({', '.join(self.args)})" if self.args else self.kind


class ListingInfo(namedtuple("ListingInfo", "id module caption section needs path listens",
                             defaults=(None,))):
    """One listing: id "2.9" (or "4.16_fixed" for a sibling module), module
    "chapter_02.listing_2_9", caption, section, needs (Needs), path, and listens: the
    util.settings port variable a server listens on (None for the rest)."""
    __slots__ = ()

    def port(self) -> int | None:
        """The port this listing listens on, as util.settings has it now."""
        if self.listens is None:
            return None
        from util import settings

        return getattr(settings, self.listens)

    def sort_key(self) -> tuple:
        chapter, rest = self.id.split(".", 1)
        number, _, suffix = rest.partition("_")
        return int(chapter), int(number), suffix


def parse_needs(text: str) -> tuple[Need, ...]:
    if text.strip().lower() in {"", "nothing", "none"}:
        return ()
    needs = []
    for match in NEED.finditer(text):
        if match.group("kind"):
            args = tuple(a.strip() for a in (match.group("args") or "").split(",") if a.strip())
            needs.append(Need(match.group("kind"), args))
    return tuple(needs)


def module_docstring(source: str) -> str:
    """The module's docstring, as ast.get_docstring gives it (a module's docstring is not
    indented), read without parsing the whole module (`util list` reads a few hundred files)."""
    match = DOCSTRING.match(source)
    if not match:
        return ""
    try:
        return ast.literal_eval(match["literal"]).expandtabs().strip()
    except (SyntaxError, ValueError):
        return ""


def read(path: Path) -> ListingInfo | None:
    """The index entry of one listing file, or None if its docstring does not name it."""
    match = MODULE_FILE.fullmatch(path.name)
    if not match:
        return None
    doc = module_docstring(path.read_text(encoding="utf-8"))
    first = FIRST_LINE.match(doc.strip().splitlines()[0]) if doc.strip() else None
    if not first:
        return None
    section = SECTION.search(doc)
    needs = NEEDS.search(doc)
    listens = LISTENS.search(doc)
    listing_id = f"{int(match['chapter'])}.{int(match['number'])}{match['suffix'] or ''}"
    return ListingInfo(
        id=listing_id,
        module=f"{path.parent.name}.{path.stem}",
        caption=first["caption"].strip(),
        section=section["section"] if section else "",
        needs=parse_needs(needs["needs"]) if needs else (),
        path=path,
        listens=listens["variable"] if listens else None,
    )


def discover(chapter: int | None = None) -> list[ListingInfo]:
    pattern = f"chapter_{chapter:02d}" if chapter else "chapter_[0-9][0-9]"
    found = [info for folder in sorted(REPO.glob(pattern))
             for path in folder.glob("listing_*.py") if (info := read(path))]
    return sorted(found, key=ListingInfo.sort_key)


def chapter_number(text: str) -> int:
    """The chapter a reader named ("2"); UnknownListing for anything else (0, 99, "two")."""
    if not re.fullmatch(r"\d{1,4}", text.strip()):
        raise UnknownListing(f"{_shown(text)} is not a chapter number: write it like 2")
    chapter = int(text)
    chapters = sorted(int(folder.name.removeprefix("chapter_"))
                      for folder in REPO.glob("chapter_[0-9][0-9]"))
    if chapter not in chapters:
        raise UnknownListing(f"there is no chapter {chapter}: the chapters here are "
                             f"{chapters[0]} to {chapters[-1]}")
    return chapter


def find(listing_id: str) -> ListingInfo:
    """The listing "N.M" (or "N.M_variant"); UnknownListing says what exists instead."""
    wanted = listing_id.strip().lower()
    if not re.fullmatch(r"\d{1,4}\.\d{1,4}(_\w+)?", wanted):  # short: int() has a digit limit
        raise UnknownListing(f"{_shown(listing_id)} is not a listing number: write it like 2.9")
    chapter = int(wanted.split(".")[0])
    path = REPO / f"chapter_{chapter:02d}" / f"listing_{_normalise(wanted).replace('.', '_')}.py"
    if path.is_file() and (info := read(path)):  # the usual case: one file read, not a chapter
        return info
    listings = discover(chapter) if 1 <= chapter <= 99 else []
    for info in listings:
        if info.id == wanted or info.id == _normalise(wanted):
            return info
    if not listings:
        raise UnknownListing(f"there is no listing {listing_id}: chapter {chapter} has none here")
    first, last = listings[0].id, listings[-1].id
    raise UnknownListing(f"there is no listing {listing_id}: chapter {chapter} has "
                         f"{first} to {last} (see `python -m util list {chapter}`)")


def _shown(text: str) -> str:
    """What the reader wrote, quoted, and cut short if it is long."""
    return repr(text if len(text) <= 20 else text[:20] + "…")


def _normalise(listing_id: str) -> str:
    chapter, rest = listing_id.split(".", 1)
    number, sep, suffix = rest.partition("_")
    return f"{int(chapter)}.{int(number)}{sep}{suffix}"

"""The Russian edition's sections and pages, for readers of that book (russian_edition.toml).

Фаулер, «Asyncio и конкурентное программирование на Python» (ДМК Пресс, 2023) keeps the
English edition's chapter, section and listing numbers; its titles and pages are its own.
`python -m util list --ru` prints them beside each listing; the chapter READMEs list them
under "В русском издании".
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("russian_edition.toml")


@dataclass(frozen=True)
class Section:
    number: str  # "5.2", or "5" for a chapter
    title: str
    page: int

    def __str__(self) -> str:
        return f"{self.number} {self.title}, с. {self.page}"


@cache
def sections() -> dict[str, Section]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return {number: Section(number, entry["title"], entry["page"])
            for number, entry in data["sections"].items()}


def section(number: str) -> Section | None:
    """The section `number`, or the nearest one above it that the table of contents has."""
    while number:
        if number in sections():
            return sections()[number]
        number = number.rpartition(".")[0]
    return None


def of_chapter(chapter: int) -> list[Section]:
    """The chapter's own line and its sections, in book order."""
    prefix = f"{chapter}."
    return [s for n, s in sections().items() if n == str(chapter) or n.startswith(prefix)]


def readme_lines(chapter: int) -> list[str]:
    """The "В русском издании" part of a chapter README: one line per section."""
    return [f"- {s.number} — {s.title} — с. {s.page}" for s in of_chapter(chapter)]

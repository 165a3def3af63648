"""README.ru.md, the page for readers of the Russian edition, cannot drift from README.md and the
code: every command it shows is one README.md shows or one `util`'s parser accepts (naming a
listing and a port that exist), every relative link and anchor resolves, the `util list` output
it shows is what util prints, and every figure in it is checked: the addresses table against
util.settings.ADDRESSES, sections and pages against util.tools.russian_edition, listings and
companions against the code, Python versions, times and counts against README.md. A figure no
check ties is itself a failure, so a new one cannot slip in unchecked."""
from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex

import pytest

from util import settings
from util.settings import REPO
from util.tools import cli, companions, listing_index, russian_edition
from util.tools.errors import ReaderError

RU = REPO / "README.ru.md"
EN = REPO / "README.md"

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
ENV_ASSIGNMENT = re.compile(r"[A-Z_]+=\S*")
# how a code span is recognised as a command
PROGRAMS = {"uv", "python", "bash", "docker", "pytest", "util", "nc", "apt-get", ".ci/sid-root",
            "vizviewer", "pip", "git", "telnet", "curl"}

DEFAULTS = {variable: value.strip() for address in settings.ADDRESSES
            for variable, value in zip(address.variables, address.default.split(","),
                                       strict=True)}
PORTS = {value for variable, value in DEFAULTS.items() if variable.endswith("PORT")}

# Figures stated in a sentence of each README: the Russian pattern's groups must equal the
# English pattern's (both matched on whitespace-flattened text). English rewording that loses a
# pattern fails the test: README.ru.md then needs another look.
SAME_FIGURES = [
    (r"Python (3\.\d+)–(3\.\d+)", r"runnable offline on Python (3\.\d+)–(3\.\d+)"),
    (r"ДМК Пресс, (\d{4})", r"ДМК Пресс, (\d{4})"),
    (r"встроенный PostgreSQL (\d+)", r"embedded PostgreSQL (\d+)"),
    (r"дольше (\d+) мс", r"for more than (\d+) ms"),
    (r"останавливается через (\d+) секунд", r"Runs stop after (\d+) s"),
    (r"На машине с (\d+) ядрами прогон идёт от (\d+) до (\d+) минут",
     r"On a (\d+)-core machine a run takes (\d+) to (\d+) minutes"),
    (r"нужно (\d+)–(\d+) секунд процессорного времени", r"needs (\d+)–(\d+) seconds of CPU time"),
    (r"\(глава (\d+)\) — клиент для эхо-серверов; Xvfb и xdotool.*?\(глава (\d+)\); gpg "
     r"\(глава (\d+)\).*?Chromium \(глава (\d+)\)",
     r"`nc` \(chapter (\d+)\), Xvfb and xdotool for the Tk window \(chapter (\d+)\), gpg "
     r"\(chapter (\d+)\) and Chromium \(chapter (\d+)\)"),
    (r"на (\d+)-ядерной машине проекта", r"full run on the project's (\d+)-core machine"),
    (r"К веб-серверам глав (\d+), (\d+) и (\d+)",
     r"The web servers of chapters (\d+), (\d+) and (\d+)"),
    (r"под Python (3\.\d+) и библиотеки (\d{4}) года",
     r"written for Python (3\.\d+) and the libraries of (\d{4})"),
    (r"завершается с кодом (\d+)", r"exits with code (\d+)"),
    (r"выполняемый по одному, ждёт (\d+) мс, и все вместе они идут больше (\d+) с",
     r"each query run one by one waits (\d+) ms, and together they take over (\d+) s"),
]
FULL_VERSION = re.compile(r"(?<![\w.])\d+\.\d+\.\d+(?!\w|\.\d)")


def flat(text: str) -> str:
    return " ".join(text.split())


def is_command(span: str) -> bool:
    words = span.split()
    while words and ENV_ASSIGNMENT.fullmatch(words[0]):
        words.pop(0)
    return bool(words) and (words[0] in PROGRAMS or words[0].startswith("python3"))


def shown_commands(text: str) -> list[str]:
    """The commands a README shows: code spans that start with a program, and the lines of
    code blocks (only the `$ ` lines in a block that shows output too)."""
    found = []
    for block in FENCE.findall(text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        prompted = [line[2:] for line in lines if line.startswith("$ ")]
        found += prompted or lines
    found += [span for span in SPAN.findall(FENCE.sub("", text)) if is_command(span)]
    return [flat(command) for command in found]


def subcommands(parser: argparse.ArgumentParser) -> set[str]:
    return next(set(action.choices) for action in parser._actions
                if isinstance(action, argparse._SubParsersAction))


def command_problem(command: str, english: set[str]) -> str | None:
    """None if README.md shows `command`, or util's parser accepts it (a short `util run` as
    well as a full `uv run python -m util run 2.9`); else what is wrong with it."""
    if command in english:
        return None
    words = shlex.split(command)
    while words and ENV_ASSIGNMENT.fullmatch(words[0]):
        words.pop(0)
    if words[:2] == ["uv", "run"]:
        words = words[2:]
    if words[:3] == ["python", "-m", "util"]:
        argv, short = words[3:], False
    elif words[:1] == ["util"]:
        argv, short = words[1:], True
    else:
        return f"{command!r}: README.md does not show it and it is no `python -m util` command"
    parser = cli.build_parser()
    if short and len(argv) == 1 and argv[0] in subcommands(parser):
        return None  # prose naming a command: `util services`
    try:
        with contextlib.redirect_stderr(io.StringIO()) as refusal:
            options = parser.parse_args(argv)
    except SystemExit:
        return f"{command!r}: util refuses it: {refusal.getvalue().strip().splitlines()[-1]}"
    try:
        if getattr(options, "listing", None):
            listing_index.find(options.listing)
        if options.command == "list" and options.chapter:
            listing_index.chapter_number(options.chapter)
    except ReaderError as error:
        return f"{command!r}: {error}"
    if options.command == "telnet" and not set(options.address[-1:]) <= PORTS:
        return f"{command!r}: no address in util/settings.py has port {options.address[-1]}"
    return None


def output_problems(text: str) -> list[str]:
    """A code block's `$ util list …` line is followed by lines util list prints."""
    problems = []
    for block in FENCE.findall(text):
        if "\n$ " not in f"\n{block}":
            continue  # commands only
        command = None
        for line in filter(None, (flat(line) for line in block.splitlines())):
            if line.startswith("$ "):
                command = line[2:]
                continue
            argv = shlex.split(command or "")[5:]  # after `uv run python -m util`
            if not (command and command.startswith("uv run python -m util list")):
                problems.append(f"output of {command!r} is not checked: {line!r}")
                continue
            options = cli.build_parser().parse_args(argv)
            with contextlib.redirect_stdout(io.StringIO()) as printed:
                cli.list_listings(options.chapter, options.ru)
            if line not in map(flat, printed.getvalue().splitlines()):
                problems.append(f"{command!r} does not print {line!r}")
    return problems


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def link_problems(text: str) -> list[str]:
    """Relative links of README.ru.md (at the repository root) resolve, anchors included."""
    problems = []
    for _, target in LINK.findall(FENCE.sub("", text)):
        if re.match(r"[a-z]+:", target):
            continue  # the web: not checked offline
        path, _, anchor = target.partition("#")
        if path and not (REPO / path).exists():
            problems.append(f"link to a missing file: {target}")
        elif anchor:
            linked = (REPO / path).read_text(encoding="utf-8") if path else text
            if anchor not in {slug(h) for h in HEADING.findall(FENCE.sub("", linked))}:
                problems.append(f"link to a missing heading: {target}")
    return problems


def address_rows(text: str) -> tuple[set, str]:
    """The addresses table's rows as (variables, defaults), and the text without them."""
    row = re.compile(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \| (`[^|]+`) \| [^|]+ \|$", re.MULTILINE)
    rows = {(tuple(re.findall(r"`([^`]+)`", match[1])), tuple(re.findall(r"`([^`]+)`", match[2])))
            for match in row.finditer(text)}
    return rows, row.sub("", text)


def chapter_list() -> str:
    """README.ru.md's "Главы": each chapter's README under its Russian title and first page."""
    return "\n".join(f"{s.number}. [{s.title}](chapter_{int(s.number):02d}/README.md) — с. {s.page}"
                     for s in russian_edition.sections().values() if "." not in s.number)


def figure_problems(text: str, english: str) -> list[str]:
    """Each figure of README.ru.md `text` checked against its source; any other is a problem."""
    problems = []
    book = {(address.variables, tuple(value.strip() for value in address.default.split(",")))
            for address in settings.ADDRESSES}
    rows, text = address_rows(FENCE.sub("", text))
    if rows != book:
        problems.append(f"the addresses table differs from util.settings.ADDRESSES: "
                        f"{sorted(rows ^ book)}")
    if chapter_list() not in text:
        problems.append("the chapter list is not the Russian edition's titles and pages")
    text = re.sub(r"^\d+\. \[[^]]+\]\(chapter_\d+/README\.md\) — с\. \d+$", "", text,
                  flags=re.MULTILINE)
    text = LINK.sub(r"[\1]", text)  # the targets are link_problems' job
    text = flat(SPAN.sub(lambda span: "" if is_command(span[1]) else span[0], text))
    english = flat(english)

    def check(pattern: str, problem) -> None:
        """`problem` (a message, or a false value) checks each match; then it is accounted for."""
        nonlocal text
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if found := problem(match):
                problems.append(found)
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)

    for ru, en in SAME_FIGURES:
        said = re.search(en, english)
        if not said:
            problems.append(f"README.md no longer says /{en}/: README.ru.md needs another look")
        elif not re.search(ru, text, re.IGNORECASE):
            problems.append(f"README.ru.md no longer says /{ru}/ (README.md: {said[0]!r})")
        check(ru, lambda match, said=said: said and match.groups() != said.groups()
              and f"README.ru.md says {match[0]!r}, README.md {said[0]!r}")
    sections = russian_edition.sections()
    check(r"(\d+(?:\.\d+)*) «([^»]+)» \(с\. (\d+)\)", lambda match: (
        match[1] not in sections
        or (match[2], int(match[3])) != (sections[match[1]].title, sections[match[1]].page))
        and f"not the Russian edition's section: {match[0]}")
    check(r"(?:раздел|глав)\w* (\d+(?:\.\d+)*)",
          lambda match: match[1] not in sections and f"no such section: {match[0]}")
    check(r"\[(\d+\.\d+_\w+)\],? \(Python ([^)]+)\)", lambda match: (
        match[1] not in companions.COMPANIONS
        or companions.COMPANIONS[match[1]].since_text != match[2])
        and f"util/tools/companions.json does not say {match[0]}")

    def no_listing(match) -> str | None:
        try:
            listing_index.find(match[1])
        except ReaderError as error:
            return str(error)
        return None

    check(r"листинг\w* (\d+\.\d+\w*)", no_listing)
    check(r"`(\d+\.\d+\w*)`", no_listing)
    check(r"`([A-Z_]+)`:`([A-Z_]+)` \(по умолчанию ([^:\s]+):(\d+)\)", lambda match: (
        (DEFAULTS.get(match[1]), DEFAULTS.get(match[2])) != (match[3], match[4]))
        and f"not the defaults: {match[0]}")
    check(r"`([A-Z_]+)` \(по умолчанию ([^)\s]+)\)",
          lambda match: DEFAULTS.get(match[1]) != match[2] and f"not the default: {match[0]}")
    versions = set(FULL_VERSION.findall(text))
    if versions != set(FULL_VERSION.findall(english)):
        problems.append(f"Python versions {sorted(versions)}, README.md "
                        f"{sorted(set(FULL_VERSION.findall(english)))}")
    check(FULL_VERSION.pattern, lambda match: None)
    check(r"(?<![\w.])\d+\.\d+(?!\w|\.\d)",
          lambda match: not re.search(rf"(?<![\w.]){re.escape(match[0])}(?!\w|\.\d)", english)
          and f"README.md never says {match[0]}")
    problems += [f"a figure no check ties: {figure!r}" for figure in re.findall(r"\S*\d\S*", text)]
    return problems


def drift(ru: str, en: str) -> list[str]:
    """Everything in README.ru.md `ru` that no longer matches README.md `en` or the code."""
    english = set(shown_commands(en))
    problems = [problem for command in shown_commands(ru)
                if (problem := command_problem(command, english))]
    return problems + output_problems(ru) + link_problems(ru) + figure_problems(ru, en)


def test_the_russian_readme_matches_the_english_one_and_the_code():
    assert drift(RU.read_text(encoding="utf-8"), EN.read_text(encoding="utf-8")) == []


def test_each_readme_links_to_the_other_at_its_top():
    for readme, other in ((EN, "README.ru.md"), (RU, "README.md")):
        top = readme.read_text(encoding="utf-8").split("\n## ", 1)[0]
        assert f"]({other})" in top, readme.name


def test_it_shows_what_a_reader_of_the_russian_edition_needs():
    text = RU.read_text(encoding="utf-8")
    commands = shown_commands(text)
    for needed in ("util run", "util services", "util telnet", "util trace", "util list --ru",
                   "util db reset", "pytest", "benchmarks", "docker compose"):
        assert any(needed in command for command in commands), needed
    assert "README.md#what-changed-since-the-book" in text
    for term in ("сопрограмм", "задач", "цикл событий", "пул", "снима"):
        assert term in text.lower(), term


# each mistake, made in a copy of README.ru.md (or of README.md), is found, and for its reason -

@pytest.mark.parametrize(("old", "new", "reason"), [
    ("uv run python -m util run 2.9`", "uv run python -m util run 2.99`", "no listing 2.99"),
    ("`uv run python -m util telnet 8000`", "`uv run python -m util telnet 8004`", "port 8004"),
    ("`uv run python -m util list --ru 2`", "`uv run python -m util list --russian 2`",
     "unrecognized arguments: --russian"),
    ("`uv run pytest -m listing -k chapter_02`", "`uv run pytest --quick`",
     "'uv run pytest --quick': README.md does not show it"),
    ("`docker compose down`", "`docker compose stop`", "'docker compose stop': README.md"),
    ("(chapter_05/README.md)", "(chapter_05/READ.md)", "missing file: chapter_05/READ.md"),
    ("(#сервисы-и-адреса)", "(#адреса)", "missing heading: #адреса"),
    ("README.md#what-changed-since-the-book", "README.md#what-changed",
     "missing heading: README.md#what-changed"),
    ("| `8001`, `8002`, `8003` |", "| `8001`, `8003`, `8002` |", "the addresses table"),
    ("(по умолчанию 127.0.0.1:5432)", "(по умолчанию 127.0.0.1:5433)", "127.0.0.1:5433"),
    ("(по умолчанию http://127.0.0.1:8765)", "(по умолчанию http://127.0.0.1:8000)",
     "http://127.0.0.1:8000"),
    ("на Python 3.11–3.15", "на Python 3.11–3.14", "'Python 3.11–3.14'"),
    ("3.14.10 и 3.15.2", "3.14.9 и 3.15.2", "'3.14.9'"),
    ("PostgreSQL 18", "PostgreSQL 17", "PostgreSQL 17"),
    ("от 7 до 9 минут", "от 5 до 9 минут", "от 5 до 9 минут"),
    ("дольше 100 мс", "дольше 50 мс", "дольше 50 мс"),
    ("(с. 53)", "(с. 54)", "(с. 54)"),
    ("5. [Неблокирующие драйверы баз данных](chapter_05/README.md) — с. 130",
     "5. [Неблокирующие драйверы баз данных](chapter_05/README.md) — с. 131", "chapter list"),
    ("(Python 3.13) закрывает", "(Python 3.12) закрывает", "[12.1_queue_shutdown] (Python 3.12)"),
    ("`5.6` — с брендами", "`5.66` — с брендами", "no listing 5.66"),
    ("Например, раздел", "Например, на с. 55 раздел", "no check ties: '55'"),
    ("concurrently  [section 2.3.2", "concurrently  [section 2.3.1", "does not print"),
], ids=lambda value: value[:32])
def test_a_changed_command_link_or_figure_in_the_russian_readme_fails(old, new, reason):
    ru, en = RU.read_text(encoding="utf-8"), EN.read_text(encoding="utf-8")
    assert old in ru, "the mistake must change README.ru.md"
    found = drift(ru.replace(old, new, 1), en)
    assert any(reason in problem for problem in found), found


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("runnable offline on Python 3.11–3.15", "runnable offline on Python 3.11–3.16",
     "'runnable offline on Python 3.11–3.16'"),
    ("3.14.10 and 3.15.2", "3.14.10, 3.15.2 and 3.16.0", "'3.16.0'"),
    ("takes 7 to 9 minutes", "takes 8 to 10 minutes", "takes 8 to 10 minutes"),
    ("uv run python -m util services up|down|status", "uv run python -m util services up",
     "invalid choice: 'up|down|status'"),
])
def test_a_change_in_the_english_readme_fails_until_the_russian_one_follows(old, new, reason):
    ru, en = RU.read_text(encoding="utf-8"), EN.read_text(encoding="utf-8")
    assert old in en
    found = drift(ru, en.replace(old, new, 1))
    assert any(reason in problem for problem in found), found

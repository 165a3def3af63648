"""The Markdown report and one PNG chart per comparison (matplotlib, Agg backend)."""
from __future__ import annotations

import math
import statistics
from pathlib import Path

from benchmarks.common import Comparison, Panel, Row, Side

PANEL_INCHES = (6.0, 4.2)
DPI = 100


def chart_size(panels: int) -> tuple[int, int]:
    """The PNG's size in pixels for a chart of `panels` plots side by side."""
    return round(PANEL_INCHES[0] * max(1, panels) * DPI), round(PANEL_INCHES[1] * DPI)


# Numbers -------------------------------------------------------------------------------------

def seconds(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 0.001:
        return f"{value * 1000:.3g} ms"
    return f"{value * 1e6:.3g} µs"


def amount(value: float, unit: str) -> str:
    if unit == "s":
        return seconds(value)
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}"


def size_in_bytes(value: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def extra(name: str, value: float) -> str:
    if "bytes" in name:
        return f"{size_in_bytes(value)} {name.replace('bytes', '').strip()}".strip()
    if name.endswith("(ms)"):
        return f"{name.removesuffix('(ms)').strip()} {value:.3g} ms"
    if name.endswith("(s)"):
        return f"{name.removesuffix('(s)').strip()} {seconds(value)}"
    return f"{name} {value:.3g}"


def side_cell(side: Side) -> str:
    why = " ".join((side.failure or "no samples").split()).replace("|", "\\|")
    if not side.measured:
        return f"**{side.name}**: not measured ({why})"
    text = (f"**{side.name}**: {amount(side.median, side.unit)} "
            f"[{amount(side.low, side.unit)}–{amount(side.high, side.unit)}]")
    if side.extra:
        text += " (" + ", ".join(extra(k, v) for k, v in side.extra.items()) + ")"
    if side.failure:
        text += f" ({len(side.samples)} rounds only: {why})"
    return text


def failure_notes(c: Comparison) -> list[str]:
    """A line for each side that was not measured, or only in part, in a comparison."""
    return [f"{'Not measured' if not side.measured else 'Measured in part'}: {row.what}, "
            f"{side.name}: {side.failure or 'no samples'}."
            for row in c.rows for side in row.sides if side.failure or not side.measured]


def limit_cell(row: Row) -> str:
    text = row.limit_text
    if row.of_limit is not None:
        text += f"; measured {row.ratio:.2f}x = {row.of_limit:.0%} of it"
    return text


def what_cell(row: Row) -> str:
    """What a row measured, and on which Python when several ran."""
    return f"**{row.python}**: {row.what}" if row.python else row.what


def table(rows: list[Row]) -> list[str]:
    lines = ["| what | sides: median [min–max] | ratio | limit here | book |",
             "|---|---|---|---|---|"]
    for row in rows:
        sides = "<br>".join(side_cell(side) for side in row.sides)
        ratio = row.ratio_text if len(row.sides) > 1 else "—"
        lines.append(f"| {what_cell(row)} | {sides} | {ratio} | {limit_cell(row)} | "
                     f"{row.book} |")
    return lines


# Several Pythons -----------------------------------------------------------------------------

def pythons(comparisons: list[Comparison]) -> list[str]:
    """The interpreters' labels, in the order they ran, when several did (else [])."""
    return list(dict.fromkeys(row.python for c in comparisons for row in c.rows if row.python))


def times_better(first: Side, last: Side) -> float:
    """How many times better `last` did than `first` (> 1: better), NaN if either is missing."""
    if not (first.measured and last.measured):
        return math.nan
    return last.median / first.median if first.higher_is_better else first.median / last.median


def python_pairs(c: Comparison, labels: list[str]) -> list[tuple[str, str, dict[str, Side]]]:
    """(what, side, label -> that side on each Python) for every side of every row, a side
    shared by several rows (one sequential run beside each pool) once."""
    by_what: dict[str, dict[str, Row]] = {}
    for row in c.rows:
        by_what.setdefault(row.what, {})[row.python] = row
    found, seen = [], set()
    for what, rows in by_what.items():
        names = list(dict.fromkeys(side.name for row in rows.values() for side in row.sides))
        for name in names:
            sides = {label: side for label in labels if label in rows
                     for side in rows[label].sides if side.name == name}
            keys = {(label, name, tuple(side.samples)) for label, side in sides.items()}
            if not keys <= seen:  # a side met before, on every Python this row ran on
                seen |= keys
                found.append((what, name, sides))
    return found


def pythons_section(comparisons: list[Comparison], labels: list[str]) -> list[str]:
    first, last = labels[0], labels[-1]
    lines = ["## Pythons side by side", "",
             f"Every comparison ran on {len(labels)} interpreters ({', '.join(labels)}), each "
             "round in a child process of each in turn, so that drift falls on them alike; "
             "the tables below show each row once per interpreter. Here, each side's median "
             f"on each, and how many times better {last} did than {first} (> 1: better); the "
             "first table sums up each comparison by the median of its sides' ratios.", "",
             f"| comparison | sides | {last} vs {first}: median [min–max] of the sides |",
             "|---|---|---|"]
    details = [f"| comparison | what | side | {' | '.join(labels)} | {last} vs {first} |",
               "|---|---|---|" + "---|" * (len(labels) + 1)]
    for c in comparisons:
        ratios = []
        for what, name, sides in python_pairs(c, labels):
            ratio = (times_better(sides[first], sides[last]) if first in sides and last in sides
                     else math.nan)
            if math.isfinite(ratio):
                ratios.append(ratio)
            cells = [amount(sides[label].median, sides[label].unit)
                     if label in sides and sides[label].measured else "—" for label in labels]
            details.append(f"| {c.name} | {what} | {name} | {' | '.join(cells)} | "
                           + (f"{ratio:.2f}x |" if math.isfinite(ratio) else "— |"))
        if ratios:
            lines.append(f"| [{c.name}](#{anchor(c)}) | {len(ratios)} | "
                         f"{statistics.median(ratios):.2f}x [{min(ratios):.2f}x–"
                         f"{max(ratios):.2f}x] |")
        else:
            lines.append(f"| [{c.name}](#{anchor(c)}) | 0 | — |")
    return [*lines, "", *details]


# The report ----------------------------------------------------------------------------------

def machine_lines(machine: dict) -> list[str]:
    libraries = ", ".join(f"{k} {v}" for k, v in machine.get("libraries", {}).items())
    load = machine.get("load_start"), machine.get("load_end")
    lines = [
        f"- CPU: {machine['cpu']}, {machine['cores']} cores; memory {machine['memory']}; "
        f"{machine['system']}",
        *([f"- Python **{p['label']}**: {p['python']} (`{p['command']}`); "
           + ", ".join(f"{k} {v}" for k, v in p["libraries"].items())
           for p in machine["pythons"]] if machine.get("pythons")
          else [f"- {machine['python']}; {libraries}"]),
        f"- Postgres: {machine.get('postgres', 'not used')}; load generator: {machine['wrk']}",
        f"- Date: {machine['date']}; run: {machine.get('command', '')}, "
        f"{machine.get('seconds', 0):.0f} s in all",
    ]
    if None not in load:
        shared = max(load) > 0.5
        lines.append(f"- Load average (1 min) {load[0]:.2f} at the start, {load[1]:.2f} at the end"
                     + (": **the machine was shared with other jobs**, so the ranges are wide "
                        "and medians are the figures to read." if shared else "."))
    if machine.get("note"):
        lines.append(f"- {machine['note']}")
    return lines


def write(comparisons: list[Comparison], machine: dict, out: Path) -> Path:
    """Write report.md and <name>.png for each comparison into `out`; return the report."""
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# Benchmarks: the book's headline claims, measured side by side", "",
             "Written by `python -m benchmarks` (see benchmarks/__init__.py). Every side of a "
             "comparison ran in the same run, interleaved (A B A B …) after a warm-up; each "
             "cell is the median of the rounds and their min–max. *ratio* is how many times "
             "better the last side is than the first; *limit here* is the ideal or physical "
             "limit on this machine and how close the measurement comes to it; *book* is the "
             "book's own figure (its machines: 8 to 32 cores, the real internet).", "",
             "## Machine", "", *machine_lines(machine), "", "## Summary", "",
             "| comparison | chapters | headline | ratio | limit here | book |",
             "|---|---|---|---|---|---|"]
    for c in comparisons:
        headline = c.rows[c.headline].what
        for row in (row for row in c.rows if row.what == headline):  # one per Python
            lines.append(f"| [{c.name}](#{anchor(c)}) | {c.chapters} | {what_cell(row)} | "
                         f"{row.ratio_text if len(row.sides) > 1 else '—'} | "
                         f"{limit_cell(row)} | {row.book} |")
    if len(labels := pythons(comparisons)) > 1:
        lines += ["", *pythons_section(comparisons, labels)]
    for c in comparisons:
        chart = draw(c, out / f"{c.name}.png")
        lines += ["", f"## {c.name}: {c.title}", "",
                  f"Chapters {c.chapters}. The book: {c.claim}", "", *table(c.rows), "",
                  f"![{c.name}]({chart.name})", ""]
        lines += [f"- {note}" for note in c.notes + failure_notes(c)]
        lines.append(f"- Measured in {c.seconds:.0f} s.")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def anchor(c: Comparison) -> str:
    text = f"{c.name}: {c.title}".lower()
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


# Charts --------------------------------------------------------------------------------------

def draw(c: Comparison, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    panels = c.panels or [bars_panel(c)]
    width, height = chart_size(len(panels))
    figure = pyplot.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    try:
        for index, panel in enumerate(panels, start=1):
            axes = figure.add_subplot(1, len(panels), index)
            plot(axes, panel)
        figure.suptitle(f"{c.name}: {c.title}", fontsize=9)
        figure.tight_layout(rect=(0, 0, 1, 0.94))
        figure.savefig(path, dpi=DPI)
    finally:
        pyplot.close(figure)
    return path


LINES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"))  # per Python: line, marker


def plot(axes, panel: Panel) -> None:
    colours: dict[str, str] = {}  # a side keeps its colour on every Python
    pythons = list(dict.fromkeys(curve.python for curve in panel.curves))
    for curve in panel.curves:
        errors = [[max(0.0, m - lo) for m, lo in zip(curve.median, curve.low, strict=True)],
                  [max(0.0, hi - m) for m, hi in zip(curve.median, curve.high, strict=True)]]
        gaps = sum(not math.isfinite(v) for v in curve.median)  # cells not measured
        label = (curve.label + (f", {curve.python}" if curve.python else "")
                 + (f" ({gaps} not measured)" if gaps else ""))
        line, marker = LINES[pythons.index(curve.python) % len(LINES)]
        axes.errorbar(curve.x, curve.median, yerr=errors, marker=marker, markersize=4,
                      capsize=3, label=label, linestyle=line,
                      color=colours.setdefault(curve.label, f"C{len(colours) % 10}"))
    if panel.reference is not None:
        axes.plot(panel.reference.x, panel.reference.median, linestyle="--", color="grey",
                  label=panel.reference.label)
    values = [v for curve in panel.curves for v in curve.median if v > 0 and math.isfinite(v)]
    if panel.logx and all(x > 0 for curve in panel.curves for x in curve.x):
        axes.set_xscale("log")
    if panel.logy and values:
        axes.set_yscale("log")
    axes.set_title(panel.title, fontsize=9)
    axes.set_xlabel(panel.xlabel, fontsize=8)
    axes.set_ylabel(panel.ylabel, fontsize=8)
    axes.tick_params(labelsize=7)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=7)


def bars_panel(c: Comparison) -> Panel:
    """A fallback chart: each side's median for each row, as points against the row index."""
    from benchmarks.common import line

    names = [side.name for side in c.rows[0].sides]
    curves = [line(name, list(range(1, len(c.rows) + 1)),
                   [row.sides[i].median for row in c.rows]) for i, name in enumerate(names)]
    return Panel(c.title, "row", c.rows[0].sides[0].unit, curves, logx=False)

"""A trace's lanes (util.tools.timeline) drawn as a compact PNG timeline with matplotlib (Agg):
a bar where each lane ran, a thin line while it waited, marks where tasks were created and ended,
the steps that held the event loop too long in red."""
from __future__ import annotations

from pathlib import Path

from util.tools.timeline import SLOW_STEP, Trace

MAX_LANES = 30  # lanes drawn; the trace file has them all
COLOURS = {"loop": "#8c8c8c", "task": "#3b75af", "thread": "#519e3e", "process": "#ef8636"}
SLOW_COLOUR = "#d62728"
ALIVE_COLOUR = "#c8c8c8"  # the thin line from a lane's start to its end
GRID_COLOUR = "#eeeeee"
NOTE_COLOUR = "#555555"
MARKS = {"created": (">", "#2ca02c"), "done": ("o", "#222222"), "cancelled": ("x", "#ff7f0e"),
         "raised": ("X", SLOW_COLOUR)}
SLOW_SHADE = 0.08  # the alpha of the band behind a slow stretch, across every lane

# the figure, in inches at DPI dots each
WIDTH, DPI = 9, 80
TITLE_HEIGHT = 0.35  # above the lanes
FOOT_HEIGHT = 0.85  # below them: the seconds' ticks and the legend
NOTE_HEIGHT = 0.2  # below the legend, the "… and N more lanes" line when lanes are hidden
LANE_HEIGHT = 0.26
PADDING = 0.2
LABELS_WIDTH = 2.5  # left of the lanes, their labels
RIGHT = 0.98  # where the lanes end, as a fraction of WIDTH
LEGEND_SHIFT = 1.2  # the legend's centre right of the figure's, under the lanes' centre
LEGEND_BOTTOM, NOTE_BOTTOM = 0.02, 0.04
# in lanes and seconds
BAR = 0.6  # a bar's thickness; a lane is 1 apart from the next
LANE_MARGIN = 0.7  # below the first lane's centre and above the last's
TIME_MARGIN = 0.01  # left and right of the run, as a fraction of it
SHORTEST = 1 / 400  # the shortest step still shows, as a tick this fraction of the run wide
# text
TEXT_SIZE, TITLE_SIZE, LEGEND_SIZE = 8, 9, 7
MARKER_SIZE = 5
LABEL_CHARACTERS = 42  # a longer lane label is cut with "…"


def draw(trace: Trace, path: Path | str, title: str = "", max_lanes: int = MAX_LANES) -> Path:
    """Draw the trace's lanes as a PNG timeline: bars where each ran, a thin line while it
    waited, marks where tasks were created and ended, the slow steps in red."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lanes = trace.lanes[:max_lanes]
    hidden = len(trace.lanes) - len(lanes)
    top, bottom = TITLE_HEIGHT, FOOT_HEIGHT + (NOTE_HEIGHT if hidden else 0)
    height = top + bottom + LANE_HEIGHT * max(len(lanes), 1) + PADDING
    figure = Figure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    span = max(trace.seconds, 1e-3)
    for row, lane in enumerate(lanes):
        y = len(lanes) - 1 - row
        axes.hlines(y, *lane.alive, color=ALIVE_COLOUR, linewidth=1, zorder=1)
        normal = [(s, e - s) for s, e in lane.runs
                  if not (lane.kind == "task" and e - s > SLOW_STEP)]
        slow = [(s, e - s) for s, e in lane.runs if lane.kind == "task" and e - s > SLOW_STEP]
        minimum = span * SHORTEST
        bar = (y - BAR / 2, BAR)
        axes.broken_barh([(s, max(w, minimum)) for s, w in normal], bar,
                         facecolors=COLOURS[lane.kind], zorder=2)
        if slow:
            axes.broken_barh(slow, bar, facecolors=SLOW_COLOUR, zorder=2)
        for when, what in lane.marks:
            marker, colour = MARKS[what.split()[0]]
            axes.plot(when, y, marker=marker, color=colour, markersize=MARKER_SIZE, zorder=3,
                      linestyle="none")
    for stretch in trace.slow:
        axes.axvspan(stretch.start, stretch.end, color=SLOW_COLOUR, alpha=SLOW_SHADE, zorder=0)
    axes.set_yticks(range(len(lanes)))
    axes.set_yticklabels([_short(lane.label) for lane in reversed(lanes)], fontsize=TEXT_SIZE)
    axes.set_ylim(-LANE_MARGIN, max(len(lanes), 1) - 1 + LANE_MARGIN)
    axes.set_xlim(-span * TIME_MARGIN, span * (1 + TIME_MARGIN))
    axes.set_xlabel("seconds", fontsize=TEXT_SIZE)
    axes.tick_params(axis="x", labelsize=TEXT_SIZE)
    axes.grid(axis="x", color=GRID_COLOUR, zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if title:
        axes.set_title(title, fontsize=TITLE_SIZE, loc="left")
    legend = [Patch(color=COLOURS[kind], label=kind) for kind in COLOURS
              if any(lane.kind == kind for lane in lanes)]
    if trace.slow:
        legend.append(Patch(color=SLOW_COLOUR, label=f"held the loop > {SLOW_STEP * 1000:g} ms"))
    kinds = {what.split()[0] for lane in lanes for _when, what in lane.marks}
    legend += [Line2D([], [], marker=MARKS[what][0], color=MARKS[what][1], linestyle="none",
                      markersize=MARKER_SIZE, label=what) for what in MARKS if what in kinds]
    figure.subplots_adjust(left=LABELS_WIDTH / WIDTH, right=RIGHT, top=1 - top / height,
                           bottom=bottom / height)
    if legend:
        legend_bottom = LEGEND_BOTTOM + (NOTE_HEIGHT if hidden else 0)
        figure.legend(handles=legend, fontsize=LEGEND_SIZE, loc="lower center",
                      ncol=len(legend), frameon=False,
                      bbox_to_anchor=(0.5 + LEGEND_SHIFT / WIDTH, legend_bottom / height))
    if hidden:
        figure.text(0.01, NOTE_BOTTOM / height,
                    f"… and {hidden} more lanes (all are in the trace file)",
                    fontsize=LEGEND_SIZE, color=NOTE_COLOUR)
    path = Path(path)
    figure.savefig(path, dpi=DPI)
    return path


def _short(label: str, width: int = LABEL_CHARACTERS) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"

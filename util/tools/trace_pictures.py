"""The chapter READMEs' timelines, regenerated: `python -m util.tools.trace_pictures [N.M ...]`.

Each picture is `python -m util trace N.M` (util.tools.trace) run in a throwaway data folder, on
free ports, against an example.com stand-in of its own that answers after 0.5 s (so a request
is wide enough to see); its PNG is copied to chapter_NN/timelines/listing_N_M.png, and the
chapter README's last section, "Timelines", is written anew from `PICTURES`: each image with
a sentence on what to see. With listing numbers, only those are traced again (the sections are
rewritten all the same).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from util.settings import REPO
from util.tools import listing_index
from util.tools.processes import free_port

LATENCY = 0.5  # seconds: the stand-in's answer time in the pictures
SECTION = "## Timelines"
INTRODUCTION = (
    "What ran when, drawn from a trace by `uv run python -m util trace N.M` (see the "
    "[main README](../README.md#seeing-the-loop)): one lane per task (named by its coroutine), "
    "thread and child process, a bar where it ran and a thin line while it waited, ▶ where a "
    "task was created, ● where it was done, × cancelled, ✖ raised; red where one step held the "
    "event loop for more than 100 ms. The example.com stand-in answers after "
    f"{LATENCY:g} s here, and the tracer slows Python code down several times, so CPU-bound "
    "work takes longer than untraced. `uv run python -m util.tools.trace_pictures` draws them "
    "again.")


@dataclass(frozen=True)
class Picture:
    listing: str
    what_to_see: str
    env: dict[str, str] = field(default_factory=dict)
    seconds: float = 90
    args: tuple[str, ...] = ()


PICTURES = (
    Picture("2.9", "The three `delay(3)` tasks are created together and all wait through the "
                   "same 3 seconds: the whole run takes 3 s, not 9. Each runs only for an "
                   "instant at either end."),
    Picture("2.12", "`wait_for` gives the 2-second `delay` task 1 s, then cancels it (×): main "
                    "is done after about a second."),
    Picture("2.13", "At 5 s main takes a step: the timeout, which cancels only the shield. "
                    "The `delay` task it protected keeps waiting and is done at 10 s."),
    Picture("2.17", "The 2-second and 3-second delays wait side by side: main is done after 3 s, "
                    "not 5."),
    Picture("2.18", "Each CPU-bound task holds the loop (red) for its whole count, one after "
                    "the other: no overlap at all, main takes the sum."),
    Picture("2.19", "The 4-second delay is created at the start but cannot take its first "
                    "step until both CPU-bound tasks have released the loop."),
    Picture("2.20", "Each `requests.get` holds the loop for the whole request (red): the three "
                    "requests run one after another, although they are tasks."),
    Picture("4.8", "as_completed: both 1-second requests finish together, the 10-second one "
                   "alone; each task waits without holding the loop."),
    Picture("4.12_taskgroup", "The bad request raises at once (✖); the TaskGroup cancels (×) "
                              "the two slow requests while they are still waiting."),
    Picture("4.13", "With FIRST_COMPLETED main is done after the fastest request; the two "
                    "slower tasks are left pending until asyncio.run cancels them."),
    Picture("6.5", "The pool's worker processes take the calls: the small counts are done at "
                   "once, one worker counts to 100,000,000 while the event loop only waits."),
    Picture("7.17", "scrypt releases the GIL: the pool's six worker threads hash at the same "
                    "time. But main leaves its `with ThreadPoolExecutor()` block before it "
                    "awaits, and the pool's shutdown waits for every hash: main's first step "
                    "holds the loop (red) all along.", env={"PASSWORD_COUNT": "40"}),
    Picture("11.6", "The Semaphore(2) lets two operations in at a time: the second pair waits "
                    "until the first pair releases, 4 s in all."),
    Picture("11.14", "Every 5 s `notify_all` wakes both workers, but each holds the "
                     "Condition's lock for its 1 s of work: they work one after the other, "
                     "then wait again (stopped after 12 s).", seconds=12),
    Picture("12.2", "The producer adds customers faster than the three cashier tasks serve "
                    "them: once the bounded queue is full, its `put()` waits for a free place "
                    "(stopped after 10 s).", seconds=10),
    Picture("13.8", "Twenty texts, but the Semaphore lets only as many gpg subprocesses run as "
                    "there are CPUs: each task waits its turn, then waits for its gpg.",
            args=("20",)),
)


def picture_path(info: listing_index.ListingInfo) -> Path:
    return info.path.parent / "timelines" / f"{info.path.stem}.png"


def draw(pictures: list[Picture]) -> list[str]:
    """Trace each listing and copy its timeline beside its chapter; the failures, one a line."""
    from util.tools.example_site import ExampleSite

    failures = []
    data = Path(tempfile.mkdtemp(prefix="asyncio-book-pictures-"))
    site = ExampleSite.start("127.0.0.1", free_port(), LATENCY)
    try:
        base = site.env | {name: str(free_port()) for name in
                           ("SERVER_PORT", "WEB_PORT", "SERVICE_PORT", "PGPORT")}
        for picture in pictures:
            info = listing_index.find(picture.listing)
            env = {**_environ(), **base, **picture.env, "ASYNCIO_DATA_DIR": str(data)}
            result = subprocess.run(
                [sys.executable, "-m", "util", "trace", "--seconds", str(picture.seconds),
                 info.id, *picture.args], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            made = data / "trace" / f"{info.path.stem}.png"
            if not made.exists():
                last = (result.stderr.strip().splitlines() or ["?"])[-1]
                failures.append(f"{info.id}: no timeline ({last})")
                continue
            target = picture_path(info)
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(made, target)
            print(f"{info.id}: {target.relative_to(REPO)} ({target.stat().st_size // 1024} KB)")
    finally:
        site.stop()
        shutil.rmtree(data, ignore_errors=True)
    return failures


def _environ() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items()
            if not key.startswith(("EXAMPLE_", "ASYNCIO_DATA_DIR"))}


def section(pictures: list[Picture]) -> str:
    """The README's "Timelines" section for one chapter's pictures."""
    parts = [SECTION, "", INTRODUCTION]
    for picture in pictures:
        info = listing_index.find(picture.listing)
        image = picture_path(info).relative_to(info.path.parent)
        parts += ["", f"### [{info.id}]({info.path.name}): {info.caption}", "",
                  f"![Timeline of listing {info.id}]({image.as_posix()})", "",
                  picture.what_to_see]
    return "\n".join(parts) + "\n"


def write_sections() -> list[Path]:
    """Rewrite the "Timelines" section of every chapter README that has pictures."""
    chapters: dict[Path, list[Picture]] = {}
    for picture in PICTURES:
        info = listing_index.find(picture.listing)
        if picture_path(info).exists():
            chapters.setdefault(info.path.parent / "README.md", []).append(picture)
    for readme, pictures in chapters.items():
        text = readme.read_text(encoding="utf-8")
        before, found, after = text.partition(f"\n{SECTION}\n")
        _ours, later, rest = after.partition("\n## ")  # a section after ours stays after it
        kept = (before if found else text).rstrip("\n") + "\n\n" + section(pictures)
        readme.write_text(kept + (f"\n## {rest}" if later else ""), encoding="utf-8")
    return list(chapters)


def main(argv: list[str] | None = None) -> int:
    wanted = sys.argv[1:] if argv is None else argv
    known = {picture.listing: picture for picture in PICTURES}
    unknown = [number for number in wanted if number not in known]
    if unknown:
        print(f"no picture for {', '.join(unknown)}: the pictures are of "
              f"{', '.join(known)}", file=sys.stderr)
        return 2
    failures = draw([known[number] for number in wanted] if wanted else list(PICTURES))
    for readme in write_sections():
        print(f"wrote the Timelines section of {readme.relative_to(REPO)}")
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

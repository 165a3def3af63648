"""Make a synthetic Google Books Ngram 1-gram file for the MapReduce listings (6.7-6.9, 6.14).

    python -m chapter_06.make_data [--lines N] [--seed S] [--output PATH]

The book downloads googlebooks-eng-all-1gram-20120701-a (1.8 GB, 86.6 million lines) from
Google; this repository never does. This script writes a file with the same name and format
next to the listings (chapter_06/, git-ignored): UTF-8, one record per line, four tab-separated
fields `ngram year match_count volume_count`, every ngram starting with "a" or "A", lines sorted
by ngram, then year. It is deterministic: the same --lines and --seed give the same bytes.

What the listings rely on:
- the match_counts of the ngram "Aardvark" add up to 15,209, the book's answer; its first lines
  are the book's (1822 2 1, 1824 3 1, 1827 10 7) and it has 1,200 matches in 2007;
- decoys that must not be counted as "Aardvark": AARDVARK, Aardvark_NOUN, Aardvarks, aardvark;
- the "Aardvark" lines straddle line 60,000, so the count is split between the first two chunks
  of 60,000 lines and only the merge step gets it right;
- at least two full chunks of 60,000 lines plus a partial one (--lines must exceed 120,000).

With the default --lines and --seed, an existing file is left as it is (whatever made it: a
reader may put the real Google file there); with explicit --lines or --seed the file is
written again. Point the listings (and this tool's default output) at another file with the
NGRAM_FILE environment variable (util.settings).
"""
from __future__ import annotations

import argparse
import os
import random
import string
import sys
import tempfile
from pathlib import Path

from util import settings

FILE_NAME = settings.read({}).NGRAM_FILE.name  # the book's, whatever NGRAM_FILE says
DEFAULT_PATH = settings.NGRAM_FILE
DEFAULT_LINES = 1_000_000
DEFAULT_SEED = 2012
CHUNK = 60_000  # the listings' partition size
AARDVARK = "Aardvark"
AARDVARK_TOTAL = 15_209
AARDVARK_BEFORE_CHUNK_END = 20  # how many "Aardvark" lines end the first chunk
YEARS = range(1500, 2009)
SUFFIXES = ("_NOUN", "_VERB", "_ADJ", "_ADV", "_DET", "_CONJ", "_NUM", "_PRON", "_ADP")
# fixed tokens besides Aardvark: the book's examples and the decoys
FIXED_BEFORE = ("A", "A'Aang_NOUN", "AARDVARK")
FIXED_AFTER = ("aardvark", "aardvark_NOUN", "aardvarks", "and_CONJ")
DECOYS_AFTER_AARDVARK = ("Aardvark_NOUN", "Aardvarks")


def aardvark_lines() -> list[tuple[int, int, int]]:
    """(year, match_count, volume_count) of "Aardvark": the same for every seed, summing to
    15,209."""
    rng = random.Random(6)
    years = sorted([*rng.sample(range(1830, 2007), 36), 1822, 1824, 1827, 2007, 2008])
    counts = {1822: (2, 1), 1824: (3, 1), 1827: (10, 7), 2007: (1200, 310)}
    free = [year for year in years if year not in counts]
    weights = [1 + (year - 1830) ** 2 / 400 + rng.random() for year in free]
    rest = AARDVARK_TOTAL - sum(match for match, _ in counts.values())
    matches = [int(rest * weight / sum(weights)) for weight in weights]
    matches[-1] += rest - sum(matches)
    for year, match in zip(free, matches, strict=True):
        counts[year] = (match, max(1, match * 2 // 7))
    return [(year, *counts[year]) for year in years]


def random_token(rng: random.Random, before: bool) -> str:
    """A token that sorts before "Aardvark" (acronyms such as AB4 or A-1) or after "Aardvarks"
    (Ab..., Az..., a...), never one starting with "Aardvark"."""
    lower = string.ascii_lowercase
    if before:
        head = "A" + rng.choice(string.ascii_uppercase + string.digits + "'.-")
        token = head + "".join(rng.choices(string.ascii_uppercase + string.digits,
                                           k=rng.randint(0, 4)))
    else:
        first = rng.choice(("a", "a", "a", "A"))
        second = rng.choice(lower[1:] if first == "A" else lower)
        token = first + second + "".join(rng.choices(lower, k=rng.randint(1, 9)))
    if rng.random() < 0.25:
        token += rng.choice(SUFFIXES)
    return token


def group(rng: random.Random, lines: int, fixed: tuple[str, ...], before: bool):
    """Tokens (sorted) with how many year lines each gets, `lines` in all."""
    sizes = []
    remaining = lines
    while remaining:
        size = min(remaining, rng.choice((rng.randint(1, 40), rng.randint(40, 300),
                                          rng.randint(300, len(YEARS)))))
        sizes.append(size)
        remaining -= size
    tokens = set(fixed)
    while len(tokens) < len(sizes):
        tokens.add(random_token(rng, before))
    return list(zip(sorted(tokens), sizes, strict=True))


def records(lines: int, seed: int):
    """Every line of the file, in order, as text."""
    rng = random.Random(seed)
    aardvark = aardvark_lines()
    decoy_lines = 2 * 30
    before = CHUNK - AARDVARK_BEFORE_CHUNK_END
    after = lines - before - len(aardvark) - decoy_lines
    if after < CHUNK:
        raise ValueError(f"--lines must be more than {2 * CHUNK:,}")
    for token, size in group(rng, before, FIXED_BEFORE, before=True):
        yield from token_lines(rng, token, size)
    for year, match, volumes in aardvark:
        yield f"{AARDVARK}\t{year}\t{match}\t{volumes}\n"
    for token in DECOYS_AFTER_AARDVARK:
        yield from token_lines(rng, token, decoy_lines // len(DECOYS_AFTER_AARDVARK))
    for token, size in group(rng, after, FIXED_AFTER, before=False):
        yield from token_lines(rng, token, size)


def token_lines(rng: random.Random, token: str, size: int):
    scale = rng.choice((3, 30, 300, 3000))
    for year in sorted(rng.sample(YEARS, size)):
        match = 1 + int(rng.expovariate(1) * scale)
        yield f"{token}\t{year}\t{match}\t{1 + int(match * rng.random() * 0.6)}\n"


def make(output: Path, lines: int, seed: int) -> None:
    """Write the file atomically (a partial file never carries the real name)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            batch = []
            for line in records(lines, seed):
                batch.append(line)
                if len(batch) == 10_000:
                    file.write("".join(batch))
                    batch.clear()
            file.write("".join(batch))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chapter_06.make_data",
        description="Write a synthetic googlebooks-eng-all-1gram-20120701-a for chapter 6.")
    parser.add_argument("--lines", type=int, default=None,
                        help=f"number of lines, more than {2 * CHUNK:,} "
                             f"(default {DEFAULT_LINES:,}; the real file has 86,618,505)")
    parser.add_argument("--seed", type=int, default=None, help=f"default {DEFAULT_SEED}")
    parser.add_argument("--output", type=Path, default=DEFAULT_PATH,
                        help=f"default {DEFAULT_PATH}")
    args = parser.parse_args(argv)
    defaults = args.lines is None and args.seed is None
    lines = DEFAULT_LINES if args.lines is None else args.lines
    seed = DEFAULT_SEED if args.seed is None else args.seed
    if lines <= 2 * CHUNK:
        parser.error(f"--lines must be more than {2 * CHUNK:,} (two full chunks of "
                     f"{CHUNK:,} lines plus a partial one)")
    if defaults and args.output.exists():
        return 0
    make(args.output, lines, seed)
    print(f"made {args.output}: {lines:,} lines (seed {seed}); "
          f"{AARDVARK} appears {AARDVARK_TOTAL} times")
    return 0


if __name__ == "__main__":
    sys.exit(main())

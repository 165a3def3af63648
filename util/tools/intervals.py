"""Interval arithmetic on a trace's tracks (util.tools.timeline): the calls no other call on a
track encloses, the union of intervals, and intervals less the holes a wait makes in them."""
from __future__ import annotations

Interval = tuple[float, float]
Call = tuple[float, float, str]  # (start, end, name)


def top_level(track: list[Call]) -> list[Call]:
    """The calls on a track that no other call on it encloses, in time order."""
    top, reach = [], float("-inf")
    for start, end, name in sorted(track, key=lambda call: (call[0], -call[1])):
        if start >= reach:
            top.append((start, end, name))
            reach = end
        elif end > reach:  # overlaps without nesting (clock rounding): extend
            top[-1] = (top[-1][0], end, top[-1][2])
            reach = end
    return top


def union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def minus(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result, holes = [], union(holes)
    for start, end in union(intervals):
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result

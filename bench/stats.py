"""Pure helpers of the benchmark: summary statistics, targets and verdicts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def median(values: Sequence[float]) -> float:
    """Median of the values (NaN when there are none)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (NaN when empty)."""
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(ours: float, bare: float) -> float:
    """How many times longer ours took than the bare loop."""
    if bare <= 0:
        raise ValueError("the bare time must be positive")
    return ours / bare


def realtime_multiple(video_s: float, wall_s: float) -> float:
    """Seconds of video analysed per second of wall time (> 1 is faster than real time)."""
    if wall_s <= 0:
        raise ValueError("the wall time must be positive")
    return video_s / wall_s


@dataclass(frozen=True)
class Target:
    """A bound a measured value must respect: ``value <= limit`` (``at_most``) or ``value >= limit``."""

    limit: float
    at_most: bool = True

    def met(self, value: float | None) -> bool | None:
        """True or False, or None when nothing was measured."""
        if value is None or math.isnan(value):
            return None
        return value <= self.limit if self.at_most else value >= self.limit

    def describe(self, unit: str = "") -> str:
        return f"{'<=' if self.at_most else '>='} {self.limit:g}{unit}"


def verdict(met: bool | None) -> str:
    """The word the table shows for a target."""
    return {True: "met", False: "MISSED", None: "n/a"}[met]


def growth_mb(short_mb: float, long_mb: float) -> float:
    """How much more memory the long video needed than the short one (negative = less)."""
    return long_mb - short_mb

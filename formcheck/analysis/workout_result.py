"""Immutable results of an analysed workout: its sets in order, each a full SetResult; reports only format them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from formcheck.analysis.result import SetResult, SourceInfo


@dataclass(frozen=True)
class WorkoutSet:
    """One set found in the workout, where it lies in the video and why it ended."""

    number: int
    result: SetResult
    start_s: float
    end_s: float
    ended_by: str               # "left the picture", "rested", "ended" (the video), "skipped", ...
    planned: str | None = None  # the exercise the plan expected here


@dataclass(frozen=True)
class WorkoutResult:
    """A whole workout: every set found, and how it compares with the plan when there was one."""

    source: SourceInfo
    sets: tuple[WorkoutSet, ...]
    complete: bool
    interruption: str | None
    analysed_at: str
    unclear: Mapping[str, Any] | None = None     # the last stretch whose exercise could not be told
    skipped: tuple[int, ...] = ()                # planned sets the user skipped (index in the plan's sets)
    plan: Mapping[str, Any] | None = None        # the plan's id, name and file
    adherence: Mapping[str, Any] | None = None   # reps against the plan's target, per planned set

    @property
    def rep_count(self) -> int:
        """Reps of every set."""
        return sum(s.result.rep_count for s in self.sets)

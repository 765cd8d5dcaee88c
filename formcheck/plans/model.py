"""A workout plan as frozen data (loaded and validated by ``formcheck.plans.loader``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class PlanStep:
    """One exercise of the plan: ``sets`` sets of ``reps_min``-``reps_max`` reps (per side when ``each_side``)."""

    exercise: str
    sets: int
    reps_min: int
    reps_max: int
    each_side: bool       # a one-arm exercise done on each side (both sides make one set)
    rest_s: float         # rest after each set of this exercise
    hold_s: float | None  # the hold at the top of each rep, when the plan names one (else the rule file's)
    note: str = ""

    @property
    def sides(self) -> str:
        """``"both"`` for a one-arm exercise done on each side, ``""`` otherwise."""
        return "both" if self.each_side else ""


@dataclass(frozen=True)
class PlannedSet:
    """One set of the plan in the order it is done."""

    number: int           # 1, 2, ... over the whole plan
    exercise: str
    reps_min: int         # per side when ``each_side``
    reps_max: int
    each_side: bool
    rest_after_s: float   # rest after this set (0 after the last)
    note: str = ""
    hold_s: float | None = None  # the plan's hold at the top of each rep (None: the rule file's)
    set_of_exercise: int = 1     # this is set ``set_of_exercise`` of ``sets_of_exercise`` of its step
    sets_of_exercise: int = 1

    @property
    def sides(self) -> str:
        """``"both"`` for a one-arm exercise done on each side, ``""`` otherwise."""
        return "both" if self.each_side else ""


@dataclass(frozen=True)
class Plan:
    """A workout: its steps in order."""

    id: str
    name: str
    path: Path
    steps: tuple[PlanStep, ...]
    notes: tuple[str, ...] = ()   # general tips shown before the workout (e.g. warm up first)

    def sets(self) -> tuple[PlannedSet, ...]:
        """Every set in the order it is done; the rest after a step's last set is the rest before the next step."""
        out = [PlannedSet(0, step.exercise, step.reps_min, step.reps_max, step.each_side, step.rest_s, step.note,
                          step.hold_s, k, step.sets)
               for step in self.steps for k in range(1, step.sets + 1)]  # fmt: skip
        out = [replace(s, number=i) for i, s in enumerate(out, start=1)]
        if out:
            out[-1] = replace(out[-1], rest_after_s=0.0)
        return tuple(out)

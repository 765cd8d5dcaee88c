"""Progress across sets, for the progress report: per exercise trends, adherence, pain and effort.

Pure data: recorded sets (and their stored reports) in, figures out; the report modules draw them.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from formcheck.history.query import SetSummary
from formcheck.history.record import cue_verdict
from formcheck.history.targets import RangeTarget, targets_for

IMPROVING, WORSE, STEADY, TOO_FEW = "improving", "worse", "steady", "too few sets"
TREND_POINTS = 10.0   # a fault rate that moves by at least 10 percentage points between early and late sets
MAX_CUES = 4          # the cues broken most, per exercise


@dataclass(frozen=True)
class CueTrend:
    """A cue of an exercise: how often reps broke it, early and late in the period."""

    cue: str
    wording: str                    # the article's words
    sets_broken: int
    sets_checked: int
    rates: tuple[float | None, ...]  # per set: the share of checked reps (or the set) that broke it, in %
    early: float | None
    late: float | None
    trend: str


@dataclass(frozen=True)
class RangeTrend:
    """One range-of-motion figure of an exercise across its sets."""

    target: RangeTarget
    rule_limit: float | None
    achieved: tuple[float | None, ...]
    best: tuple[float | None, ...]
    reaching: tuple[float | None, ...]   # per set: % of measured reps reaching what the rule file accepts

    @property
    def first(self) -> float | None:
        return next((v for v in self.achieved if v is not None), None)

    @property
    def last(self) -> float | None:
        return next((v for v in reversed(self.achieved) if v is not None), None)


@dataclass(frozen=True)
class ExerciseProgress:
    """Every set of one exercise, in time order, and what changed."""

    exercise: str
    name: str
    sets: tuple[SetSummary, ...]
    ranges: tuple[RangeTrend, ...]
    cues: tuple[CueTrend, ...]

    @property
    def scores(self) -> list[float | None]:
        return [s.score for s in self.sets]

    def first_last(self, values: list[float | None]) -> tuple[float | None, float | None]:
        known = [v for v in values if v is not None]
        return (known[0], known[-1]) if known else (None, None)


@dataclass(frozen=True)
class Progress:
    """The progress of one person over a period."""

    person: str
    sets: tuple[SetSummary, ...]
    exercises: tuple[ExerciseProgress, ...]
    weeks: tuple[tuple[dt.date, int], ...]     # Monday of every week of the period, sets done that week
    generated_at: dt.datetime
    since: dt.date | None = None

    @property
    def first(self) -> dt.datetime:
        return self.sets[0].when

    @property
    def last(self) -> dt.datetime:
        return self.sets[-1].when

    @property
    def days_active(self) -> int:
        return len({s.when.date() for s in self.sets})

    @property
    def sets_per_week(self) -> float:
        return len(self.sets) / max(1, len(self.weeks))

    @property
    def pain(self) -> list[tuple[dt.datetime, int]]:
        return [(s.when, s.pain) for s in self.sets if s.pain is not None]

    @property
    def effort(self) -> list[tuple[dt.datetime, int]]:
        return [(s.when, s.effort) for s in self.sets if s.effort is not None]

    @property
    def notes(self) -> list[SetSummary]:
        return [s for s in self.sets if s.note]


def build_progress(person: str, sets: list[SetSummary], reports: dict[int, dict[str, Any]],
                   generated_at: dt.datetime, since: dt.date | None = None) -> Progress:  # fmt: skip
    """The progress of ``person`` from their sets (oldest first) and the sets' stored reports."""
    ordered = tuple(sorted(sets, key=lambda s: (s.performed_at, s.id)))
    by_exercise: dict[str, list[SetSummary]] = {}
    for s in ordered:
        by_exercise.setdefault(s.exercise, []).append(s)
    exercises = tuple(_exercise(ex, group, reports) for ex, group in by_exercise.items())
    return Progress(person, ordered, exercises, weeks(ordered), generated_at, since)


def weeks(sets: tuple[SetSummary, ...]) -> tuple[tuple[dt.date, int], ...]:
    """Sets per week (weeks start on Monday), every week from the first set's to the last's, empty ones too."""
    if not sets:
        return ()
    mondays = Counter(_monday(s.when.date()) for s in sets)
    first, last = min(mondays), max(mondays)
    count = (last - first).days // 7 + 1
    return tuple((first + dt.timedelta(weeks=i), mondays.get(first + dt.timedelta(weeks=i), 0)) for i in range(count))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _exercise(exercise: str, sets: list[SetSummary], reports: dict[int, dict[str, Any]]) -> ExerciseProgress:
    ranges = []
    for target in targets_for(exercise):
        found = [s.rom(target.metric) for s in sets]
        if not any(r is not None and r.achieved is not None for r in found):
            continue
        limit = next((r.rule_limit for r in reversed(found) if r is not None), None)
        ranges.append(RangeTrend(
            target, limit,
            tuple(r.achieved if r else None for r in found),
            tuple(r.best if r else None for r in found),
            tuple(100.0 * r.reps_reaching / r.reps_measured if r and r.reps_measured else None for r in found),
        ))  # fmt: skip
    return ExerciseProgress(exercise, sets[-1].exercise_name, tuple(sets), tuple(ranges),
                            cue_trends([reports[s.id] for s in sets if s.id in reports]))  # fmt: skip


def fault_rate(report: dict[str, Any], cue_id: str) -> float | None:
    """The share (%) of the set's checked reps that broke the cue; a cue judged on the whole set is 0 or 100."""
    cue = report["cues"].get(cue_id)
    if cue is None or not cue.get("checked"):
        return None
    if cue.get("reps_with_fault") is None:
        return 100.0 if cue.get("fault") else 0.0
    verdicts = [cue_verdict(rep, cue_id) for rep in report["reps"]]
    checked = [v for v in verdicts if v != "not_checked"]
    return 100.0 * checked.count("fault") / len(checked) if checked else None


def cue_trends(reports: list[dict[str, Any]]) -> tuple[CueTrend, ...]:
    """The cues broken in the most sets (then the highest mean rate), with their early and late fault rates."""
    order: dict[str, str] = {}
    for report in reports:
        for cue_id, cue in report["cues"].items():
            order.setdefault(cue_id, cue.get("cue") or cue_id)
    trends = []
    for cue_id, wording in order.items():
        rates = tuple(fault_rate(r, cue_id) for r in reports)
        known = [v for v in rates if v is not None]
        broken = sum(1 for v in known if v > 0)
        if not broken:
            continue
        early, late, trend = _trend(known)
        trends.append(CueTrend(cue_id, wording, broken, len(known), rates, early, late, trend))
    trends.sort(key=lambda t: (-t.sets_broken, -statistics.fmean(v for v in t.rates if v is not None), t.cue))
    return tuple(trends[:MAX_CUES])


def _trend(known: list[float]) -> tuple[float | None, float | None, str]:
    """Mean fault rate of the first and the last third of the sets (at least one set each)."""
    if len(known) < 2:
        return (known[0] if known else None), None, TOO_FEW
    third = max(1, math.floor(len(known) / 3))
    early, late = statistics.fmean(known[:third]), statistics.fmean(known[-third:])
    if late <= early - TREND_POINTS:
        return early, late, IMPROVING
    if late >= early + TREND_POINTS:
        return early, late, WORSE
    return early, late, STEADY

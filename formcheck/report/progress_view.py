"""What the progress report says, as text and figures shared by its HTML page and its PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matplotlib.figure import Figure

from formcheck.history.query import SetSummary
from formcheck.history.targets import HIGHER, target_for
from formcheck.history.trends import IMPROVING, WORSE, ExerciseProgress, Progress, RangeTrend
from formcheck.report.progress_charts import day, exercise_figure, overview_figure

HIGH_PAIN = 7
PAIN_CHANGE = 2


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    sub: str
    tone: str = ""            # good, fair, poor or empty


@dataclass(frozen=True)
class GlanceRow:
    """One exercise on the first page: first set -> latest set."""

    name: str
    sets: str
    reps: str
    score: str
    ranges: tuple[str, ...]
    cue: str
    cue_trend: str


@dataclass(frozen=True)
class CueRow:
    cue: str
    wording: str
    broken: str
    early: str
    late: str
    trend: str


@dataclass(frozen=True)
class ExerciseView:
    name: str
    summary: str
    figure: Figure
    cues: tuple[CueRow, ...]


@dataclass(frozen=True)
class SetRow:
    id: int
    date: str
    exercise: str
    reps: str
    partial: str
    score: str
    ranges: str
    hold: str
    pain: str
    effort: str
    note: str
    complete: bool


@dataclass(frozen=True)
class ProgressView:
    title: str
    person: str
    period: str
    generated: str
    scope: str
    cards: tuple[Card, ...]
    glance: tuple[GlanceRow, ...]
    flags: tuple[str, ...]
    notes: tuple[tuple[str, str, str], ...]      # date, exercise, note
    exercises: tuple[ExerciseView, ...]
    overview: Figure                               # sets per week; pain and effort
    sets: tuple[SetRow, ...]


def progress_view(progress: Progress, exercise: str | None = None) -> ProgressView:
    """Everything the report shows, worded once."""
    weeks = len(progress.weeks)
    scope = "all exercises" if exercise is None else f"exercise {exercise}"
    if progress.since is not None:
        scope += f", sets from {progress.since:%d %b %Y}"
    return ProgressView(
        title=f"Progress report – {progress.person}",
        person=progress.person,
        period=f"{period(progress.first, progress.last)} ({weeks} week{'s' if weeks != 1 else ''})",
        generated=f"{progress.generated_at:%d %b %Y, %H:%M}",
        scope=scope,
        cards=_cards(progress),
        glance=tuple(_glance(ex) for ex in progress.exercises),
        flags=tuple(flags(progress)),
        notes=tuple((f"{s.when:%d %b %Y}", s.exercise_name, s.note or "") for s in progress.notes),
        exercises=tuple(_exercise(ex) for ex in progress.exercises),
        overview=overview_figure(progress),
        sets=tuple(_set_row(s) for s in progress.sets),
    )


def period(first: dt.datetime, last: dt.datetime) -> str:
    """3 Mar – 28 Apr 2025; 12 Dec 2024 – 9 Jan 2025; 3 Mar 2025."""
    if first.date() == last.date():
        return f"{day(last)} {last:%Y}"
    start = day(first) if first.year == last.year else f"{day(first)} {first:%Y}"
    return f"{start} – {day(last)} {last:%Y}"



def fmt(value: float | None, unit: str) -> str:
    """A range-of-motion figure in its unit."""
    if value is None:
        return "–"
    if unit == "°":
        return f"{value:.0f}°"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value:+.2f}" if unit == "torso lengths" else f"{value:.2f} {unit}"


def _arrow(first: str, last: str, single: bool) -> str:
    return last if single else f"{first} → {last}"


def _cards(progress: Progress) -> tuple[Card, ...]:
    sets, weeks = len(progress.sets), len(progress.weeks)
    active_weeks = sum(1 for _, n in progress.weeks if n)
    pain = [v for _, v in progress.pain]
    effort = [v for _, v in progress.effort]
    if pain:
        pain_card = Card("Pain (0-10)", _arrow(str(pain[0]), str(pain[-1]), len(pain) == 1),
                         f"first → latest of {len(pain)} set{'s' if len(pain) != 1 else ''}; highest {max(pain)}",
                         "poor" if pain[-1] >= HIGH_PAIN else ("good" if pain[-1] < pain[0] else ""))  # fmt: skip
    else:
        pain_card = Card("Pain (0-10)", "–", "not recorded (--pain)")
    if effort:
        effort_card = Card("Effort (RPE)", _arrow(str(effort[0]), str(effort[-1]), len(effort) == 1),
                           f"first → latest; mean {sum(effort) / len(effort):.1f}")  # fmt: skip
    else:
        effort_card = Card("Effort (RPE)", "–", "not recorded (--effort)")
    return (
        Card("Sets", str(sets), f"on {progress.days_active} day{'s' if progress.days_active != 1 else ''}, "
             f"{len(progress.exercises)} exercise{'s' if len(progress.exercises) != 1 else ''}"),
        Card("Adherence", f"{progress.sets_per_week:.1f}", f"sets a week; sets in {active_weeks} of {weeks} "
             f"week{'s' if weeks != 1 else ''}", "good" if active_weeks == weeks else "fair"),
        pain_card,
        effort_card,
    )  # fmt: skip


def _range_text(trend: RangeTrend, single: bool) -> str:
    t = trend.target
    change = _arrow(fmt(trend.first, t.unit), fmt(trend.last, t.unit), single)
    return f"{t.label}: {change} (target {fmt(t.target, t.unit)})"


def _glance(ex: ExerciseProgress) -> GlanceRow:
    single = len(ex.sets) == 1
    first, last = ex.sets[0], ex.sets[-1]
    score_first, score_last = ex.first_last(ex.scores)
    scores = "–" if score_last is None else _arrow(f"{score_first:.0f}", f"{score_last:.0f}", single)
    top = ex.cues[0] if ex.cues else None
    return GlanceRow(
        ex.name, str(len(ex.sets)),
        _arrow(f"{first.rep_count}/{first.attempts}", f"{last.rep_count}/{last.attempts}", single),
        scores, tuple(_range_text(r, single) for r in ex.ranges),
        top.wording if top else "none broken", top.trend if top else "",
    )  # fmt: skip


def _exercise(ex: ExerciseProgress) -> ExerciseView:
    n = len(ex.sets)
    parts = [f"{n} set{'s' if n != 1 else ''} from {period(ex.sets[0].when, ex.sets[-1].when)}"]
    parts += [_range_text(r, n == 1) for r in ex.ranges]
    cues = tuple(CueRow(c.cue, c.wording, f"{c.sets_broken} of {c.sets_checked}", _pct(c.early), _pct(c.late),
                        c.trend) for c in ex.cues)  # fmt: skip
    return ExerciseView(ex.name, "; ".join(parts) + ".", exercise_figure(ex), cues)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _set_row(s: SetSummary) -> SetRow:
    ranges = []
    for rom in s.range_of_motion:
        target = target_for(s.exercise, rom.metric)
        if target is not None and rom.metric != "hold" and rom.achieved is not None:
            ranges.append(f"{fmt(rom.achieved, rom.unit)} of {fmt(rom.target, rom.unit)}")
    reps = f"{s.rep_count}" + (f" (L{s.reps_left} R{s.reps_right})" if s.reps_left is not None else "")
    hold = "–" if s.hold_s is None or not target_for(s.exercise, "hold") else f"{s.hold_s:.1f} s"
    return SetRow(s.id, f"{s.when:%Y-%m-%d %H:%M}", s.exercise_name, reps, str(s.partial_reps),
                  "–" if s.score is None else f"{s.score:.0f}", "; ".join(ranges) or "–",
                  hold, "–" if s.pain is None else str(s.pain),
                  "–" if s.effort is None else str(s.effort), s.note or "", s.complete)  # fmt: skip


def flags(progress: Progress) -> list[str]:
    """What a clinician may want to look at first: pain, cues getting worse or better, range short of target,
    weeks without a set, sets whose analysis stopped early."""
    out: list[str] = []
    pain = progress.pain
    if len(pain) >= 2 and abs(pain[-1][1] - pain[0][1]) >= PAIN_CHANGE:
        verb = "rose" if pain[-1][1] > pain[0][1] else "eased"
        out.append(f"Pain {verb} from {pain[0][1]} ({day(pain[0][0])}) to {pain[-1][1]} ({day(pain[-1][0])}).")
    high = [when for when, value in pain if value >= HIGH_PAIN]
    if high:
        out.append(f"Pain of {HIGH_PAIN} or more on {len(high)} set{'s' if len(high) != 1 else ''} "
                   f"(latest {day(high[-1])}).")  # fmt: skip
    for ex in progress.exercises:
        for cue in ex.cues:
            if cue.trend in (WORSE, IMPROVING):
                verb = "rose" if cue.trend == WORSE else "fell"
                out.append(f"{ex.name}: reps breaking “{cue.wording}” {verb} from {_pct(cue.early)} to "
                           f"{_pct(cue.late)}.")  # fmt: skip
        for trend in ex.ranges:
            t, last = trend.target, trend.last
            if last is None or t.shortfall(last) <= 0:
                continue
            accepted = trend.rule_limit
            short = accepted is None or (last < accepted if t.better == HIGHER else last > accepted)
            if short:
                out.append(f"{ex.name}: {t.label.lower()} {fmt(last, t.unit)} in the latest set; the article's "
                           f"target is {fmt(t.target, t.unit)}" + (f" (accepted from {fmt(accepted, t.unit)})."
                                                                  if accepted is not None else "."))  # fmt: skip
    empty = [monday for monday, n in progress.weeks if n == 0]
    if empty:
        listed = ", ".join(f"{day(m)}" for m in empty[:6]) + (" …" if len(empty) > 6 else "")
        out.append(f"No sets in {len(empty)} of {len(progress.weeks)} weeks (weeks of {listed}).")
    stopped = sum(1 for s in progress.sets if not s.complete)
    if stopped:
        out.append(f"{stopped} set{'s' if stopped != 1 else ''} stopped before the end (interrupted or camera lost).")
    return out

"""Sets for the history tests, built without MediaPipe: hand-made analyses turned into reports by build_report.

``made_set`` judges every cue like a real set would (checked from the set's camera view, a value per rep, the
chosen faults), so the reports follow the JSON contract exactly; ``weeks_of_sets`` makes a person's history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from formcheck.analysis.judge import CueVerdict, rep_score, view_reason
from formcheck.analysis.result import RepResult, SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.history.targets import targets_for
from formcheck.io.images import encode_jpeg
from formcheck.report.build import build_report
from formcheck.rules.loader import Cue, find_exercise
from tests.posebuild import make_pose

REP_S = 3.0


def _kept_value(cue: Cue) -> float:
    """A value that keeps the cue: inside its limits."""
    if cue.kind == "hold":
        return float(cue.min or 0.0) + 1.0
    low, high = cue.min, cue.max
    if low is not None and high is not None:
        return (low + high) / 2
    if low is not None:
        return low + 10.0 if abs(low) > 1 else low + 0.1
    assert high is not None
    return high - 10.0 if abs(high) > 1 else high - 0.1


def _outside(cue: Cue, value: float) -> bool:
    """A value the rule file does not accept."""
    return (cue.min is not None and value < cue.min) or (cue.max is not None and value > cue.max)


def _broken_value(cue: Cue) -> float:
    if cue.kind == "hold":
        return float(cue.min or 1.0) / 2
    if cue.min is not None:
        return cue.min - (15.0 if abs(cue.min) > 1 else 0.2)
    assert cue.max is not None
    return cue.max + (15.0 if abs(cue.max) > 1 else 0.2)


def made_analysis(exercise: str, reps: int, *, faults: dict[int, list[str]] | None = None,
                  values: dict[str, list[float]] | None = None, partial: int = 0, view: str | None = None,
                  when: dt.datetime | None = None, hold_s: float = 0.5, complete: bool = True,
                  path: str = "/videos/set.mp4") -> SetResult:  # fmt: skip
    """An analysed set of ``reps`` reps; ``faults[rep]`` lists cues the rep breaks, ``values[cue]`` per-rep values."""
    rules = find_exercise(exercise)
    view = view or rules.views[0]
    faults, values = faults or {}, values or {}
    analyzer = SetAnalyzer(rules, view=view)
    times = np.arange(0.0, REP_S * (reps + 1), 0.1)
    signal = np.where((times % REP_S) < REP_S / 2, 60.0 * np.sin(np.pi * (times % REP_S) / (REP_S / 2)), 0.0)
    for t, s in zip(times, signal, strict=True):
        row = np.full(len(analyzer.log.keys) * 2, 10.0)
        row[0:2] = s
        analyzer.log.append(float(t), row)
    sides = ("left", "right") if rules.sides == "alternating" else (None,)
    for i in range(1, reps + 1):
        side = sides[(i - 1) * len(sides) // max(1, reps)] if rules.sides == "alternating" else None
        verdicts = []
        for cue in rules.cues:
            if cue.kind == "sides":
                continue
            if view not in cue.views:
                verdicts.append(CueVerdict(cue.id, False, False, None, view_reason(cue, view)))
                continue
            broken = cue.id in faults.get(i, [])
            value = values[cue.id][i - 1] if cue.id in values else (_broken_value(cue) if broken else _kept_value(cue))
            if cue.kind == "hold" and cue.id not in values:
                value = hold_s
            broken = broken or _outside(cue, value)
            verdicts.append(CueVerdict(cue.id, True, broken, round(float(value), 3)))
        start = REP_S * (i - 1) + 0.2
        hold = next((v.value for v in verdicts if rules.cue(v.cue_id).kind == "hold" and v.value is not None), hold_s)
        analyzer.reps.append(RepResult(i, side, start, start + 0.7, start + 1.4, float(hold), 60.0,
                                       rep_score(rules, tuple(verdicts)), tuple(verdicts)))  # fmt: skip
    for p in range(partial):
        start = REP_S * reps + p * 0.5
        analyzer.partials.append(RepResult(p + 1, sides[0], start, start + 0.2, start + 0.4, 0.0, 20.0, 100.0, (),
                                           counted=False, reason="the arms did not rise far enough"))  # fmt: skip
    analyzer.frames_seen = analyzer.frames_with_person = len(times)
    pose = make_pose({"left_shoulder": (120, 60), "left_elbow": (150, 90), "left_wrist": (170, 120),
                      "left_hip": (60, 70), "left_knee": (40, 110)}, size=(240, 135))  # fmt: skip
    thumb = np.full((135, 240, 3), 90, np.uint8)
    thumb[40:100, 60:180] = (40, 120, 200)
    moment = (when or dt.datetime(2025, 3, 3, 18, 0, tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    return summarize(
        analyzer, SourceInfo(path, 30.0, len(times), float(times[-1]) + 0.1, 640, 360),
        complete=complete, analysed_at=moment.isoformat(timespec="seconds"),
        keyframes={i: (encode_jpeg(thumb), pose) for i in range(1, reps + 1)},
        interruption=None if complete else "interrupted by the user (Ctrl-C)",
    )  # fmt: skip


def made_set(exercise: str, reps: int, **kwargs: Any) -> dict[str, Any]:
    """The report dict of ``made_analysis``."""
    return build_report(made_analysis(exercise, reps, **kwargs))


def weeks_of_sets(start: dt.datetime, weeks: int = 6, skip_week: int | None = 3) -> list[tuple[dict, int, int]]:
    """(report, pain, effort) of a person improving over ``weeks`` weeks: two exercises, two sets a week
    (none in ``skip_week``); range of motion grows toward the target, a cue is broken less, pain eases."""
    out = []
    for week in range(weeks):
        if week == skip_week:
            continue
        for day, exercise in ((0, "reverse_fly"), (3, "hip_raise")):
            progress = week / max(1, weeks - 1)
            when = start + dt.timedelta(weeks=week, days=day)
            reps = 8 + round(4 * progress)
            target = targets_for(exercise)[0]
            if exercise == "reverse_fly":
                base = 62 + 24 * progress
                base = 58 + 28 * progress       # arm elevation: short of 90° at first, most reps over 65° later
                values = {target.cue: [base + 4 * (i % 3) for i in range(reps)]}
            else:
                base = -17 + 14 * progress      # hip line: sagging at first, nearly straight later
                line = [base + 3 * (i % 2) for i in range(reps)]
                values = {"hip_line": line, "no_arch": line, "hold_5": [3.2 + 2.0 * progress] * reps}
            report = made_set(exercise, reps, values=values, partial=1 if week == 0 else 0, when=when)
            out.append((report, max(0, 6 - week), min(10, 5 + week // 2)))
    return out

"""Judging cues: each cue once per rep over its phase; set-level checks on the whole set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.analysis.counter import RepEvent
from formcheck.analysis.framelog import BOTH, COUNTED, FrameLog
from formcheck.pose.view import VIEW_LABELS
from formcheck.rules.model import Cue, ExerciseRules

TOP_BAND = 0.2          # the top phase: frames within 20% of the rep's range of its peak
START_BEFORE_S = 0.5    # the start phase: the half second before the rep starts
CYCLE_BACK_S = 3.0      # the cycle phase reaches back to the previous rep's end, but no further than this
MIN_VALID = 0.4         # a cue is judged when at least 40% of its phase's frames could be measured
LOW, HIGH = 10, 90      # percentiles compared with min and max: brief glitches are not faults


@dataclass(frozen=True)
class CueVerdict:
    """One cue judged on one rep (or on the set)."""

    cue_id: str
    checked: bool
    fault: bool
    value: float | None
    reason: str = ""


def _not_checked(cue: Cue, reason: str) -> CueVerdict:
    return CueVerdict(cue.id, checked=False, fault=False, value=None, reason=reason)


def view_reason(cue: Cue, view: str) -> str:
    """Why a cue cannot be judged from this camera view."""
    best = " or ".join(VIEW_LABELS[v] for v in cue.views[:2])
    return f"cannot be judged {VIEW_LABELS.get(view, view)}; film {best}"


def _phase_values(cue: Cue, log: FrameLog, event: RepEvent, side: str, since_s: float | None) -> np.ndarray:
    if cue.phase == "cycle":
        start = event.start_s - START_BEFORE_S if since_s is None else since_s
        return log.column(cue.id, side, log.window(max(start, event.start_s - CYCLE_BACK_S), event.end_s))
    if cue.phase == "start":
        span = log.window(event.start_s - START_BEFORE_S, event.start_s)
        return log.column(cue.id, side, span)
    span = log.window(event.start_s, event.end_s)
    values = log.column(cue.id, side, span)
    if cue.phase == "top":
        signal = log.column(COUNTED, side, span)
        near_top = signal >= event.peak - TOP_BAND * event.amplitude
        if np.any(near_top):
            values = values[near_top]
    return values


def judge_cue(cue: Cue, view: str, log: FrameLog, event: RepEvent, side: str,
              since_s: float | None = None) -> CueVerdict:  # fmt: skip
    """Judge one cue on one rep; ``since_s`` is where the previous rep ended (for the cycle phase)."""
    if view not in cue.views:
        return _not_checked(cue, view_reason(cue, view))
    if cue.kind == "hold":
        assert cue.min is not None
        return CueVerdict(cue.id, True, event.hold_s < cue.min, round(event.hold_s, 2))
    if cue.kind != "range":
        return _not_checked(cue, "judged on the whole set")
    values = _phase_values(cue, log, event, side, since_s)
    valid = values[~np.isnan(values)]
    if valid.size < 3 or valid.size < MIN_VALID * values.size:
        where = "the joints" if side == BOTH else f"the {side} side's joints"
        return _not_checked(cue, f"{where} were not visible enough")
    if cue.baseline == "start":
        start = log.column(cue.id, side, log.window(event.start_s - START_BEFORE_S, event.start_s))
        start = start[~np.isnan(start)]
        if start.size == 0:
            return _not_checked(cue, "no starting position to compare with")
        valid = valid - float(np.median(start))
    low, high = np.percentile(valid, [LOW, HIGH])
    if cue.check == "reaches":  # the best moment of the phase must get there
        low, high = high, low
    if cue.min is not None and low < cue.min:
        return CueVerdict(cue.id, True, True, round(float(low), 3))
    if cue.max is not None and high > cue.max:
        return CueVerdict(cue.id, True, True, round(float(high), 3))
    return CueVerdict(cue.id, True, False, round(float(np.median(valid)), 3))


def judge_rep(rules: ExerciseRules, view: str, log: FrameLog, event: RepEvent, side: str,
              since_s: float | None = None) -> tuple[CueVerdict, ...]:  # fmt: skip
    """Judge every per-rep cue of an exercise on one rep."""
    return tuple(judge_cue(cue, view, log, event, side, since_s) for cue in rules.cues if cue.kind != "sides")


def name_shortfall(rules: ExerciseRules, verdicts: tuple[CueVerdict, ...]) -> tuple[CueVerdict, ...]:
    """A partial rep fell short of the range: its range cue (``rep.range_cue``) says so, as a fault."""
    cue_id = rules.rep.range_cue
    if cue_id is None:
        return verdicts
    short = "fell short of the range (measured by the rep signal)"
    return tuple(
        v if v.cue_id != cue_id or v.fault else CueVerdict(cue_id, True, True, v.value, "" if v.checked else short)
        for v in verdicts
    )


def rep_score(rules: ExerciseRules, verdicts: tuple[CueVerdict, ...]) -> float:
    """0-100: the weighted share of checked cues the rep kept."""
    weights = {cue.id: cue.weight for cue in rules.cues}
    checked = sum(weights[v.cue_id] for v in verdicts if v.checked)
    broken = sum(weights[v.cue_id] for v in verdicts if v.fault)
    return round(100.0 * (1.0 - broken / checked), 1) if checked else 100.0


def judge_sides(cue: Cue, reps_by_side: dict[str, int]) -> CueVerdict:
    """One side only, or clearly uneven sides, is a fault of the whole set."""
    left, right = reps_by_side.get("left", 0), reps_by_side.get("right", 0)
    if left + right == 0:
        return _not_checked(cue, "no reps were counted")
    difference = abs(left - right)
    uneven = min(left, right) == 0 or difference > max(2, 0.2 * max(left, right))
    return CueVerdict(cue.id, True, uneven, float(difference))

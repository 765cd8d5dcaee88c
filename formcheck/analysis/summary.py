"""Judging the whole set: rep range, sides, each cue over the set, findings and the score -> a SetResult."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from formcheck.analysis.judge import CueVerdict, judge_sides, view_reason
from formcheck.analysis.result import CueSummary, Finding, RepResult, SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.pose.frame import PoseFrame
from formcheck.rules.model import ExerciseRules

NOBODY_REASON = "nobody was seen in the video"


def target_text(rules: ExerciseRules) -> str:
    """The rep target in words: "10-20 reps" (the rule file's range) or "12 reps" (``--target-reps 12``)."""
    if rules.min_reps == rules.max_reps:
        return f"{rules.min_reps} reps"
    return f"{rules.min_reps}-{rules.max_reps} reps"


def _rep_range_finding(rules: ExerciseRules, count: int, end_s: float) -> Finding | None:
    if not count or rules.min_reps <= count <= rules.max_reps:
        return None
    few = count < rules.min_reps
    per_side = " per side." if rules.sides == "alternating" else "."
    if few:
        fix = f"Build up to {rules.min_reps} controlled reps."
    else:
        fix = f"Stop at {rules.max_reps} reps" + (" and add weight instead." if rules.min_reps < rules.max_reps
                                                  else ", as prescribed.")  # fmt: skip
    return Finding("rep_range", None, 0.0, end_s, float(count), f"{count} reps: the target is {target_text(rules)}"
                   f"{per_side}", fix)  # fmt: skip


def _set_verdicts(analyzer: SetAnalyzer, end_s: float) -> tuple[list[Finding], dict[str, CueVerdict]]:
    """Verdicts of the set-level cues (sides) and the findings they raise."""
    rules = analyzer.rules
    findings: list[Finding] = []
    verdicts: dict[str, CueVerdict] = {}
    by_side = analyzer.reps_by_side()
    for cue in rules.cues:
        if cue.kind != "sides":
            continue
        if analyzer.frames_with_person == 0 or analyzer.view not in cue.views:
            reason = NOBODY_REASON if analyzer.frames_with_person == 0 else view_reason(cue, analyzer.view or "")
            verdicts[cue.id] = CueVerdict(cue.id, False, False, None, reason)
            continue
        verdict = judge_sides(cue, by_side or {})
        verdicts[cue.id] = verdict
        if verdict.fault:
            findings.append(Finding(cue.id, None, 0.0, end_s, verdict.value, cue.message_for(verdict.value),
                                    cue.fix))  # fmt: skip
    return findings, verdicts


def _worst(verdicts: list[CueVerdict]) -> float | None:
    faulty = [v.value for v in verdicts if v.fault and v.value is not None]
    return float(np.median(faulty)) if faulty else None


def _cue_summaries(analyzer: SetAnalyzer, reps: list[RepResult], set_verdicts: dict[str, CueVerdict]):
    summaries = []
    for cue in analyzer.rules.cues:
        verdicts = [v for rep in reps for v in rep.verdicts if v.cue_id == cue.id]
        if cue.id in set_verdicts:
            verdicts = [set_verdicts[cue.id]]
        checked = any(v.checked for v in verdicts)
        reasons = sorted({v.reason for v in verdicts if not v.checked and v.reason})
        if not verdicts:
            reasons = [view_reason(cue, analyzer.view) if analyzer.view not in cue.views else "no reps to judge"]
            if analyzer.frames_with_person == 0:
                reasons = [NOBODY_REASON]
        summaries.append(CueSummary(
            id=cue.id,
            checked=checked,
            fault=any(v.fault for v in verdicts),
            reps_with_fault=sum(1 for v in verdicts if v.fault) if cue.kind != "sides" else None,
            worst=_worst(verdicts),
            not_checked_reason=None if checked else "; ".join(reasons),
        ))  # fmt: skip
    return tuple(summaries)


def summarize(
    analyzer: SetAnalyzer,
    source: SourceInfo,
    *,
    complete: bool,
    interruption: str | None,
    analysed_at: str,
    keyframes: Mapping[int, tuple[bytes, PoseFrame]] | None = None,
    recognition: Mapping[str, Any] | None = None,
    camera_advice: tuple[str, ...] = (),
    exercise_check: Mapping[str, Any] | None = None,
) -> SetResult:
    """Judge the set as a whole and freeze everything into a SetResult."""
    rules, reps = analyzer.rules, list(analyzer.reps)
    findings = [
        Finding(v.cue_id, rep.index, round(rep.start_s, 3), round(rep.end_s, 3), v.value,
                rules.cue(v.cue_id).message_for(v.value), rules.cue(v.cue_id).fix)
        for rep in reps for v in rep.verdicts if v.fault
    ]  # fmt: skip
    range_finding = _rep_range_finding(rules, analyzer.rep_count, source.duration_s)
    set_findings = [range_finding] if range_finding else []
    sides_findings, set_verdicts = _set_verdicts(analyzer, source.duration_s)
    set_findings += sides_findings
    # The form score: each counted rep's weighted share of its checked cues kept, averaged over the reps.
    # Set-level findings (rep range, sides) are reported apart and do not change it.
    score = round(float(np.mean([r.score for r in reps])), 1) if reps else None
    by_side = analyzer.reps_by_side()
    return SetResult(
        rules=rules,
        source=source,
        complete=complete,
        interruption=interruption,
        analysed_at=analysed_at,
        view=analyzer.view,
        near_side=analyzer.near_side,
        reps=tuple(reps),
        partial_reps=tuple(analyzer.partials),
        reps_by_side=MappingProxyType(by_side) if by_side is not None else None,
        cues=_cue_summaries(analyzer, reps, set_verdicts),
        findings=tuple(findings + set_findings),
        score=score,
        frames_seen=analyzer.frames_seen,
        frames_with_person=analyzer.frames_with_person,
        gaps=tuple(analyzer.gaps),
        log=analyzer.log,
        recognition=MappingProxyType(dict(recognition)) if recognition else None,
        camera_advice=tuple(camera_advice),
        keyframes=MappingProxyType(dict(keyframes or {})),
        exercise_check=MappingProxyType(dict(exercise_check)) if exercise_check else None,
        views=tuple(analyzer.views),
    )

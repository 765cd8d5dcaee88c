"""Build the report dictionary (JSON contract, schema_version 1) from an analysis."""

from __future__ import annotations

from typing import Any

import numpy as np

from formcheck.analysis.judge import CueVerdict, judge_sides, view_reason
from formcheck.analysis.set_analyzer import RepResult
from formcheck.pose.measures import UNITS
from formcheck.pose.view import VIEW_LABELS
from formcheck.rules.loader import Cue, ExerciseRules
from formcheck.safety import safety_dict
from formcheck.session import Analysis

SCHEMA_VERSION = 1
SET_FAULT_PENALTY = 10.0
NOBODY_REASON = "nobody was seen in the video"


def _message(template: str, value: float | None) -> str:
    try:
        return template.format(value=value if value is not None else float("nan"))
    except (ValueError, TypeError):
        return template


def _set_findings(analysis: Analysis) -> tuple[list[dict[str, Any]], dict[str, CueVerdict]]:
    """Findings about the whole set: number of reps, and sides for one-arm exercises."""
    rules, analyzer = analysis.rules, analysis.analyzer
    findings: list[dict[str, Any]] = []
    verdicts: dict[str, CueVerdict] = {}
    count = analyzer.rep_count
    end_s = analysis.source.duration_s
    if count and not rules.min_reps <= count <= rules.max_reps:
        few = count < rules.min_reps
        findings.append({
            "cue": "rep_range", "rep": None, "start_s": 0.0, "end_s": end_s, "value": float(count),
            "message": f"{count} reps: the target is {target_text(rules)}"
                       + (" per side." if rules.sides == "alternating" else "."),
            "fix": f"Build up to {rules.min_reps} controlled reps." if few else
                   f"Stop at {rules.max_reps} reps" + (" and add weight instead." if rules.min_reps < rules.max_reps
                                                       else ", as prescribed."),
        })  # fmt: skip
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
            findings.append({"cue": cue.id, "rep": None, "start_s": 0.0, "end_s": end_s, "value": verdict.value,
                             "message": _message(cue.message, verdict.value), "fix": cue.fix})
    return findings, verdicts


def cue_unit(cue: Cue) -> str:
    """The unit of a cue's measured value: the measure's ("°", "torso lengths"), seconds held, or reps."""
    if cue.kind == "hold":
        return "s"
    if cue.kind == "sides":
        return "reps"
    return UNITS.get(cue.measure or "", "°")


def target_text(rules: ExerciseRules) -> str:
    """The rep target in words: "10-20 reps" (the rule file's range) or "12 reps" (``--target-reps 12``)."""
    if rules.min_reps == rules.max_reps:
        return f"{rules.min_reps} reps"
    return f"{rules.min_reps}-{rules.max_reps} reps"


def _rep_entry(rep: RepResult) -> dict[str, Any]:
    return {
        "index": rep.index,
        "side": rep.side,
        "start_s": round(rep.start_s, 3),
        "top_s": round(rep.top_s, 3),
        "end_s": round(rep.end_s, 3),
        "hold_s": round(rep.hold_s, 2),
        "score": rep.score,
        "faults": rep.faults,
        "measures": {v.cue_id: v.value for v in rep.verdicts if v.checked},
    }


def build_report(analysis: Analysis) -> dict[str, Any]:
    """The report of one set, as plain JSON-ready data."""
    rules, analyzer = analysis.rules, analysis.analyzer
    reps = analyzer.reps
    findings = [
        {"cue": v.cue_id, "rep": rep.index, "start_s": round(rep.start_s, 3), "end_s": round(rep.end_s, 3),
         "value": v.value, "message": _message(rules.cue(v.cue_id).message, v.value), "fix": rules.cue(v.cue_id).fix}
        for rep in reps for v in rep.verdicts if v.fault
    ]  # fmt: skip
    set_findings, set_verdicts = _set_findings(analysis)
    findings.extend(set_findings)
    cues: dict[str, Any] = {}
    for cue in rules.cues:
        rep_verdicts = [v for rep in reps for v in rep.verdicts if v.cue_id == cue.id]
        if cue.id in set_verdicts:
            rep_verdicts = [set_verdicts[cue.id]]
        checked = any(v.checked for v in rep_verdicts)
        faulted = any(v.fault for v in rep_verdicts)
        reasons = sorted({v.reason for v in rep_verdicts if not v.checked and v.reason})
        if not rep_verdicts:
            reasons = [view_reason(cue, analyzer.view) if analyzer.view not in cue.views else "no reps to judge"]
            if analyzer.frames_with_person == 0:
                reasons = [NOBODY_REASON]
        cues[cue.id] = {
            "checked": checked,
            "reps_with_fault": sum(1 for v in rep_verdicts if v.fault) if cue.kind != "sides" else None,
            "fault": faulted,
            "cue": cue.cue,
            "message": _message(cue.message, _worst(rep_verdicts)) if faulted else None,
            "fix": cue.fix,
            "not_checked_reason": None if checked else "; ".join(reasons),
            "unit": cue_unit(cue),
        }
    rep_scores = [r.score for r in reps]
    score = None
    if rep_scores:
        score = round(max(0.0, float(np.mean(rep_scores)) - SET_FAULT_PENALTY * len(set_findings)), 1)
    return {
        "schema_version": SCHEMA_VERSION,
        "exercise": rules.id,
        "exercise_name": rules.name,
        "analysed_at": analysis.analysed_at,
        "source": {
            "path": analysis.source.path,
            "fps": round(analysis.source.fps, 3),
            "frames": analysis.source.frames,
            "duration_s": analysis.source.duration_s,
            "width": analysis.source.width,
            "height": analysis.source.height,
        },
        "complete": analysis.complete,
        "interruption": analysis.interruption,
        "recognition": analysis.recognition,
        "camera": {
            "view": analyzer.view,
            "view_label": VIEW_LABELS.get(analyzer.view or "", None),
            "recommended_views": list(rules.views),
            "advice": list(analysis.camera_advice),
        },
        "person": {
            "frames_with_person": analyzer.frames_with_person,
            "detected_fraction": round(analyzer.frames_with_person / max(1, analyzer.frames_seen), 3),
            "gaps": [{"start_s": round(a, 3), "end_s": round(b, 3)} for a, b in analyzer.gaps],
        },
        "rep_count": analyzer.rep_count,
        "target_reps": {"min": rules.min_reps, "max": rules.max_reps},
        "reps_by_side": analyzer.reps_by_side(),
        "partial_reps": [
            {"side": p.side, "start_s": round(p.start_s, 3), "end_s": round(p.end_s, 3), "reason": p.reason}
            for p in analyzer.partials
        ],
        "reps": [_rep_entry(rep) for rep in reps],
        "cues": cues,
        "findings": findings,
        "score": score,
        "safety": safety_dict(),
    }


def _worst(verdicts: list[CueVerdict]) -> float | None:
    faulty = [v.value for v in verdicts if v.fault and v.value is not None]
    return float(np.median(faulty)) if faulty else None

"""Format a SetResult as the report dictionary (JSON contract, schema_version 1); no judgement happens here."""

from __future__ import annotations

from typing import Any

from formcheck.analysis.result import RepResult, SetResult
from formcheck.pose.measures import UNITS
from formcheck.pose.view import VIEW_LABELS
from formcheck.rules.model import Cue
from formcheck.safety import safety_dict

SCHEMA_VERSION = 1


def cue_unit(cue: Cue) -> str:
    """The unit of a cue's measured value: the measure's ("°", "torso lengths"), seconds held, or reps."""
    if cue.kind == "hold":
        return "s"
    if cue.kind == "sides":
        return "reps"
    return UNITS.get(cue.measure or "", "°")


def views_label(views: tuple[tuple[float, str], ...]) -> str:
    """The views of a set whose camera moved: "from the side, then from behind from 14 s"."""
    (_, first), *later = views
    changes = (f"then {VIEW_LABELS.get(view, view)} from {t:.0f} s" for t, view in later)
    return ", ".join([VIEW_LABELS.get(first, first), *changes])


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


def _partial_entry(rep: RepResult) -> dict[str, Any]:
    return {**_rep_entry(rep), "reason": rep.reason}


def build_report(result: SetResult) -> dict[str, Any]:
    """The report of one set, as plain JSON-ready data."""
    rules = result.rules
    cues = {
        cue.id: {
            "checked": summary.checked,
            "reps_with_fault": summary.reps_with_fault,
            "fault": summary.fault,
            "cue": cue.cue,
            "message": cue.message_for(summary.worst) if summary.fault else None,
            "fix": cue.fix,
            "not_checked_reason": summary.not_checked_reason,
            "unit": cue_unit(cue),
        }
        for cue, summary in zip(rules.cues, result.cues, strict=True)
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "exercise": rules.id,
        "exercise_name": rules.name,
        "analysed_at": result.analysed_at,
        "source": {
            "path": result.source.path,
            "fps": round(result.source.fps, 3),
            "frames": result.source.frames,
            "duration_s": result.source.duration_s,
            "width": result.source.width,
            "height": result.source.height,
        },
        "complete": result.complete,
        "interruption": result.interruption,
        "recognition": dict(result.recognition) if result.recognition is not None else None,
        "exercise_check": dict(result.exercise_check) if result.exercise_check is not None else None,
        "camera": {
            "view": result.view,
            "view_label": views_label(result.views) if len(result.views) > 1 else VIEW_LABELS.get(result.view or ""),
            "views": [{"from_s": round(t, 3), "view": view} for t, view in result.views],
            "recommended_views": list(rules.views),
            "advice": list(result.camera_advice),
        },
        "person": {
            "frames_with_person": result.frames_with_person,
            "detected_fraction": round(result.frames_with_person / max(1, result.frames_seen), 3),
            "gaps": [{"start_s": round(a, 3), "end_s": round(b, 3)} for a, b in result.gaps],
        },
        "rep_count": result.rep_count,
        "target_reps": {"min": rules.min_reps, "max": rules.max_reps},
        "reps_by_side": dict(result.reps_by_side) if result.reps_by_side is not None else None,
        "partial_reps": [_partial_entry(rep) for rep in result.partial_reps],
        "reps": [_rep_entry(rep) for rep in result.reps],
        "cues": cues,
        "findings": [
            {"cue": f.cue, "rep": f.rep, "start_s": f.start_s, "end_s": f.end_s, "value": f.value,
             "message": f.message, "fix": f.fix}
            for f in result.findings
        ],
        "score": result.score,
        "safety": safety_dict(),
    }

"""A finished set's report (the JSON contract of formcheck/report/build.py) recorded as rows of the history."""

from __future__ import annotations

import datetime as dt
import functools
import json
import statistics
import uuid
from dataclasses import dataclass
from typing import Any

from formcheck.errors import BadInputError
from formcheck.history.db import History
from formcheck.history.schema import INSERT_RANGE
from formcheck.history.targets import HIGHER, RangeTarget, targets_for

ORIGINS = ("analyze", "live", "import")
REPORT_KEYS = {"schema_version": int, "exercise": str, "exercise_name": str, "analysed_at": str, "source": dict,
               "complete": bool, "rep_count": int, "partial_reps": list, "reps": list, "cues": dict,
               "findings": list}  # fmt: skip
REP_KEYS = {"index": int, "start_s": (int, float), "end_s": (int, float), "hold_s": (int, float),
            "score": (int, float), "faults": list}  # fmt: skip


@dataclass(frozen=True)
class SetContext:
    """What the person adds to a set: who, pain 0-10, effort (RPE) 1-10 and a note; and how it came in."""

    person: str
    pain: int | None = None
    effort: int | None = None
    note: str | None = None
    origin: str = "analyze"


def check_report(report: Any, where: str = "report") -> dict[str, Any]:
    """The fields the history reads, with their types; anything else is refused naming the key."""
    if not isinstance(report, dict):
        raise BadInputError(f"{where}: not a formcheck report (a JSON object is expected)")
    for key, kind in REPORT_KEYS.items():
        if key not in report:
            raise BadInputError(f"{where}: not a formcheck report (no {key!r})")
        if not isinstance(report[key], kind) or (kind is int and isinstance(report[key], bool)):
            raise BadInputError(f"{where}: {key!r} has the wrong type")
    if report["schema_version"] != 1:
        raise BadInputError(f"{where}: report schema {report['schema_version']} is not one this formcheck reads (1)")
    _utc(report["analysed_at"], f"{where}: 'analysed_at'")
    for i, rep in enumerate(report["reps"]):
        if not isinstance(rep, dict) or any(not isinstance(rep.get(k), t) for k, t in REP_KEYS.items()):
            raise BadInputError(f"{where}: reps[{i}] is not a rep of a formcheck report")
    return report


def _utc(iso: str, what: str) -> str:
    """An ISO 8601 moment with a zone, as UTC text that sorts in time order."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        raise BadInputError(f"{what}: {iso!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a time without zone is the machine's local time
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def cue_verdict(rep: dict[str, Any], cue_id: str) -> str:
    """ok / fault / not_checked for one cue on one rep (the CSV report's rule)."""
    if cue_id in rep["faults"]:
        return "fault"
    return "ok" if cue_id in (rep.get("measures") or {}) else "not_checked"


def _median(values: list[float]) -> float | None:
    return round(float(statistics.median(values)), 3) if values else None


def _reaching(target: RangeTarget, rep: dict[str, Any], value: float, limit: float | None) -> bool:
    """Did the rep reach what the rule file accepts? Its cue's verdict says so when the cue was judged."""
    if target.cue in (rep.get("measures") or {}) or target.cue in rep["faults"]:
        return target.cue not in rep["faults"]
    if limit is None:
        return target.shortfall(value) <= 0
    return value >= limit if target.better == HIGHER else value <= limit


def rule_limit(target: RangeTarget) -> float | None:
    """The limit the bundled rule file sets on the target's cue (its min for more-is-better, else its max)."""
    cue = _bundled_cues().get((target.exercise, target.cue))
    if cue is None:
        return None
    return cue.min if target.better == HIGHER else cue.max


@functools.lru_cache(maxsize=1)
def _bundled_cues() -> dict[tuple[str, str], Any]:
    from formcheck.rules.loader import load_all

    return {(rules.id, cue.id): cue for rules in load_all().values() for cue in rules.cues}


def range_rows(report: dict[str, Any]) -> list[tuple]:
    """(metric, cue, unit, target, rule_limit, achieved, best, reps_measured, reps_reaching) per figure."""
    rows = []
    for target in targets_for(report["exercise"]):
        limit = rule_limit(target)
        measured = [(rep, v) for rep in report["reps"] if (v := target.rep_value(rep)) is not None]
        values = [v for _, v in measured]
        best = (max(values) if target.better == HIGHER else min(values)) if values else None
        reaching = sum(_reaching(target, rep, v, limit) for rep, v in measured)
        rows.append((target.metric, target.cue, target.unit, target.target, limit, _median(values),
                     None if best is None else round(best, 3), len(values), reaching))  # fmt: skip
    return rows


def record_set(history: History, report: dict[str, Any], context: SetContext, *, uid: str | None = None,
               recorded_at: str | None = None) -> int:  # fmt: skip
    """Record one set in one transaction; returns its id."""
    check_report(report)
    if context.origin not in ORIGINS:
        raise ValueError(f"unknown origin {context.origin!r}")
    by_side = report.get("reps_by_side") or {}
    holds = [float(rep["hold_s"]) for rep in report["reps"]]
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    row = (
        uid or uuid.uuid4().hex, context.person, report["exercise"], report["exercise_name"],
        _utc(report["analysed_at"], "analysed_at"), recorded_at or now, str(report["source"].get("path", "")),
        context.origin, int(report["complete"]), report["rep_count"], len(report["partial_reps"]),
        by_side.get("left"), by_side.get("right"), report.get("score"), _median(holds),
        context.pain, context.effort, context.note, json.dumps(report, ensure_ascii=False, allow_nan=False),
    )  # fmt: skip
    with history.transaction() as conn:
        set_id = conn.execute(
            "INSERT INTO sets (uid, person, exercise, exercise_name, performed_at, recorded_at, source, origin, "
            "complete, rep_count, partial_reps, reps_left, reps_right, score, hold_s, pain, effort, note, report) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row).lastrowid  # fmt: skip
        conn.executemany(
            "INSERT INTO reps (set_id, rep, side, start_s, end_s, hold_s, score) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(set_id, r["index"], r.get("side"), r["start_s"], r["end_s"], r["hold_s"], r["score"])
             for r in report["reps"]])  # fmt: skip
        conn.executemany("INSERT INTO cue_results (set_id, rep, cue, verdict, value) VALUES (?, ?, ?, ?, ?)",
                         [(set_id, *row) for row in cue_rows(report)])
        conn.executemany(INSERT_RANGE, [(set_id, *row) for row in range_rows(report)])
    assert set_id is not None
    return int(set_id)


def cue_rows(report: dict[str, Any]) -> list[tuple]:
    """(rep, cue, verdict, value): every cue on every rep, and the cues judged on the whole set (rep None)."""
    rows: list[tuple] = []
    for cue_id, cue in report["cues"].items():
        if cue.get("reps_with_fault") is None and "reps_with_fault" in cue:  # judged on the whole set
            verdict = "fault" if cue.get("fault") else ("ok" if cue.get("checked") else "not_checked")
            value = next((f.get("value") for f in report["findings"] if f.get("cue") == cue_id), None)
            rows.append((None, cue_id, verdict, value))
            continue
        for rep in report["reps"]:
            rows.append((rep["index"], cue_id, cue_verdict(rep, cue_id), (rep.get("measures") or {}).get(cue_id)))
    return rows

"""The report of a workout: every set's own report, the timeline of the sets, adherence to the plan.

The JSON holds ``kind: "workout"`` and, per set, the same report a single set gets (``sets[*].report``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from formcheck.analysis.workout_result import WorkoutResult
from formcheck.io.atomic import write_text_atomic
from formcheck.report.build import build_report
from formcheck.report.html_report import _environment, _file_name, _when
from formcheck.safety import DISCLAIMER

WORKOUT_FORMATS = (".json", ".html", ".csv", ".pdf")
COLOURS = ("#2f6db5", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085")


def build_workout_report(result: WorkoutResult) -> dict[str, Any]:
    """The workout as plain JSON-ready data."""
    sets = []
    for workout_set in result.sets:
        report = build_report(workout_set.result)
        sets.append({
            "number": workout_set.number,
            "exercise": report["exercise"],
            "exercise_name": report["exercise_name"],
            "planned": workout_set.planned,
            "start_s": round(workout_set.start_s, 3),
            "end_s": round(workout_set.end_s, 3),
            "ended_by": workout_set.ended_by,
            "rep_count": report["rep_count"],
            "reps_by_side": report["reps_by_side"],
            "partial_reps": len(report["partial_reps"]),
            "score": report["score"],
            "faults": [cue_id for cue_id, cue in report["cues"].items() if cue["fault"]],
            "report": report,
        })  # fmt: skip
    source = result.source
    return {
        "kind": "workout",
        "analysed_at": result.analysed_at,
        "source": {"path": source.path, "fps": round(source.fps, 3), "frames": source.frames,
                   "duration_s": source.duration_s, "width": source.width, "height": source.height},
        "complete": result.complete,
        "interruption": result.interruption,
        "set_count": len(sets),
        "rep_count": result.rep_count,
        "sets": sets,
        "unclear": dict(result.unclear) if result.unclear else None,
        "plan": dict(result.plan) if result.plan else None,
        "adherence": dict(result.adherence) if result.adherence else None,
        "disclaimer": DISCLAIMER,
    }


def write_workout_reports(paths: list[Path], report: dict[str, Any], result: WorkoutResult) -> None:
    """Each path in the format its extension names (JSON, HTML or CSV), atomically; a PDF is written per set
    (``NAME.set1-EXERCISE.pdf``, ...), each as a single set's PDF report."""
    for path in paths:
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            from formcheck.report.writers import write_pdf

            for entry, workout_set in zip(report["sets"], result.sets, strict=True):
                named = path.with_name(f"{path.stem}.set{entry['number']}-{entry['exercise']}{path.suffix}")
                write_pdf(named, entry["report"], workout_set.result)
            continue
        if suffix == ".json":
            write_text_atomic(path, json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
        elif suffix == ".html":
            write_text_atomic(path, render_workout_html(report))
        elif suffix == ".csv":
            write_text_atomic(path, workout_csv(report))
        else:
            raise ValueError(f"{path}: a workout report is written as {', '.join(WORKOUT_FORMATS)}")


def workout_csv(report: dict[str, Any]) -> str:
    """One row per attempt of every set (counted reps and partial reps)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["set", "exercise", "attempt", "counted", "side", "start_s", "end_s", "score", "faults"])
    for entry in report["sets"]:
        attempts = [(r, True) for r in entry["report"]["reps"]] + \
            [(r, False) for r in entry["report"]["partial_reps"]]  # fmt: skip
        for rep, counted in sorted(attempts, key=lambda a: a[0]["start_s"]):
            writer.writerow([entry["number"], entry["exercise"], rep.get("index", ""), "yes" if counted else "no",
                             rep.get("side") or "", rep["start_s"], rep["end_s"], rep.get("score", ""),
                             " ".join(rep.get("faults", []))])  # fmt: skip
    return out.getvalue()


def timeline_svg(report: dict[str, Any], width: int = 880) -> str:
    """The sets as bars along the video's time, labelled with exercise and reps."""
    duration = max(report["source"]["duration_s"], 1e-6)
    scale = (width - 20) / duration
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="86" role="img" '
             f'aria-label="Sets along the video">',
             f'<line x1="10" y1="40" x2="{width - 10}" y2="40" stroke="#bbb" stroke-width="2"/>']  # fmt: skip
    exercises = list(dict.fromkeys(s["exercise"] for s in report["sets"]))
    for entry in report["sets"]:
        x0 = 10 + entry["start_s"] * scale
        x1 = max(x0 + 4, 10 + entry["end_s"] * scale)
        colour = COLOURS[exercises.index(entry["exercise"]) % len(COLOURS)]
        label = f"{entry['number']}. {entry['exercise_name']}: {entry['rep_count']} reps"
        parts.append(f'<g><title>{_escape(label)} ({entry["start_s"]:.0f}-{entry["end_s"]:.0f} s)</title>'
                     f'<rect x="{x0:.1f}" y="28" width="{x1 - x0:.1f}" height="24" rx="3" fill="{colour}"/>'
                     f'<text x="{x0:.1f}" y="{20 if entry["number"] % 2 else 70}" font-size="11">'
                     f'{_escape(label)}</text></g>')  # fmt: skip
    parts.append(f'<text x="10" y="84" font-size="10" fill="#666">0 s</text><text x="{width - 10}" y="84" '
                 f'font-size="10" fill="#666" text-anchor="end">{duration:.0f} s</text></svg>')  # fmt: skip
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_workout_html(report: dict[str, Any]) -> str:
    """The workout page as a string (self-contained)."""
    context = {
        "r": report,
        "title": "Workout - form report",
        "video_name": _file_name(report["source"]["path"]),
        "analysed_at": _when(report.get("analysed_at")),
        "timeline": Markup(timeline_svg(report)),  # built by us from numbers and our own labels
    }
    return _environment().get_template("workout.html.j2").render(**context)

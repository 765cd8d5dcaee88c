"""The cohort summary: one row per video (exercise, reps, score, top faults, any error) as CSV, Parquet and HTML.

Rows come from the report dicts (the JSON contract), never from analysis internals, and hold nothing that
changes from run to run (no times of day, no engine), so a rerun or another engine writes the same summary.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from formcheck.io.atomic import atomic_path, write_text_atomic

COLUMNS = ("video", "person", "exercise", "status", "reps", "score", "top_faults", "complete", "duration_s",
           "camera", "error", "report", "sha256")  # fmt: skip
TOP_FAULTS = 3
SUMMARY_FILES = ("summary.csv", "summary.parquet", "summary.html")


def report_fields(report: dict[str, Any]) -> dict[str, Any]:
    """The summary's view of one report: exercise, reps, score, the most frequent faults, completeness."""
    if report.get("kind") == "workout":
        return workout_fields(report)
    return {
        "exercise": report["exercise"],
        "reps": report["rep_count"],
        "score": report["score"],
        "top_faults": top_faults(report),
        "complete": report["complete"],
        "duration_s": report["source"]["duration_s"],
        "camera": report["camera"]["view_label"],
    }


def workout_fields(report: dict[str, Any]) -> dict[str, Any]:
    """A workout in one row: its exercises in order, all its reps, each set's most frequent fault."""
    sets = report["sets"]
    scores = [s["score"] for s in sets if s["score"] is not None]
    faults = [f"set {s['number']}: {top_faults(s['report'], 1)}" for s in sets if s["faults"]]
    return {
        "exercise": "workout: " + ", ".join(s["exercise"] for s in sets),
        "reps": report["rep_count"],
        "score": round(sum(scores) / len(scores), 1) if scores else None,
        "top_faults": "; ".join(faults[:TOP_FAULTS]),
        "complete": report["complete"],
        "duration_s": report["source"]["duration_s"],
        "camera": None,
    }


def top_faults(report: dict[str, Any], limit: int = TOP_FAULTS) -> str:
    """The cues most often at fault, e.g. ``shoulders_down 5/12; elbows_back 2/12`` (set-level faults last)."""
    faulted = [(cue_id, cue["reps_with_fault"]) for cue_id, cue in report["cues"].items() if cue["fault"]]
    faulted.sort(key=lambda item: (item[1] is None, -(item[1] or 0)))
    reps = report["rep_count"]
    return "; ".join(cue_id if count is None else f"{cue_id} {count}/{reps}" for cue_id, count in faulted[:limit])


def summary_row(video: str, person: str | None, sha256: str | None, record: dict[str, Any]) -> dict[str, Any]:
    """One row of the summary from a video's record (see ``records``)."""
    fields = record.get("fields") or {}
    reports = record.get("reports") or {}
    main = next((reports[fmt] for fmt in ("html", "json", "csv") if fmt in reports), None)
    row = {column: None for column in COLUMNS}
    row.update(fields)
    row.update(video=video, person=person, status=record["status"], error=record.get("error"), report=main,
               sha256=sha256)  # fmt: skip
    row["exercise"] = row["exercise"] or record.get("exercise")
    return row


def write_summary(out_dir: Path, rows: Sequence[dict[str, Any]]) -> list[Path]:
    """Write summary.csv, summary.parquet (when pyarrow is installed) and summary.html atomically."""
    written = [out_dir / "summary.csv", out_dir / "summary.html"]
    write_text_atomic(written[0], summary_csv(rows))
    write_text_atomic(written[1], summary_html(rows))
    if _write_parquet(out_dir / "summary.parquet", rows):
        written.insert(1, out_dir / "summary.parquet")
    return written


def summary_csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[column] is None else row[column] for column in COLUMNS])
    return buffer.getvalue()


def _write_parquet(path: Path, rows: Sequence[dict[str, Any]]) -> bool:
    """summary.parquet with typed columns; False (nothing written) without pyarrow."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    types = {"reps": pa.int64(), "score": pa.float64(), "complete": pa.bool_(), "duration_s": pa.float64()}
    schema = pa.schema([(column, types.get(column, pa.string())) for column in COLUMNS])
    table = pa.Table.from_pylist([dict(row) for row in rows], schema=schema)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return True


def summary_html(rows: Sequence[dict[str, Any]]) -> str:
    """A one-page table of the cohort linking to each video's report, with totals per exercise."""
    environment = Environment(loader=PackageLoader("formcheck.batch", "templates"), autoescape=True)
    by_exercise: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["status"] == "ok":
            by_exercise.setdefault(row["exercise"], []).append(row)
    totals = [
        {"exercise": exercise, "videos": len(group), "reps": sum(r["reps"] or 0 for r in group),
         "score": _mean([r["score"] for r in group if r["score"] is not None])}
        for exercise, group in sorted(by_exercise.items())
    ]  # fmt: skip
    failed = sum(1 for row in rows if row["status"] != "ok")
    return environment.get_template("summary.html.j2").render(rows=rows, totals=totals, failed=failed)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None

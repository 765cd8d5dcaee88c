"""CSV report: one row per counted rep, with each cue's verdict and measured value."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from formcheck.analysis.result import SetResult
from formcheck.io.atomic import atomic_path

REP_COLUMNS = ("index", "side", "start_s", "end_s", "hold_s", "score")
OK, FAULT, NOT_CHECKED = "ok", "fault", "not_checked"


def cue_verdict(rep: dict[str, Any], cue_id: str) -> str:
    """ok / fault / not_checked for one cue on one rep of the report."""
    if cue_id in rep["faults"]:
        return FAULT
    return OK if cue_id in rep.get("measures", {}) else NOT_CHECKED


def csv_header(cue_ids: list[str]) -> list[str]:
    """Rep columns, then ``<cue>_verdict`` and ``<cue>_value`` for every cue."""
    return [*REP_COLUMNS, *(f"{cue}_{part}" for cue in cue_ids for part in ("verdict", "value"))]


def csv_rows(report: dict[str, Any]) -> list[list[str]]:
    """The header and one row per counted rep, as text cells (empty for no value)."""
    cue_ids = list(report["cues"])
    rows = [csv_header(cue_ids)]
    for rep in report["reps"]:
        row = [_cell(rep[column]) for column in REP_COLUMNS]
        for cue_id in cue_ids:
            row += [cue_verdict(rep, cue_id), _cell(rep.get("measures", {}).get(cue_id))]
        rows.append(row)
    return rows


def write_csv(path: Path, report: dict[str, Any], result: SetResult) -> None:
    """Write the per-rep table (UTF-8, comma-separated, header row) atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(csv_rows(report))


def _cell(value: object) -> str:
    return "" if value is None else str(value)

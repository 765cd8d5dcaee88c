"""CSV report: one row per counted rep, with each cue's verdict and measured value; headers carry the units."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from formcheck.analysis.result import SetResult
from formcheck.io.atomic import atomic_path

REP_COLUMNS = ("index", "side", "start_s", "end_s", "hold_s", "score_of_100")
REP_KEYS = ("index", "side", "start_s", "end_s", "hold_s", "score")  # the report's rep fields, in column order
OK, FAULT, NOT_CHECKED = "ok", "fault", "not_checked"
UNIT_SUFFIX = {"°": "deg", "s": "s"}


def cue_verdict(rep: dict[str, Any], cue_id: str) -> str:
    """ok / fault / not_checked for one cue on one rep of the report."""
    if cue_id in rep["faults"]:
        return FAULT
    return OK if cue_id in rep.get("measures", {}) else NOT_CHECKED


def unit_suffix(unit: str | None) -> str:
    """A unit as a column-name suffix: "°" -> "deg", "torso lengths" -> "torso_lengths"; "value" when unknown."""
    if not unit:
        return "value"
    return UNIT_SUFFIX.get(unit) or re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_") or "value"


def csv_header(cues: dict[str, dict[str, Any]]) -> list[str]:
    """Rep columns, then ``<cue>_verdict`` and ``<cue>_<unit>`` (e.g. ``back_straight_deg``) for every cue."""
    columns = [*REP_COLUMNS]
    for cue_id, cue in cues.items():
        columns += [f"{cue_id}_verdict", f"{cue_id}_{unit_suffix(cue.get('unit'))}"]
    return columns


def csv_rows(report: dict[str, Any]) -> list[list[str]]:
    """The header and one row per counted rep, as text cells (empty for no value)."""
    cue_ids = list(report["cues"])
    rows = [csv_header(report["cues"])]
    for rep in report["reps"]:
        row = [_cell(rep[key]) for key in REP_KEYS]
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

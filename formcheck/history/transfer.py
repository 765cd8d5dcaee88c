"""Moving sets between histories: export to JSON (complete, importable) or CSV (a table), import JSON.

A JSON export carries every set's report and what the person added, so a set recorded at home can be imported
by a physiotherapist; importing the same set twice records it once (sets keep their ``uid``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from formcheck.errors import BadInputError
from formcheck.history.db import History
from formcheck.history.names import note_text, person_name
from formcheck.history.query import SetSummary, reports
from formcheck.history.record import SetContext, check_report, record_set
from formcheck.history.targets import METRIC_ORDER
from formcheck.io.atomic import write_text_atomic

EXPORT_FORMAT = "formcheck-history"
EXPORT_VERSION = 1
EXPORT_FORMATS = (".json", ".csv")
MAX_IMPORT_BYTES = 512 * 1024 * 1024
CSV_COLUMNS = ("id", "uid", "person", "exercise", "performed_at", "source", "origin", "complete", "rep_count",
               "partial_reps", "attempts", "reps_left", "reps_right", "score", "hold_s")  # fmt: skip
CSV_TAIL = ("pain", "effort", "note")


def check_export_path(path: Path) -> None:
    """An export needs a .json or .csv name."""
    if path.suffix.lower() not in EXPORT_FORMATS:
        raise BadInputError(f"{path}: unknown export format; use {' or '.join(EXPORT_FORMATS)}")


def export_sets(history: History, sets: list[SetSummary], path: Path) -> None:
    """Write the sets to ``path`` (JSON or CSV by its extension), atomically."""
    check_export_path(path)
    text = export_json(history, sets) if path.suffix.lower() == ".json" else export_csv(sets)
    write_text_atomic(path, text)


def export_json(history: History, sets: list[SetSummary]) -> str:
    """Every set with its report, pain, effort and note: what `history import` reads back."""
    stored = reports(history, [s.id for s in sets])
    entries = [{"uid": s.uid, "person": s.person, "performed_at": s.performed_at, "recorded_at": s.recorded_at,
                "origin": s.origin, "pain": s.pain, "effort": s.effort, "note": s.note, "report": stored[s.id]}
               for s in sets]  # fmt: skip
    document = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
                "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "sets": entries}
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def export_csv(sets: list[SetSummary]) -> str:
    """One row per set, with the range of motion of every figure the exercises have (for spreadsheets)."""
    metrics = [m for m in METRIC_ORDER if any(s.rom(m) for s in sets)]
    header = [*CSV_COLUMNS, *(f"{m}_{part}" for m in metrics for part in ("achieved", "target", "reps_reaching")),
              *CSV_TAIL]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for s in sets:
        row: list[Any] = [getattr(s, c) if c != "attempts" else s.attempts for c in CSV_COLUMNS]
        for metric in metrics:
            rom = s.rom(metric)
            row += [rom.achieved, rom.target, rom.reps_reaching] if rom else ["", "", ""]
        row += [s.pain, s.effort, s.note]
        writer.writerow(["" if v is None else (int(v) if isinstance(v, bool) else v) for v in row])
    return buffer.getvalue()


def read_import(path: Path) -> list[dict[str, Any]]:
    """The sets of a JSON export, or of one report written by ``--report x.json``; checked before any is recorded."""
    if path.suffix.lower() == ".csv":
        raise BadInputError(f"{path}: a CSV export is a table for spreadsheets; import a JSON export "
                            "(`formcheck history export sets.json`)")  # fmt: skip
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise BadInputError(f"{path}: too large for a history export")
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInputError(f"{path}: is a directory; give a JSON export") from None
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not a text file; give a JSON export") from None
    except json.JSONDecodeError as error:
        raise BadInputError(f"{path}: not valid JSON (line {error.lineno}: {error.msg})") from None
    except OSError as error:
        raise BadInputError(f"{path}: cannot read ({error.strerror or error})") from None
    if isinstance(document, dict) and "schema_version" in document:  # a single set's report
        return [{"report": check_report(document, str(path))}]
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise BadInputError(f"{path}: neither a formcheck history export nor a formcheck report")
    if not isinstance(document.get("version"), int) or document["version"] > EXPORT_VERSION:
        raise BadInputError(f"{path}: export version {document.get('version')!r} was written by a newer formcheck; "
                            "upgrade formcheck")  # fmt: skip
    entries = document.get("sets")
    if not isinstance(entries, list):
        raise BadInputError(f"{path}: no 'sets' list")
    for i, entry in enumerate(entries):
        where = f"{path}: sets[{i}]"
        if not isinstance(entry, dict):
            raise BadInputError(f"{where} is not an object")
        check_report(entry.get("report"), f"{where}.report")
        for key, low, high in (("pain", 0, 10), ("effort", 1, 10)):
            value = entry.get(key)
            whole = isinstance(value, int) and not isinstance(value, bool)
            if value is not None and not (whole and low <= value <= high):
                raise BadInputError(f"{where}: {key!r} must be a whole number {low}-{high}")
        if entry.get("person") is not None and not isinstance(entry["person"], str):
            raise BadInputError(f"{where}: 'person' must be text")
        if entry.get("uid") is not None and not (isinstance(entry["uid"], str) and entry["uid"].isalnum()):
            raise BadInputError(f"{where}: 'uid' must be letters and digits")
    return entries


def import_sets(history: History, entries: list[dict[str, Any]], default: SetContext,
                person: str | None = None) -> tuple[list[int], int]:  # fmt: skip
    """Record the entries in one transaction; returns (new set ids, sets already there).

    One transaction makes the import all or nothing, and holds the write lock once: set by set, a second
    formcheck writing at the same time waits in SQLite's unfair back-off while this one re-takes the lock
    between sets, and can starve past its timeout. Already-imported sets (by uid) are skipped, so a
    failed import is simply run again.

    ``person`` records every set under that name; else each keeps its own, and a bare report takes ``default``'s.
    """
    added, skipped = [], 0
    with history.transaction() as conn:
        known = {row[0] for row in conn.execute("SELECT uid FROM sets")}
        for entry in entries:
            uid = entry.get("uid")
            if uid and uid in known:
                skipped += 1
                continue
            who = person or (person_name(entry["person"]) if entry.get("person") else default.person)
            context = SetContext(who, entry.get("pain", default.pain), entry.get("effort", default.effort),
                                 note_text(entry.get("note")) or default.note, origin="import")  # fmt: skip
            added.append(record_set(history, entry["report"], context, uid=uid,
                                    recorded_at=entry.get("recorded_at")))  # fmt: skip
            if uid:
                known.add(uid)
    return added, skipped

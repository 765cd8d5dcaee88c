"""Reading the history: sets chosen by person, exercise and date, their reports, and deleting a set."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from formcheck.errors import BadInputError
from formcheck.history.db import History

SET_COLUMNS = ("id", "uid", "person", "exercise", "exercise_name", "performed_at", "recorded_at", "source", "origin",
               "complete", "rep_count", "partial_reps", "reps_left", "reps_right", "score", "hold_s", "pain",
               "effort", "note")  # fmt: skip
RELATIVE = re.compile(r"^(\d{1,4})\s*([dw])$")


@dataclass(frozen=True)
class RangeOfMotion:
    """One range-of-motion figure of a set against the article's target."""

    metric: str
    cue: str
    unit: str
    target: float
    rule_limit: float | None
    achieved: float | None
    best: float | None
    reps_measured: int
    reps_reaching: int


@dataclass(frozen=True)
class SetSummary:
    """One recorded set, as the history table and ``--json`` show it."""

    id: int
    uid: str
    person: str
    exercise: str
    exercise_name: str
    performed_at: str
    recorded_at: str
    source: str
    origin: str
    complete: bool
    rep_count: int
    partial_reps: int
    reps_left: int | None
    reps_right: int | None
    score: float | None
    hold_s: float | None
    pain: int | None
    effort: int | None
    note: str | None
    range_of_motion: tuple[RangeOfMotion, ...] = field(default=())

    @property
    def attempts(self) -> int:
        """Counted reps and partial reps."""
        return self.rep_count + self.partial_reps

    @property
    def when(self) -> dt.datetime:
        """When the set was done, in the machine's local time."""
        return dt.datetime.fromisoformat(self.performed_at).astimezone()

    def rom(self, metric: str) -> RangeOfMotion | None:
        return next((r for r in self.range_of_motion if r.metric == metric), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["complete"] = bool(self.complete)
        data["attempts"] = self.attempts
        data["range_of_motion"] = {r.metric: {k: v for k, v in asdict(r).items() if k != "metric"}
                                   for r in self.range_of_motion}  # fmt: skip
        return data


@dataclass(frozen=True)
class Selection:
    """Which sets: one person, one exercise, from a date on (each optional)."""

    person: str | None = None
    exercise: str | None = None
    since: str | None = None      # UTC ISO text, compared with performed_at

    def where(self) -> tuple[str, list[object]]:
        clauses, values = [], []
        for column, value in (("person", self.person), ("exercise", self.exercise)):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        if self.since is not None:
            clauses.append("performed_at >= ?")
            values.append(self.since)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


def parse_since(text: str | None, today: dt.date | None = None) -> str | None:
    """``--since``: a date (2025-03-01) or a span back from today (30d, 6w), as UTC ISO text of local midnight."""
    if text is None:
        return None
    text = text.strip().lower()
    today = today or dt.date.today()
    if match := RELATIVE.match(text):
        amount, unit = int(match.group(1)), match.group(2)
        day = today - dt.timedelta(days=amount * (7 if unit == "w" else 1))
    else:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise BadInputError(f"--since {text!r}: give a date (2025-03-01) or a span back (30d, 6w)") from None
    midnight = dt.datetime.combine(day, dt.time()).astimezone()
    return midnight.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def list_sets(history: History, selection: Selection = Selection()) -> list[SetSummary]:
    """The chosen sets, oldest first, with their range of motion."""
    where, values = selection.where()
    rows = history.query(f"SELECT {', '.join(SET_COLUMNS)} FROM sets{where} ORDER BY performed_at, id", values)
    ranges: dict[int, list[RangeOfMotion]] = {}
    if rows:
        ids = [row[0] for row in rows]
        for row in _in_chunks(history, "SELECT set_id, metric, cue, unit, target, rule_limit, achieved, best, "
                                       "reps_measured, reps_reaching FROM range_of_motion WHERE set_id IN", ids):
            ranges.setdefault(row[0], []).append(RangeOfMotion(*row[1:]))  # fmt: skip
    return [SetSummary(*row[:9], bool(row[9]), *row[10:], range_of_motion=tuple(ranges.get(row[0], ())))
            for row in rows]  # fmt: skip


def _in_chunks(history: History, sql: str, ids: list[int], size: int = 500) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        rows += history.query(f"{sql} ({', '.join('?' * len(chunk))})", chunk)
    return rows


def people(history: History) -> list[str]:
    """Everybody with a recorded set."""
    return [row[0] for row in history.query("SELECT DISTINCT person FROM sets ORDER BY person")]


def get_set(history: History, set_id: int) -> SetSummary:
    """One set by id; an unknown id is a one-line error."""
    found = [s for s in _by_ids(history, [set_id])]
    if not found:
        raise BadInputError(f"no set with id {set_id} in the history (`formcheck history` lists them)")
    return found[0]


def _by_ids(history: History, ids: list[int]) -> list[SetSummary]:
    rows = _in_chunks(history, f"SELECT {', '.join(SET_COLUMNS)} FROM sets WHERE id IN", ids)
    return [SetSummary(*row[:9], bool(row[9]), *row[10:]) for row in rows]


def reports(history: History, set_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored report dict of each set."""
    rows = _in_chunks(history, "SELECT id, report FROM sets WHERE id IN", set_ids)
    return {row[0]: json.loads(row[1]) for row in rows}


def delete_sets(history: History, set_ids: list[int]) -> list[SetSummary]:
    """Delete sets (with their reps, verdicts and range of motion) in one transaction; all ids must exist."""
    found = {s.id: s for s in _by_ids(history, set_ids)}
    missing = [i for i in set_ids if i not in found]
    if missing:
        listed = ", ".join(map(str, missing))
        raise BadInputError(f"no set with id {listed} in the history (`formcheck history` lists them); nothing deleted")
    with history.transaction() as conn:
        conn.executemany("DELETE FROM sets WHERE id = ?", [(i,) for i in set_ids])
    return [found[i] for i in set_ids]

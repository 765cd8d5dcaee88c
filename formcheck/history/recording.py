"""The one call `analyze` and `live` make: record the finished set, or keep it in a file when that fails."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from formcheck.errors import BadInputError, HistoryError
from formcheck.history.db import History
from formcheck.history.location import PENDING_DIR, data_dir
from formcheck.history.names import default_person, note_text, person_name
from formcheck.history.record import SetContext, record_set
from formcheck.history.transfer import EXPORT_FORMAT, EXPORT_VERSION
from formcheck.io.atomic import write_text_atomic


@dataclass(frozen=True)
class HistoryOptions:
    """The history options of `analyze` and `live`: record or not, who, pain, effort, note."""

    record: bool = True
    person: str | None = None
    pain: int | None = None
    effort: int | None = None
    note: str | None = None
    origin: str = "analyze"

    @classmethod
    def from_cli(cls, origin: str, no_history: bool, person: str | None, pain: int | None, effort: int | None,
                 note: str | None) -> HistoryOptions:  # fmt: skip
        """Check the options as typed (before any work starts)."""
        if no_history:
            given = [name for name, value in (("--person", person), ("--pain", pain), ("--effort", effort),
                                              ("--note", note)) if value is not None]  # fmt: skip
            if given:
                raise BadInputError(f"{', '.join(given)}: recorded only in the history, which --no-history skips")
            return cls(record=False, origin=origin)
        name = person_name(person) if person is not None else default_person()
        return cls(True, name, pain, effort, note_text(note), origin)

    @property
    def context(self) -> SetContext:
        return SetContext(self.person or default_person(), self.pain, self.effort, self.note, self.origin)

    def check(self) -> None:
        """Open (create, migrate) the database now, so a damaged one stops the command before the analysis."""
        if self.record:
            History().close()


def record_finished(options: HistoryOptions | None, reports: list[dict[str, Any]], console: Console) -> list[int]:
    """Record each finished set's report; a set with nobody in view, or without a rep (counted or partial), is not
    recorded. Returns the new set ids.

    When the database cannot be used, the sets are kept as an export file to import later, and the
    HistoryError says where.
    """
    if options is None or not options.record:
        return []
    sets = [r for r in reports if r["person"]["frames_with_person"] > 0 and (r["rep_count"] or r["partial_reps"])]
    for report in reports:
        if report not in sets:
            why = "nobody was seen" if not report["person"]["frames_with_person"] else "no rep was counted"
            console.print(f"  {report['exercise_name']} set not recorded in the history: {why}")
    if not sets:
        return []
    context, ids = options.context, []
    uids = [uuid.uuid4().hex for _ in sets]
    try:
        with History() as history:
            for report, uid in zip(sets, uids, strict=True):
                ids.append(record_set(history, report, context, uid=uid))
    except HistoryError as error:
        kept = keep_pending(sets[len(ids):], uids[len(ids):], context)
        keep = f"the set is kept in {kept}: `formcheck history import {kept}` records it"
        raise HistoryError(f"{error}; {keep}") from None
    for set_id in ids:
        console.print(f"  recorded in the history as set {set_id} ({escape(context.person)})", soft_wrap=True)
    return ids


def keep_pending(reports: list[dict[str, Any]], uids: list[str], context: SetContext) -> Path:
    """Write sets that could not be recorded as an importable export file: in the data folder, else here."""
    now = dt.datetime.now(dt.timezone.utc)
    document = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": now.isoformat(timespec="seconds"),
                "sets": [{"uid": uid, "person": context.person, "pain": context.pain, "effort": context.effort,
                          "note": context.note, "report": report} for report, uid in zip(reports, uids, strict=True)]}
    text = json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    name = f"formcheck-set-{now:%Y%m%d-%H%M%S}-{uids[0][:8]}.json"
    for folder in (data_dir() / PENDING_DIR, Path.cwd()):
        try:
            write_text_atomic(folder / name, text)
            return folder / name
        except OSError:
            continue
    raise HistoryError(f"the set could not be recorded nor kept in {data_dir() / PENDING_DIR} or here")

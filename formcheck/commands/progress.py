"""`formcheck progress`: a person's progress over the recorded sets, as an HTML page or a PDF for a clinician."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from formcheck.commands.history import ExerciseFilter, PersonFilter, SinceFilter
from formcheck.errors import BadInputError

ReportPaths = Annotated[list[Path], typer.Option("--report", "-r", help="progress.html or progress.pdf (repeatable).")]


def progress(
    report: ReportPaths,
    person: PersonFilter = None,
    exercise: ExerciseFilter = None,
    since: SinceFilter = None,
) -> None:
    """Write a progress report: trends per exercise, adherence, pain and effort, a first page for a clinician."""
    from formcheck.history.db import History
    from formcheck.history.names import person_name
    from formcheck.history.query import Selection, list_sets, parse_since, people, reports
    from formcheck.history.trends import build_progress
    from formcheck.report.progress_report import check_progress_paths, write_progress

    check_progress_paths(report)
    name = person_name(person) if person is not None else None
    since_utc = parse_since(since)
    with History() as db:
        everybody = people(db)
        if name is None:
            if len(everybody) > 1:
                raise BadInputError(f"the history has sets of {len(everybody)} people ({', '.join(everybody)}); "
                                    "choose one with --person")  # fmt: skip
            name = everybody[0] if everybody else None
        if name is None:
            raise BadInputError(f"no sets recorded yet ({db.path}); `formcheck analyze` records each set")
        if name not in everybody:
            raise BadInputError(f"no sets recorded for {name!r}; people in the history: {', '.join(everybody)}")
        sets = list_sets(db, Selection(name, exercise, since_utc))
        if not sets:
            what = " ".join(filter(None, [f"of {exercise}" if exercise else "", f"since {since}" if since else ""]))
            raise BadInputError(f"no sets {what} recorded for {name!r} (`formcheck history --person` lists them)")
        stored = reports(db, [s.id for s in sets])
    since_day = dt.datetime.fromisoformat(since_utc).astimezone().date() if since_utc else None
    progress_data = build_progress(name, sets, stored, dt.datetime.now().astimezone(), since_day)
    write_progress(report, progress_data, exercise)
    console = Console(stderr=True)
    for path in report:
        console.print(f"progress report written: {escape(str(path))} ({len(sets)} sets of {escape(name)})",
                      highlight=False, soft_wrap=True)  # fmt: skip

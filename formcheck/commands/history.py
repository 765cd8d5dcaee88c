"""`formcheck history`: the recorded sets as a table or JSON; `history export`, `import` and `delete`.

Also the history options that `analyze` and `live` share (``--person``, ``--pain``, ``--effort``, ``--note``,
``--no-history``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from formcheck.errors import EXIT_CODES_HELP

PersonOpt = Annotated[str | None, typer.Option("--person", "-p", help="Who exercises (default: your user name).")]
PainOpt = Annotated[int | None, typer.Option("--pain", min=0, max=10, help="Pain during the set, 0-10.")]
EffortOpt = Annotated[int | None, typer.Option("--effort", min=1, max=10, help="Effort of the set (RPE), 1-10.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="A note kept with the set.")]
NoHistoryOpt = Annotated[bool, typer.Option("--no-history", help="Do not record the set in the history.", metavar="")]
ExerciseFilter = Annotated[str | None, typer.Option("--exercise", "-e", help="Only this exercise (id).")]
PersonFilter = Annotated[str | None, typer.Option("--person", "-p", help="Only this person.")]
SinceFilter = Annotated[str | None, typer.Option("--since", help="From this date (2025-03-01) or span back (30d, 6w).")]

history_app = typer.Typer(
    help="The recorded sets: a table, or --json; export, import and delete sets.", epilog=EXIT_CODES_HELP,
    invoke_without_command=True, no_args_is_help=False,
)  # fmt: skip


def _selection(person: str | None, exercise: str | None, since: str | None):
    from formcheck.history.names import person_name
    from formcheck.history.query import Selection, parse_since

    return Selection(person_name(person) if person is not None else None, exercise, parse_since(since))


@history_app.callback()
def history(
    ctx: typer.Context,
    person: PersonFilter = None,
    exercise: ExerciseFilter = None,
    since: SinceFilter = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sets as JSON (for scripts).", metavar="")] = False,
) -> None:
    """Show the recorded sets, oldest first (where: `$FORMCHECK_DATA_DIR`, else the user data folder)."""
    if ctx.invoked_subcommand is not None:
        return
    from formcheck.history.db import History
    from formcheck.history.query import list_sets

    with History() as db:
        sets = list_sets(db, _selection(person, exercise, since))
    if as_json:
        typer.echo(json.dumps([s.to_dict() for s in sets], indent=2, ensure_ascii=False))
        return
    print_table(Console(), sets, db.path)


def print_table(console: Console, sets: list, where: Path) -> None:
    """The sets as a terminal table (a narrow terminal leaves out the notes, and the person when there is one)."""
    from rich import box

    from formcheck.history.targets import target_for

    if not sets:
        console.print(f"no sets recorded ({escape(str(where))})", highlight=False, soft_wrap=True)
        return
    title = f"{len(sets)} set{'s' if len(sets) != 1 else ''} ({escape(str(where))})"
    console.print(title, highlight=False, soft_wrap=True)
    narrow = console.width < 110
    columns = ["id", "date", "person", "exercise", "reps", "partial", "score", "range", "hold", "pain", "effort",
               "note"]  # fmt: skip
    if narrow:
        columns.remove("note")
        if len({s.person for s in sets}) == 1:
            columns.remove("person")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), collapse_padding=True, show_edge=False)
    headers = {"partial": "part", "effort": "rpe"} if narrow else {}
    for name in columns:
        left = name in ("date", "person", "exercise", "range", "note")
        table.add_column(headers.get(name, name), justify="left" if left else "right", no_wrap=name != "note",
                         overflow="ellipsis")  # fmt: skip
    for s in sets:
        ranges = []
        for rom in s.range_of_motion:
            target = target_for(s.exercise, rom.metric)
            if rom.metric != "hold" and target and rom.achieved is not None:
                ranges.append(f"{_fmt(rom.achieved, rom.unit)} of {_fmt(rom.target, rom.unit)}")
        cells = {
            "id": str(s.id), "date": f"{s.when:%Y-%m-%d}" if narrow else f"{s.when:%Y-%m-%d %H:%M}",
            "person": escape(s.person), "exercise": escape(s.exercise) + ("" if s.complete else "*"),
            "reps": f"{s.rep_count}" + (f" ({s.reps_left}/{s.reps_right})" if s.reps_left is not None else ""),
            "partial": str(s.partial_reps), "score": "-" if s.score is None else f"{s.score:.0f}",
            "range": "; ".join(ranges) or "-",
            "hold": "-" if s.hold_s is None or not target_for(s.exercise, "hold") else f"{s.hold_s:.1f} s",
            "pain": _opt(s.pain), "effort": _opt(s.effort), "note": escape(s.note or ""),
        }  # fmt: skip
        table.add_row(*(cells[name] for name in columns))
    console.print(table)
    notes = ["reps (left/right) for one-arm exercises"]
    if any(not s.complete for s in sets):
        notes.append("* the analysis stopped before the end of the set")
    console.print(f"[dim]{'; '.join(notes)}[/dim]")


def _fmt(value: float, unit: str) -> str:
    if unit == "°":
        return f"{value:.0f}°"
    return f"{value:.2f}" if unit == "torso lengths" else f"{value:.1f} {unit}"


def _opt(value: int | None) -> str:
    return "-" if value is None else str(value)


@history_app.command("export")
def export(
    output: Annotated[Path, typer.Argument(help="The file to write: .json (to import elsewhere) or .csv (a table).")],
    person: PersonFilter = None,
    exercise: ExerciseFilter = None,
    since: SinceFilter = None,
    ids: Annotated[list[int] | None, typer.Option("--id", help="Only this set (repeatable).")] = None,
) -> None:
    """Export sets to JSON (complete: `history import` reads it) or CSV (one row per set)."""
    from formcheck.history.db import History
    from formcheck.history.query import list_sets
    from formcheck.history.transfer import check_export_path, export_sets
    from formcheck.report.writers import check_writable

    check_export_path(output)
    check_writable(output)
    with History() as db:
        sets = list_sets(db, _selection(person, exercise, since))
        if ids:
            _require_ids(db, ids)
            sets = [s for s in sets if s.id in set(ids)]
        export_sets(db, sets, output)
    Console(stderr=True).print(f"exported {len(sets)} set{'s' if len(sets) != 1 else ''} to {escape(str(output))}",
                               highlight=False, soft_wrap=True)  # fmt: skip


def _require_ids(db, ids: list[int]) -> None:
    from formcheck.history.query import get_set

    for set_id in ids:
        get_set(db, set_id)


@history_app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="JSON exports (or single reports written with --report x.json).")],
    person: Annotated[str | None, typer.Option("--person", "-p", help="Record the sets under this name.")] = None,
) -> None:
    """Import sets from JSON exports; sets already in the history are not recorded twice."""
    from formcheck.history.db import History
    from formcheck.history.names import default_person, person_name
    from formcheck.history.record import SetContext
    from formcheck.history.transfer import import_sets, read_import

    name = person_name(person) if person is not None else None
    batches = [(path, read_import(path)) for path in files]  # every file is checked before anything is recorded
    console = Console(stderr=True)
    with History() as db:
        for path, entries in batches:
            added, skipped = import_sets(db, entries, SetContext(default_person(), origin="import"), name)
            also = f", {skipped} already there" if skipped else ""
            ids = f" (ids {', '.join(map(str, added))})" if added and len(added) <= 10 else ""
            console.print(f"{escape(str(path))}: imported {len(added)} set{'s' if len(added) != 1 else ''}{ids}{also}",
                          highlight=False, soft_wrap=True)  # fmt: skip


@history_app.command("delete")
def delete(ids: Annotated[list[int], typer.Argument(help="Set ids (see `formcheck history`).")]) -> None:
    """Delete sets from the history (an unknown id deletes nothing)."""
    from formcheck.history.db import History
    from formcheck.history.query import delete_sets

    with History() as db:
        deleted = delete_sets(db, list(dict.fromkeys(ids)))
    console = Console(stderr=True)
    for s in deleted:
        console.print(f"deleted set {s.id}: {escape(s.person)}, {s.exercise_name}, {s.when:%Y-%m-%d %H:%M}, "
                      f"{s.rep_count} reps", highlight=False, soft_wrap=True)  # fmt: skip

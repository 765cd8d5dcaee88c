"""The command line: `formcheck analyze`, `live`, `history`, `progress`, `model`, `exercises`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from formcheck.commands.history import EffortOpt, NoHistoryOpt, NoteOpt, PainOpt, PersonOpt, history_app
from formcheck.commands.progress import progress
from formcheck.errors import EXIT_BAD_INPUT, EXIT_CODES_HELP, EXIT_INTERRUPTED, FormcheckError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help=__doc__, epilog=EXIT_CODES_HELP, pretty_exceptions_enable=False
)
console = Console(stderr=True)
# typer may vendor click: find its exception classes through typer's own BadParameter
_CLICK = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
ClickException, UsageError = _CLICK["ClickException"], _CLICK["UsageError"]

ExerciseOpt = Annotated[
    str | None, typer.Option("--exercise", "-e", help="Exercise id (see `formcheck exercises`); recognised if omitted.")
]  # fmt: skip
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="Folder of custom rule files (*.toml).")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="lite, full, heavy, or a .task file path.")]
ReportOpt = Annotated[
    list[Path] | None, typer.Option("--report", "-r", help="Write a report; format from the extension (repeatable).")
]  # fmt: skip


@app.command(epilog=EXIT_CODES_HELP)
def analyze(
    video: Annotated[str, typer.Argument(help="Video file or folder of images.")],
    exercise: ExerciseOpt = None,
    report: ReportOpt = None,
    landmarks: Annotated[Path | None, typer.Option(help="Export per-frame landmarks to this CSV file.")] = None,
    annotate: Annotated[Path | None, typer.Option(help="Write the video with skeleton and cues (.mp4).")] = None,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    person: PersonOpt = None, pain: PainOpt = None, effort: EffortOpt = None, note: NoteOpt = None,
    no_history: NoHistoryOpt = False,
) -> None:
    """Analyse a recorded video: count reps, check form, write reports, record the set in the history."""
    from formcheck.history.recording import HistoryOptions

    history = HistoryOptions.from_cli("analyze", no_history, person, pain, effort, note)
    from formcheck.commands.analyze import analyze_command

    analyze_command(video, exercise, report or [], landmarks, annotate, rules, model, quiet, history=history)


@app.command()
def live(
    camera: Annotated[str, typer.Option("--camera", "-c", help="Camera index, or a video played as a camera.")] = "0",
    exercise: ExerciseOpt = None,
    report: ReportOpt = None,
    voice: Annotated[bool, typer.Option("--voice", help="Speak the cues (needs espeak-ng).")] = False,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    linger: Annotated[float, typer.Option("--linger", hidden=True, help="Seconds the set summary stays.")] = 10.0,
    person: PersonOpt = None, pain: PainOpt = None, effort: EffortOpt = None, note: NoteOpt = None,
    no_history: NoHistoryOpt = False,
) -> None:
    """Coach a set live: q/Esc quit, space pause, r reset the set, e next exercise, s save the report."""
    from formcheck.history.recording import HistoryOptions

    history = HistoryOptions.from_cli("live", no_history, person, pain, effort, note)
    from formcheck.commands.live import live_command

    live_command(camera, exercise, report or [], voice, rules, model, linger_s=linger, history=history)


app.add_typer(history_app, name="history")
app.command(epilog=EXIT_CODES_HELP)(progress)


@app.command()
def exercises(rules: RulesOpt = None) -> None:
    """List the exercises and their cues."""
    from formcheck.rules.loader import load_all

    out = Console()
    for ex in load_all(rules).values():
        table = Table(title=f"{ex.name} ({ex.id}) - film {', '.join(ex.views)}", title_justify="left")
        table.add_column("cue")
        table.add_column("shown as")
        table.add_column("the article says")
        table.add_column("checked from")
        for cue in ex.cues:
            table.add_row(cue.id, cue.title, cue.cue, ", ".join(cue.views))
        out.print(table)


@app.command()
def model(model: ModelOpt = None) -> None:
    """Show which pose model is used and where it comes from; download or build it if needed."""
    from formcheck.perception.model import resolve_model

    resolved = resolve_model(model)
    Console().print(f"model: {resolved.path}\nvariant: {resolved.variant or 'custom'}\nsource: {resolved.source}")


def main() -> None:
    """Entry point: user errors become one line on stderr and an exit code, never a traceback."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:  # typer returns 130 for a Ctrl-C it caught itself
            sys.exit(code)
    except FormcheckError as error:
        _error_line(str(error))
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        _error_line("interrupted", prefix="formcheck: ")
        sys.exit(EXIT_INTERRUPTED)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except UsageError as error:
        if error.format_message():  # (an empty one follows the help shown for a bare `formcheck`)
            where = f" (see `{error.ctx.command_path} --help`)" if getattr(error, "ctx", None) else ""
            _error_line(f"{error.format_message()}{where}")
        sys.exit(EXIT_BAD_INPUT)
    except ClickException as error:
        _error_line(error.format_message())
        sys.exit(error.exit_code)
    except Exception as error:  # last line of defence: one line, no traceback
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        _error_line(f"internal error: {type(error).__name__}: {error} (FORMCHECK_DEBUG=1 shows details)")
        sys.exit(1)


def _error_line(message: str, prefix: str = "[red]formcheck: error:[/red] ") -> None:
    """Print one line on stderr (newlines in the message are folded)."""
    console.print(prefix + escape(" ".join(message.split())), markup=True, highlight=False, soft_wrap=True)


if __name__ == "__main__":
    main()

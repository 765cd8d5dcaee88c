"""The command line: `formcheck analyze`, `live`, `model`, `exercises`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from formcheck.errors import EXIT_BAD_INPUT, EXIT_NO_PERSON, FormcheckError, NoPersonError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)
console = Console(stderr=True)

ExerciseOpt = Annotated[
    Optional[str], typer.Option("--exercise", "-e", help="Exercise id (see `formcheck exercises`); recognised if omitted.")
]  # fmt: skip
RulesOpt = Annotated[Optional[Path], typer.Option("--rules", help="Folder of custom rule files (*.toml).")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="lite, full, heavy, or a .task file path.")]
ReportOpt = Annotated[
    Optional[list[Path]], typer.Option("--report", "-r", help="Write a report; format from the extension (repeatable).")
]  # fmt: skip


@app.command()
def analyze(
    video: Annotated[str, typer.Argument(help="Video file or folder of images.")],
    exercise: ExerciseOpt = None,
    report: ReportOpt = None,
    landmarks: Annotated[Optional[Path], typer.Option(help="Export per-frame landmarks to this CSV file.")] = None,
    annotate: Annotated[Optional[Path], typer.Option(help="Write the video with skeleton and cues (.mp4).")] = None,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Analyse a recorded video: count reps, check form, write reports."""
    from formcheck.commands.analyze import analyze_command

    analyze_command(video, exercise, report or [], landmarks, annotate, rules, model, quiet)


@app.command()
def exercises(rules: RulesOpt = None) -> None:
    """List the exercises and their cues."""
    from formcheck.rules import load_all

    out = Console()
    for ex in load_all(rules).values():
        table = Table(title=f"{ex.name} ({ex.id}) - film {', '.join(ex.views)}", title_justify="left")
        table.add_column("cue")
        table.add_column("the article says")
        table.add_column("checked from")
        for cue in ex.cues:
            table.add_row(cue.id, cue.cue, ", ".join(cue.views))
        out.print(table)


@app.command()
def model(model: ModelOpt = None) -> None:
    """Show which pose model is used and where it comes from; download or build it if needed."""
    from formcheck.model import resolve_model

    resolved = resolve_model(model)
    Console().print(f"model: {resolved.path}\nvariant: {resolved.variant or 'custom'}\nsource: {resolved.source}")


def main() -> None:
    """Entry point: user errors become one line and an exit code, never a traceback."""
    try:
        app(standalone_mode=False)
    except FormcheckError as error:
        console.print(f"[red]formcheck: error:[/red] {error}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except NoPersonError as error:  # pragma: no cover - covered by FormcheckError
        console.print(f"formcheck: {error}")
        sys.exit(EXIT_NO_PERSON)
    except KeyboardInterrupt:
        console.print("formcheck: interrupted")
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - last line of defence: one line, no traceback
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(EXIT_BAD_INPUT if isinstance(error, click.UsageError) else error.exit_code)
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        console.print(f"formcheck: internal error: {type(error).__name__}: {error} (FORMCHECK_DEBUG=1 shows details)")
        sys.exit(1)


if __name__ == "__main__":
    main()

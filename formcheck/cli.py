"""The command line: `formcheck analyze`, `live`, `batch`, `history`, `progress`, `model`, `exercises`."""

from __future__ import annotations

import os
import sys
from enum import Enum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

from formcheck.commands.history import EffortOpt, NoHistoryOpt, NoteOpt, PainOpt, PersonOpt, history_app
from formcheck.commands.progress import progress
from formcheck.errors import EXIT_BAD_INPUT, EXIT_CODES_HELP, EXIT_INTERRUPTED, FormcheckError


class _FlagHelp:
    """`--help` shown as the flag it is: some typer releases print ``<bool>`` after every boolean option."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = ""
        return option


class Group(_FlagHelp, TyperGroup):
    """The `formcheck` command group."""


class Command(_FlagHelp, TyperCommand):
    """A `formcheck` subcommand."""


app = typer.Typer(
    cls=Group, add_completion=False, no_args_is_help=True, help=__doc__, epilog=EXIT_CODES_HELP,
    pretty_exceptions_enable=False,
)  # fmt: skip
console = Console(stderr=True)
# typer may vendor click: find its exception classes through typer's own BadParameter
_CLICK = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
ClickException, UsageError = _CLICK["ClickException"], _CLICK["UsageError"]


def flag(*names: str, help: str) -> Any:  # (typer's own parameter name)
    """A boolean option given without a value (``--quiet``, not ``--quiet true``)."""
    return typer.Option(*names, help=help, metavar="")


def package_version() -> str:
    """formcheck's installed version."""
    try:
        return version("formcheck")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"formcheck {package_version()}")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", metavar="", is_eager=True,
                           callback=_show_version)
    ] = False,
) -> None:  # fmt: skip
    """formcheck's own options (the group's help is the module docstring)."""


class Rotation(str, Enum):
    """Clockwise turns of ``--rotate``."""

    QUARTER = "90"
    HALF = "180"
    THREE_QUARTERS = "270"

ExerciseOpt = Annotated[
    str | None, typer.Option("--exercise", "-e", help="Exercise id (see `formcheck exercises`); recognised if omitted.")
]  # fmt: skip
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="Folder of custom rule files (*.toml).")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="lite, full, heavy, or a .task file path.")]
ReportOpt = Annotated[
    list[Path] | None, typer.Option("--report", "-r", help="Write a report; format from the extension (repeatable).")
]  # fmt: skip
PlanOpt = Annotated[
    str | None, typer.Option("--plan", metavar="PLAN", help="A workout plan (.toml file, or a bundled plan's name, "
                                                            "e.g. back-routine) to compare the workout with.")
]  # fmt: skip
TargetRepsOpt = Annotated[
    int | None, typer.Option("--target-reps", min=1, max=1000, metavar="N",
                             help="Reps to aim for (e.g. a physiotherapist's prescription); default: the rule "
                                  "file's range, 10-20 for the article's exercises.")
]  # fmt: skip


@app.command(cls=Command, epilog=EXIT_CODES_HELP)
def analyze(
    video: Annotated[str, typer.Argument(help="Video file or folder of images.")],
    exercise: ExerciseOpt = None,
    report: ReportOpt = None,
    landmarks: Annotated[Path | None, typer.Option(help="Export per-frame landmarks to this CSV file.")] = None,
    annotate: Annotated[Path | None, typer.Option(help="Write the video with skeleton and cues (H.264 .mp4).")] = None,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    target_reps: TargetRepsOpt = None,
    rotate: Annotated[
        Rotation | None, typer.Option("--rotate", help="Turn the picture clockwise by 90, 180 or 270 degrees "
                                                       "(a video filmed sideways).")
    ] = None,
    fps: Annotated[
        float | None, typer.Option("--fps", min=0.1, max=1000.0, help="Frame rate of a folder of images "
                                                                      "(default 30).")
    ] = None,
    quiet: Annotated[bool, flag("--quiet", "-q", help="No progress bar or summary.")] = False,
    plan: PlanOpt = None,
    person: PersonOpt = None, pain: PainOpt = None, effort: EffortOpt = None, note: NoteOpt = None,
    no_history: NoHistoryOpt = False,
) -> None:  # fmt: skip
    """Analyse a recorded video: count reps, check form, write reports, record the set in the history.

    Without --exercise a video with several sets (rests between them) is analysed as a workout: each set's
    exercise is recognised and every set is reported; --plan compares the workout with a plan."""
    from formcheck.history.recording import HistoryOptions

    history = HistoryOptions.from_cli("analyze", no_history, person, pain, effort, note)
    from formcheck.commands.analyze import analyze_command

    analyze_command(video, exercise, report or [], landmarks, annotate, rules, model, quiet, history=history,
                    target_reps=target_reps, rotate=int(rotate.value) if rotate else 0, fps=fps, plan=plan)  # fmt: skip


@app.command(cls=Command)
def live(
    camera: Annotated[str, typer.Option("--camera", "-c", help="Camera index, or a video played as a camera.")] = "0",
    exercise: ExerciseOpt = None,
    report: ReportOpt = None,
    voice: Annotated[bool, flag("--voice", help="Speak the cues (needs espeak-ng).")] = False,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    target_reps: TargetRepsOpt = None,
    linger: Annotated[float, typer.Option("--linger", hidden=True, help="Seconds the set summary stays.")] = 10.0,
    plan: PlanOpt = None,
    person: PersonOpt = None, pain: PainOpt = None, effort: EffortOpt = None, note: NoteOpt = None,
    no_history: NoHistoryOpt = False,
) -> None:
    """Coach a set live: q/Esc quit, space pause, r reset the set, e next exercise, s save the report.

    With --plan, a guided workout: each planned set is named with where to put the camera, recognised, counted
    and coached; a rest timer runs between sets (n end the set / skip the next, r restart it / repeat the last);
    one report covers the workout, against the plan."""
    from formcheck.history.recording import HistoryOptions

    history = HistoryOptions.from_cli("live", no_history, person, pain, effort, note)
    from formcheck.commands.live import live_command

    live_command(camera, exercise, report or [], voice, rules, model, linger_s=linger, history=history,
                 target_reps=target_reps, plan=plan)


app.add_typer(history_app, name="history")
app.command(epilog=EXIT_CODES_HELP)(progress)


BATCH_EXIT_CODES_HELP = (
    "Exit codes: 0 every video analysed or already up to date; 1 at least one video failed (its one-line error is "
    "in the summary, every other video has its report) or no pose model / Ray cluster; 2 bad input (missing input, "
    "no videos found, bad manifest, unknown exercise, format or engine, unwritable output folder); 130 interrupted "
    "with Ctrl-C (finished reports and the summary so far are kept: run the same command again to continue)."
)


@app.command(epilog=BATCH_EXIT_CODES_HELP)
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Videos, folders (searched recursively), globs, manifest CSVs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports and the summary.")],
    exercise: ExerciseOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Videos analysed at once (local engine).")] = 1,
    formats: Annotated[str, typer.Option(help="Report formats per video, e.g. json,csv,html.")] = "json,csv,html",
    force: Annotated[bool, flag("--force", help="Analyse again videos whose reports are up to date.")] = False,
    engine: Annotated[str, typer.Option(help="local (worker processes) or ray (a Ray cluster).")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address (host:port or ray://host:10001).")] = None,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    quiet: Annotated[bool, flag("--quiet", "-q", help="No progress bar or summary lines.")] = False,
) -> None:
    """Analyse many videos: a report per video and a cohort summary (CSV, Parquet, HTML); reruns continue."""
    from formcheck.commands.batch import batch_command

    code = batch_command(inputs, out, exercise=exercise, jobs=jobs, formats=formats, force=force, engine=engine,
                         address=address, rules_dir=rules, model=model, quiet=quiet)  # fmt: skip
    if code:
        raise typer.Exit(code)


@app.command(cls=Command)
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


@app.command(cls=Command)
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

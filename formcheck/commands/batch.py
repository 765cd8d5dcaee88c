"""`formcheck batch`: many videos in, a report per video and a cohort summary out."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from formcheck.batch.engines import make_engine
from formcheck.batch.inputs import expand_inputs
from formcheck.batch.progress import BatchProgress
from formcheck.batch.runner import BatchOptions, BatchResult, run_batch
from formcheck.batch.worker import FORMATS
from formcheck.errors import EXIT_FAILURE, EXIT_OK, BadInputError, InterruptedAnalysis


def parse_formats(text: str) -> tuple[str, ...]:
    """``json,csv,html`` -> ('json', 'csv', 'html'); unknown names are bad input listing the valid ones."""
    names = tuple(dict.fromkeys(part.strip().lower().lstrip(".") for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise BadInputError(f"--formats {text!r}: use one or more of {', '.join(FORMATS)}, separated by commas")
    return names


def batch_command(
    inputs: list[str],
    out_dir: Path,
    *,
    exercise: str | None = None,
    jobs: int = 1,
    formats: str = ",".join(FORMATS),
    force: bool = False,
    engine: str = "local",
    address: str | None = None,
    rules_dir: Path | None = None,
    model: str | None = None,
    quiet: bool = False,
) -> int:
    """Analyse every video of ``inputs`` into ``out_dir``; returns the exit code (0 all done, 1 some failed)."""
    console = Console(stderr=True, quiet=quiet)
    options = BatchOptions(out_dir, parse_formats(formats), exercise, model, rules_dir, force)
    if address and engine != "ray":
        raise BadInputError("--address names a Ray cluster: use it with --engine ray")
    runner = make_engine(engine, jobs=jobs, address=address)
    items = expand_inputs(inputs, exclude=out_dir)
    with _sigterm_as_ctrl_c(), BatchProgress(console, len(items), disable=quiet) as progress:
        result = run_batch(items, options, runner, progress=progress)
    print_result(console, result, len(items))
    if result.interrupted:
        raise InterruptedAnalysis(f"interrupted: {len(result.rows)} of {len(items)} videos done, their reports and "
                                  f"the summary are in {out_dir}; run the same command again to continue")  # fmt: skip
    return EXIT_FAILURE if result.failed else EXIT_OK


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """A SIGTERM (a job scheduler's stop) ends the batch like Ctrl-C: finished work and the summary are kept."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def print_result(console: Console, result: BatchResult, total: int) -> None:
    """What was done, where the summary is, and one line per failed video."""
    failed = result.failed
    console.print(f"{total} videos: {len(result.analysed)} analysed, {len(result.up_to_date)} up to date, "
                  f"{len(failed)} failed", highlight=False)  # fmt: skip
    for path in result.summary_files:
        console.print(f"  summary written: {escape(str(path))}", highlight=False)
    for row in failed:
        error = row["error"] or "failed"
        line = error if error.startswith(row["video"]) else f"{row['video']}: {error}"
        console.print(f"  [red]✗[/red] {escape(line)}", highlight=False, soft_wrap=True)

"""`formcheck analyze`: a recorded video in, a summary and reports out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from formcheck.analysis.recognize import RecognizingAnalyzer
from formcheck.analysis.result import SetResult
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.draw.skeleton import SkeletonAnnotator
from formcheck.errors import InterruptedAnalysis, NoPersonError
from formcheck.history.recording import HistoryOptions, record_finished
from formcheck.io.source import Frame, open_source
from formcheck.io.writer import AnnotatedVideoWriter
from formcheck.perception.model import resolve_model
from formcheck.pose.frame import PoseFrame
from formcheck.report.build import build_report
from formcheck.report.writers import check_report_paths, check_writable, write_reports
from formcheck.rules.loader import find_exercise, load_all
from formcheck.session import run_analysis


class FpsColumn(ProgressColumn):
    """Frames analysed per second."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:5.1f} fps" if task.speed else "  ... fps", style="progress.data.speed")


def analyze_command(
    video: str,
    exercise: str | None,
    reports: list[Path],
    landmarks: Path | None,
    annotate: Path | None,
    rules_dir: Path | None,
    model: str | None,
    quiet: bool,
    history: HistoryOptions | None = None,
) -> SetResult:
    """Run the whole analysis of one video, write what was asked for and record the set in ``history``."""
    console = Console(stderr=True, quiet=quiet)
    check_report_paths(reports)  # refuse unwritable outputs before any work starts
    if history:
        history.check()
    for output in (landmarks, annotate):
        if output:
            check_writable(output)
    rules = find_exercise(exercise, rules_dir) if exercise else None
    source = open_source(video)
    resolved = resolve_model(model)
    from formcheck.perception.estimator import PoseEstimator

    with PoseEstimator(resolved.path) as estimator:

        def poses(frame: Frame):
            return estimator.detect(frame.image, frame.timestamp_ms)

        def with_progress(frames: Iterator[Frame]) -> Iterator[Frame]:
            columns = [TextColumn("analysing"), BarColumn(), TaskProgressColumn(), FpsColumn(), TimeRemainingColumn()]
            with Progress(*columns, console=console, transient=True, disable=quiet) as bar:
                task = bar.add_task("frames", total=source.frame_count)
                for frame in frames:
                    yield frame
                    bar.advance(task)

        writer = annotated_writer(annotate, source.fps) if annotate else None
        try:
            draw = _annotator(writer) if writer else None

            analysis = run_analysis(source, poses, rules, catalogue=load_all(rules_dir), landmarks_csv=landmarks,
                                    frames=with_progress, on_pose=draw)  # fmt: skip
        except BaseException:
            if writer:
                writer.discard()
            raise
        if writer:
            writer.close()
    report = build_report(analysis)
    write_reports(reports, report, analysis)
    print_summary(console, report, reports)
    record_finished(history, [report], console)
    if not analysis.complete:
        done = f"{analysis.source.frames} frames ({analysis.source.duration_s:.1f} s)"
        if not source.problem:  # Ctrl-C
            raise InterruptedAnalysis(f"interrupted: the report covers the first {done}, marked incomplete")
        Console(stderr=True).print(f"formcheck: warning: {video}: {source.problem}; analysed {done}",
                                   highlight=False, soft_wrap=True)  # fmt: skip
    if analysis.frames_with_person == 0:
        raise NoPersonError(f"{video}: nobody was seen in the video (report written with no reps)")
    return analysis


def annotated_writer(path: Path, fps: float) -> AnnotatedVideoWriter:
    """The writer of `--annotate` (checked before the analysis starts)."""
    return AnnotatedVideoWriter(path, fps)


def _annotator(writer: AnnotatedVideoWriter) -> Callable[[Frame, PoseFrame, SetAnalyzer, list], None]:
    """An ``on_pose`` callback drawing skeleton, count and cues on each frame, as `live` shows them."""
    from formcheck.analysis.coach import SetCoaching
    from formcheck.draw.hud import OverlayAnnotator

    coaching, overlay = SetCoaching(), OverlayAnnotator()

    def on_pose(frame: Frame, pose: PoseFrame, analyzer: SetAnalyzer, events: list) -> None:
        if isinstance(analyzer, RecognizingAnalyzer) and analyzer.inner is None:  # still recognising
            writer.write(SkeletonAnnotator().annotate(frame.image.copy(), pose))
            return
        state = coaching.update(pose.t, analyzer, events, pose)
        writer.write(overlay.annotate(frame.image.copy(), pose, state))

    return on_pose


def print_summary(console: Console, report: dict, written: list[Path]) -> None:
    """A few lines: reps, score, faults, cues that could not be checked."""
    by_side = report["reps_by_side"]
    reps = f"{report['rep_count']}" + (f" (left {by_side['left']}, right {by_side['right']})" if by_side else "")
    score = "-" if report["score"] is None else f"{report['score']:.0f}/100"
    incomplete = "" if report["complete"] else " [yellow](incomplete)"
    camera = report["camera"]["view_label"]
    console.print(f"[bold]{report['exercise_name']}[/bold]: {reps} reps, score {score}, camera {camera}{incomplete}")
    if report.get("recognition"):
        console.print(f"  recognised as {report['exercise']} (confidence {report['recognition']['confidence']:.2f})")
    for advice in report["camera"].get("advice", []):
        console.print(f"  [yellow]camera:[/yellow] {advice}")
    mismatch = report.get("exercise_check")
    if mismatch:
        console.print(f"  [yellow]![/yellow] this looks like {mismatch['looks_like'].replace('_', ' ')}, not "
                      f"{mismatch['named'].replace('_', ' ')}: the faults below are not yours. Analyse it with "
                      f"--exercise {mismatch['looks_like']}")  # fmt: skip
    for cue_id, cue in report["cues"].items():
        if cue["fault"] and mismatch:
            continue
        if cue["fault"]:
            count = cue["reps_with_fault"]
            where = f" on {count} of {report['rep_count']} reps" if count is not None else ""
            console.print(f"  [red]✗[/red] {cue_id}{where}: {cue['message']}")
        elif not cue["checked"]:
            console.print(f"  [dim]- {cue_id} not checked: {cue['not_checked_reason']}[/dim]")
    for finding in report["findings"]:
        if finding["cue"] == "rep_range":
            console.print(f"  [yellow]![/yellow] {finding['message']}")
    for path in written:
        console.print(f"  report written: {path}")

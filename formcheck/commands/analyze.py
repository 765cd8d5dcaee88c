"""`formcheck analyze`: a recorded video in, a summary and reports out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from formcheck.analysis.camera_advice import PoseSample, advise
from formcheck.analysis.recognize import RecognizingAnalyzer
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.draw.skeleton import SkeletonAnnotator
from formcheck.errors import InterruptedAnalysis, NoPersonError
from formcheck.io.source import Frame, open_source
from formcheck.io.writer import AnnotatedVideoWriter
from formcheck.perception.model import resolve_model
from formcheck.pose.frame import PoseFrame
from formcheck.report.build import build_report
from formcheck.report.writers import check_report_paths, check_writable, write_reports
from formcheck.rules.loader import find_exercise, load_all
from formcheck.session import Analysis, run_analysis


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
    *,
    on_frame: Callable[[int, int | None], None] | None = None,
    source_name: str | None = None,
) -> Analysis:
    """Run the whole analysis of one video and write what was asked for.

    ``on_frame(done, total)`` follows the progress (e.g. in `formcheck batch`); ``source_name`` is the path the
    report names (a copy of the video may be analysed in its place).
    """
    console = Console(stderr=True, quiet=quiet)
    check_report_paths(reports)  # refuse unwritable outputs before any work starts
    for output in (landmarks, annotate):
        if output:
            check_writable(output)
    rules = find_exercise(exercise, rules_dir) if exercise else None
    source = open_source(video)
    if source_name:
        source.name = source_name
    resolved = resolve_model(model)
    from formcheck.perception.estimator import PoseEstimator

    with PoseEstimator(resolved.path) as estimator:

        def poses(frame: Frame):
            return estimator.detect(frame.image, frame.timestamp_ms)

        def with_progress(frames: Iterator[Frame]) -> Iterator[Frame]:
            columns = [TextColumn("analysing"), BarColumn(), TaskProgressColumn(), FpsColumn(), TimeRemainingColumn()]
            with Progress(*columns, console=console, transient=True, disable=quiet) as bar:
                task = bar.add_task("frames", total=source.frame_count)
                for done, frame in enumerate(frames, 1):
                    yield frame
                    bar.advance(task)
                    if on_frame:
                        on_frame(done, source.frame_count)

        recognizing = None if rules else RecognizingAnalyzer(load_all(rules_dir))  # no --exercise: recognise it
        sampled = PoseSample()  # for the camera advice; bounded, so memory does not grow with the video's length
        writer = annotated_writer(annotate, source.fps) if annotate else None
        try:
            draw = _annotator(writer) if writer else None

            def on_pose(frame: Frame, pose: PoseFrame, analyzer: SetAnalyzer, events: list) -> None:
                sampled.add(pose)
                if draw:
                    draw(frame, pose, analyzer, events)

            analysis = run_analysis(source, poses, rules, landmarks_csv=landmarks, frames=with_progress,
                                    on_pose=on_pose, analyzer=recognizing)  # fmt: skip
        except BaseException:
            if writer:
                writer.discard()
            raise
        if writer:
            writer.close()
    if recognizing is not None and recognizing.recognition is not None:
        analysis.recognition = recognizing.recognition.to_dict()
    analysis.camera_advice = advise(analysis.rules, analysis.analyzer.view, sampled.poses,
                                    analysis.analyzer.rep_count)
    report = build_report(analysis)
    write_reports(reports, report, analysis)
    print_summary(console, report, reports)
    if not analysis.complete:
        done = f"{analysis.source.frames} frames ({analysis.source.duration_s:.1f} s)"
        if not source.problem:  # Ctrl-C
            raise InterruptedAnalysis(f"interrupted: the report covers the first {done}, marked incomplete")
        Console(stderr=True).print(f"formcheck: warning: {video}: {source.problem}; analysed {done}",
                                   highlight=False, soft_wrap=True)  # fmt: skip
    if analysis.analyzer.frames_with_person == 0:
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
    for cue_id, cue in report["cues"].items():
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

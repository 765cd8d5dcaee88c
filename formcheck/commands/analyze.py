"""`formcheck analyze`: a recorded video in, a summary and reports out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from formcheck.analysis.camera_advice import PoseSample, rotation_hint
from formcheck.analysis.recognize import ExerciseUnclearError, RecognizingAnalyzer
from formcheck.analysis.result import SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.analysis.workout_result import WorkoutResult
from formcheck.draw.skeleton import SkeletonAnnotator
from formcheck.errors import BadInputError, InterruptedAnalysis, NoPersonError
from formcheck.history.recording import HistoryOptions, record_finished
from formcheck.io.source import Frame, FrameSource, open_source
from formcheck.io.writer import AnnotatedVideoWriter
from formcheck.perception.model import resolve_model
from formcheck.plans.loader import load_plan
from formcheck.plans.model import Plan
from formcheck.pose.frame import PoseFrame
from formcheck.report.build import build_report
from formcheck.report.workout_report import build_workout_report, write_workout_reports
from formcheck.report.writers import check_report_paths, check_writable, write_reports
from formcheck.rules.loader import load_all
from formcheck.rules.model import VIEWS, ExerciseRules
from formcheck.session import run_analysis
from formcheck.workout_session import run_workout, with_adherence

UNRECOGNISED_ID = "unknown"


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
    history: HistoryOptions | None = None,
    target_reps: int | None = None,
    rotate: int = 0,
    fps: float | None = None,
    on_frame: Callable[[int, int | None], None] | None = None,
    source_name: str | None = None,
    plan: str | None = None,
    workouts: bool = True,
) -> SetResult | WorkoutResult:
    """Run the whole analysis of one video, write what was asked for and record the set(s) in ``history``.

    Without ``exercise`` a video holding several sets (split at rests, each exercise recognised) is reported as a
    workout (``workouts=False``: always one set); ``plan`` (a plan file or a bundled plan's name) makes it a
    workout compared with the plan.

    ``target_reps`` replaces the rule files' rep range; ``rotate`` turns the frames clockwise (90, 180, 270);
    ``fps`` is the frame rate of a folder of images. ``on_frame(done, total)`` follows the progress (e.g. in
    `formcheck batch`); ``source_name`` is the path the report names (a copy of the video may be analysed in its
    place).
    """
    console = Console(stderr=True, quiet=quiet)
    check_report_paths(reports)  # refuse unwritable outputs before any work starts
    if history:
        history.check()
    for output in (landmarks, annotate):
        if output:
            check_writable(output)
    catalogue = with_target_reps(load_all(rules_dir), target_reps)
    if exercise is not None and exercise not in catalogue:
        raise BadInputError(f"unknown exercise {exercise!r}; choose one of: {', '.join(sorted(catalogue))}")
    rules = catalogue[exercise] if exercise else None
    if plan is not None and exercise is not None:
        raise BadInputError("--plan and --exercise exclude each other: the plan names the exercises")
    workout_plan = load_plan(plan, catalogue) if plan is not None else None
    source = open_source(video, fps=fps, rotate=rotate)
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

        sampled = PoseSample()  # for the rotation hint; bounded, so memory does not grow with the video's length
        seen = _FramesSeen()
        writer = annotated_writer(annotate, source.fps) if annotate else None
        try:
            draw = _annotator(writer) if writer else None

            def on_pose(frame: Frame, pose: PoseFrame, analyzer: SetAnalyzer, events: list) -> None:
                sampled.add(pose)
                seen.add(frame, pose)
                if draw:
                    draw(frame, pose, analyzer, events)

            try:
                if rules is None and (workouts or workout_plan):
                    expected = [s.exercise for s in workout_plan.sets()] if workout_plan else []
                    analysis = run_workout(source, poses, catalogue, expected=expected, single=workout_plan is None,
                                           landmarks_csv=landmarks, frames=with_progress, on_pose=on_pose)  # fmt: skip
                else:
                    analysis = run_analysis(source, poses, rules, catalogue=catalogue, landmarks_csv=landmarks,
                                            frames=with_progress, on_pose=on_pose)  # fmt: skip
            except NoPersonError:
                if rules is not None:
                    raise
                analysis = unrecognised_analysis(catalogue, source, seen)  # still reported: nobody in view
            except ExerciseUnclearError as error:
                hint = rotation_hint(sampled.poses, catalogue)
                if hint is None:
                    raise
                raise BadInputError(f"{video}: {hint} ({error})") from None
        except BaseException:
            if writer:
                writer.discard()
            raise
        if writer:
            writer.close()
    if isinstance(analysis, WorkoutResult):
        return _finish_workout(console, video, analysis, workout_plan, reports, history, source.problem)
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


def _finish_workout(console: Console, video: str, workout: WorkoutResult, plan: Plan | None, reports: list[Path],
                    history: HistoryOptions | None, problem: str | None) -> WorkoutResult:  # fmt: skip
    """Compare with the plan, write the workout's reports, print its summary, record every set."""
    if plan is not None:
        workout = with_adherence(workout, plan)
    report = build_workout_report(workout)
    write_workout_reports(reports, report, workout)
    print_workout_summary(console, report, reports)
    record_finished(history, [entry["report"] for entry in report["sets"]], console)
    if not workout.complete:
        if not problem:
            raise InterruptedAnalysis(f"interrupted: the report covers the first {workout.source.duration_s:.1f} s "
                                      f"({len(workout.sets)} sets), marked incomplete")  # fmt: skip
        _warn(f"{video}: {problem}; analysed {workout.source.duration_s:.1f} s")
    return workout


def print_workout_summary(console: Console, report: dict, written: list[Path]) -> None:
    """One line per set, then the plan's adherence."""
    console.print(f"[bold]Workout[/bold]: {report['set_count']} sets, {report['rep_count']} reps")
    for entry in report["sets"]:
        by_side = entry["reps_by_side"]
        reps = f"{entry['rep_count']}" + (f" (left {by_side['left']}, right {by_side['right']})" if by_side else "")
        partial = f", {entry['partial_reps']} partial" if entry["partial_reps"] else ""
        score = "-" if entry["score"] is None else f"{entry['score']:.0f}/100"
        faults = f"; faults: {', '.join(entry['faults'])}" if entry["faults"] else ""
        console.print(f"  set {entry['number']} ({entry['start_s']:.0f}-{entry['end_s']:.0f} s): "
                      f"{entry['exercise_name']}, {reps} reps{partial}, score {score}{faults}")  # fmt: skip
    adherence = report.get("adherence")
    if adherence:
        console.print(f"  plan {report['plan']['name']}: {adherence['summary']}")
        for planned in adherence["sets"]:
            if planned["status"] != "done":
                console.print(f"  [yellow]![/yellow] planned set {planned['number']} ({planned['exercise']}): "
                              f"{planned['status']}" + (f", {planned['note']}" if planned.get("note") else ""))
    for path in written:
        console.print(f"  report written: {path}")


def with_target_reps(catalogue: dict[str, ExerciseRules], target: int | None) -> dict[str, ExerciseRules]:
    """The exercises with ``--target-reps`` as their rep range (min = max = target); unchanged without one."""
    if target is None:
        return catalogue
    return {key: replace(rules, min_reps=target, max_reps=target) for key, rules in catalogue.items()}


class _FramesSeen:
    """Frames analysed, the last timestamp and the picture size (for a report when no analysis could be made)."""

    def __init__(self) -> None:
        self.count, self.last_t, self.size = 0, 0.0, (0, 0)

    def add(self, frame: Frame, pose: PoseFrame) -> None:
        self.count += 1
        self.last_t = pose.t
        self.size = (frame.image.shape[1], frame.image.shape[0])


def unrecognised_analysis(catalogue: dict[str, ExerciseRules], source: FrameSource, seen: _FramesSeen) -> SetResult:
    """The analysis of a video with nobody in it and no exercise named: no exercise, no cues, no reps."""
    import datetime as dt

    first = next(iter(catalogue.values()))
    views = tuple(view for view in VIEWS if any(view in rules.views for rules in catalogue.values()))
    rules = replace(first, id=UNRECOGNISED_ID, name="Exercise not recognised", cues=(), sides="both", views=views,
                    description="nobody was seen, so the exercise could not be recognised")  # fmt: skip
    duration = seen.last_t + 1.0 / source.fps if seen.count else 0.0
    info = SourceInfo(source.name, source.fps, seen.count, round(duration, 3), *seen.size)
    recognition = {"exercise": None, "confidence": 0.0, "candidates": [], "reason": "nobody in view"}
    return summarize(SetAnalyzer(rules), info, complete=not source.problem, interruption=source.problem,
                     analysed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     recognition=recognition)  # fmt: skip


def annotated_writer(path: Path, fps: float) -> AnnotatedVideoWriter:
    """The writer of `--annotate` (checked before the analysis starts); a fallback to mp4v is a warning."""
    return AnnotatedVideoWriter(path, fps, warn=_warn)


def _warn(message: str) -> None:
    """One warning line on stderr (shown even with --quiet)."""
    Console(stderr=True).print(f"formcheck: warning: {message}", highlight=False, soft_wrap=True, markup=False)


def _annotator(writer: AnnotatedVideoWriter) -> Callable[[Frame, PoseFrame, SetAnalyzer, list], None]:
    """An ``on_pose`` callback drawing skeleton, count and cues on each frame, as `live` shows them."""
    from formcheck.analysis.coach import SetCoaching
    from formcheck.draw.hud import OverlayAnnotator

    coaching, overlay = SetCoaching(), OverlayAnnotator()

    def on_pose(frame: Frame, pose: PoseFrame, analyzer: SetAnalyzer, events: list) -> None:
        if analyzer is None or (isinstance(analyzer, RecognizingAnalyzer) and analyzer.inner is None):  # no set yet
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
    label = report["camera"]["view_label"]
    camera = f"filmed {label}" if label else "camera view unknown"
    target = report.get("target_reps")
    aim = ""
    if target and report["cues"]:  # (an unrecognised exercise has no cues and no target of its own)
        aim = f" (target {target['min']}" + (f"-{target['max']}" if target["max"] != target["min"] else "") + ")"
    console.print(f"[bold]{report['exercise_name']}[/bold]: {reps} reps{aim}, score {score}, {camera}{incomplete}")
    recognition = report.get("recognition")
    if recognition and recognition["exercise"]:
        console.print(f"  recognised as {report['exercise']} (confidence {recognition['confidence']:.2f})")
    elif recognition:
        console.print(f"  exercise not recognised: {recognition['reason']}")
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

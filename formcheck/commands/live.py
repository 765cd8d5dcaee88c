"""`formcheck live`: coach a set in real time from a camera (or a video file played as one).

The analysis is the one `analyze` runs (``run_analysis`` -> ``SetAnalyzer``, ``build_report``, ``write_reports``);
this module only feeds it the newest frames, shows the result and reacts to keys.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from rich.console import Console

from formcheck.analysis.coach import Advice, HudState, SetCoaching, summary_lines
from formcheck.analysis.recognize import RecognizingAnalyzer
from formcheck.analysis.result import SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.commands.analyze import print_summary, with_target_reps
from formcheck.draw.hud import OverlayAnnotator
from formcheck.errors import EXIT_INTERRUPTED, BadInputError, FormcheckError
from formcheck.history.recording import HistoryOptions, record_finished
from formcheck.io.realtime import LatestFrameGrabber, LiveFeed, open_quietly
from formcheck.io.source import Frame
from formcheck.io.window import KEY_ESC, KEY_SPACE, PreviewWindow
from formcheck.pose.frame import PoseFrame
from formcheck.report.build import build_report
from formcheck.report.writers import check_report_paths, write_reports
from formcheck.rules.loader import load_all
from formcheck.rules.model import ExerciseRules
from formcheck.safety import DISCLAIMER, SAFETY_TIPS, SHORT_NOTE
from formcheck.session import run_analysis

STATUS_S = 2.0          # how long a status line ("report saved") stays
SAFETY_NOTE_S = 6.0     # how long the safety note stays on screen at the start of the session
RECOGNISING = HudState("Which exercise?", "-", None, None, (), Advice("_recognise", "Start your set: the exercise is "
                       "recognised from the first reps", "tip"), ())  # fmt: skip
KEYS_HELP = "q/Esc quit - space pause - r reset set - e next exercise - s save report"


class InterruptedSetError(FormcheckError):
    """Ctrl-C during a live set (after its report was saved)."""

    exit_code = EXIT_INTERRUPTED


@dataclass
class SetOutcome:
    """How one set ended, with its result (and the analyzer, for the display)."""

    analysis: SetResult
    analyzer: SetAnalyzer | RecognizingAnalyzer
    reason: str          # quit, ended, lost, interrupted, reset, next


@dataclass
class LiveStats:
    """Latency from frame capture to display, and frames dropped to keep up."""

    latencies_ms: list[float] = field(default_factory=list)
    analysed: int = 0

    def text(self, dropped: int) -> str:
        if not self.latencies_ms:
            return "no frames analysed"
        ordered = sorted(self.latencies_ms)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        return (f"{self.analysed} frames analysed, {dropped} dropped to keep up; capture-to-display latency "
                f"median {statistics.median(ordered):.0f} ms, 90% under {p90:.0f} ms")  # fmt: skip


def safety_text() -> str:
    """The note printed as a live session starts: the article's general tips, then the disclaimer."""
    return "Before you start: " + " ".join(SAFETY_TIPS) + " " + DISCLAIMER


def default_report_path(exercise_id: str) -> Path:
    """Where a live set is saved when no --report was given."""
    return Path(f"formcheck-live-{exercise_id}-{dt.datetime.now():%Y%m%d-%H%M%S}.json")


def per_exercise_path(path: Path, exercise_id: str) -> Path:
    """report.json -> report.hip_raise.json (a set ended by switching exercise)."""
    return path.with_name(f"{path.stem}.{exercise_id}{path.suffix}")


class LiveSession:
    """Runs sets one after the other on one camera until the user stops."""

    def __init__(
        self,
        grabber: LatestFrameGrabber,
        detect: Callable[[Frame], PoseFrame],
        catalogue: dict[str, ExerciseRules],
        exercise: str | None,
        reports: list[Path],
        window: PreviewWindow | None,
        console: Console,
        speak: Callable[[str], None] | None = None,
        linger_s: float = 10.0,
    ) -> None:
        self.grabber, self.detect, self.catalogue = grabber, detect, catalogue
        self.rules: ExerciseRules | None = catalogue[exercise] if exercise else None   # None: recognise it
        self.reports, self.window, self.console, self.speak = reports, window, console, speak
        self.linger_s = linger_s
        self.mirror = grabber.source.is_live
        self.overlay = OverlayAnnotator()
        self.coaching = SetCoaching()
        self.stats = LiveStats()
        self.feed: LiveFeed | None = None
        self._offset_ms: int | None = None
        self._status: tuple[str, float] | None = None
        self._last: tuple[np.ndarray, PoseFrame] | None = None
        self._size = (0, 0)
        self.finished: list[dict] = []  # the report of every set that ended (switched away from, or the last)
        self._status = (SHORT_NOTE, time.monotonic() + SAFETY_NOTE_S)  # the article's tips, as the session starts

    # -- sets ----------------------------------------------------------------------------------------
    def run(self) -> SetOutcome:
        """Run sets until one ends the session (quit, end of the video, camera lost, Ctrl-C)."""
        while True:
            outcome = self.run_set(self.rules)
            if outcome.reason == "reset":
                self.console.print("set reset: counting from zero")
                continue
            if outcome.reason == "next":
                self._save_switched(outcome.analysis)
                ids = list(self.catalogue)
                now = self.rules.id if self.rules else ids[-1]
                self.rules = self.catalogue[ids[(ids.index(now) + 1) % len(ids)]]
                self.console.print(f"next exercise: {self.rules.name}")
                continue
            return outcome

    def run_set(self, rules: ExerciseRules | None) -> SetOutcome:
        """One set: the same analysis as `analyze`, fed with the newest frames (recognising the exercise first
        when none is named; the sets after it keep the recognised exercise)."""
        self.feed = LiveFeed(self.grabber)
        self.coaching.reset()
        self._offset_ms = None
        analyzer = RecognizingAnalyzer(self.catalogue) if rules is None else SetAnalyzer(rules)
        analysis = run_analysis(self.feed, self._pose, rules, on_pose=self._on_pose, analyzer=analyzer)
        if rules is None and analysis.recognition is not None:
            self.rules = analysis.rules
            self.console.print(f"recognised: {analysis.rules.name}")
        reason = self.feed.reason or "ended"
        if not analysis.complete:
            reason = "interrupted"
        elif reason == "lost":
            last_t = analyzer.last_t
            analysis = replace(analysis, complete=False,
                               interruption=f"the camera stopped delivering frames after {last_t:.1f} s")
        return SetOutcome(analysis, analyzer, reason)

    def _pose(self, frame: Frame) -> PoseFrame:
        """Detect on the camera's clock; each set's own clock starts at its first frame."""
        pose = self.detect(frame)
        if self._offset_ms is None:
            self._offset_ms = frame.timestamp_ms
        return replace(pose, timestamp_ms=frame.timestamp_ms - self._offset_ms) if self._offset_ms else pose

    # -- every analysed frame ------------------------------------------------------------------------
    def _on_pose(self, frame: Frame, pose: PoseFrame, analyzer: SetAnalyzer, events: list) -> None:
        self.stats.analysed += 1
        self._size = (frame.image.shape[1], frame.image.shape[0])
        if isinstance(analyzer, RecognizingAnalyzer) and analyzer.inner is None:
            state = RECOGNISING
        else:
            state = self.coaching.update(pose.t, analyzer, events, pose)
        if self.speak is not None:
            for text in self.coaching.spoken:
                self.speak(text)
        if self.window is None:
            self.stats.latencies_ms.append((time.monotonic() - self.grabber.captured_at) * 1000)
            return
        base = self.window.prepare(frame.image, mirror=self.mirror)
        self._last = (base, pose)
        shown = self.overlay.annotate(base.copy(), pose, replace(state, status=self._status_text()), self.mirror)
        key = self.window.show(shown)
        self.stats.latencies_ms.append((time.monotonic() - self.grabber.captured_at) * 1000)
        self._handle_key(key, analyzer)

    def _handle_key(self, key: int | None, analyzer: SetAnalyzer) -> None:
        assert self.feed is not None
        if key in (ord("q"), KEY_ESC):
            self.feed.end("quit")
        elif key == ord("r"):
            self.feed.end("reset")
        elif key == ord("e"):
            self.feed.end("next")
        elif key == ord("s"):
            self._save_now(analyzer)
        elif key == KEY_SPACE:
            self._pause(analyzer)

    def _pause(self, analyzer: SetAnalyzer) -> None:
        """Freeze the display until space again (q, r, e still work); a played file stops too."""
        assert self.window is not None and self._last is not None
        self.grabber.pause(True)
        try:
            base, pose = self._last
            state = self.coaching.state(analyzer, self.coaching.coach.current, status="PAUSED - space to resume")
            shown = self.overlay.annotate(base.copy(), pose, state, self.mirror)
            while True:
                key = self.window.show(shown, wait_ms=50)
                if key == KEY_SPACE:
                    return
                if key is not None:
                    self._handle_key(key, analyzer)
                    if self.feed is not None and self.feed.reason:
                        return
        finally:
            self.grabber.pause(False)

    def _status_text(self) -> str:
        if self._status and time.monotonic() < self._status[1]:
            return self._status[0]
        return ""

    # -- reports -------------------------------------------------------------------------------------
    def report_paths(self, rules: ExerciseRules) -> list[Path]:
        if not self.reports:
            self.reports = [default_report_path(rules.id)]
        return self.reports

    def _snapshot(self, analyzer: SetAnalyzer) -> SetResult:
        """The set so far (the rep in progress is not counted yet)."""
        assert self.feed is not None
        fps = self.feed.fps
        info = SourceInfo(self.feed.name, fps, analyzer.frames_seen, round(analyzer.last_t + 1 / fps, 3), *self._size)
        inner = analyzer.inner if isinstance(analyzer, RecognizingAnalyzer) else analyzer
        return summarize(inner, info, complete=False, interruption="saved during the set (key s)",
                         analysed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    def _save_now(self, analyzer: SetAnalyzer) -> None:
        if isinstance(analyzer, RecognizingAnalyzer) and analyzer.inner is None:
            self._status = ("nothing to save yet: recognising the exercise", time.monotonic() + STATUS_S)
            return
        paths = self.report_paths(analyzer.rules)
        analysis = self._snapshot(analyzer)
        write_reports(paths, build_report(analysis), analysis)
        self._status = (f"report saved ({analyzer.rep_count} reps)", time.monotonic() + STATUS_S)
        self.console.print(f"report saved: {', '.join(map(str, paths))}")

    def _save_switched(self, analysis: SetResult) -> None:
        """A set ended by switching exercise is kept beside the main report when it has reps."""
        if analysis.rep_count == 0:
            return
        paths = [per_exercise_path(p, analysis.rules.id) for p in self.report_paths(analysis.rules)]
        report = build_report(analysis)
        write_reports(paths, report, analysis)
        self.finished.append(report)
        self.console.print(f"{analysis.rules.name} set saved: {', '.join(map(str, paths))}")

    def finish(self, outcome: SetOutcome) -> dict:
        """Write the final set's report, print and show its summary; returns the report."""
        paths = self.report_paths(outcome.analysis.rules)
        report = build_report(outcome.analysis)
        write_reports(paths, report, outcome.analysis)
        self.finished.append(report)
        print_summary(self.console, report, paths)
        self.console.print(f"[dim]{self.stats.text(self.grabber.dropped)}[/dim]")
        if self.window is not None and self._last is not None and outcome.reason != "interrupted":
            self._show_summary(outcome, report)
        return report

    def _show_summary(self, outcome: SetOutcome, report: dict) -> None:
        assert self.window is not None and self._last is not None
        base, pose = self._last
        status = "camera lost" if outcome.reason == "lost" else "press any key to close"
        state = self.coaching.state(outcome.analyzer, None, status=status, summary=summary_lines(report))
        shown = self.overlay.annotate(base.copy(), pose, state, self.mirror)
        deadline = time.monotonic() + self.linger_s
        while time.monotonic() < deadline:
            if self.window.show(shown, wait_ms=50) is not None:
                break


def live_command(
    camera: str,
    exercise: str | None,
    reports: list[Path],
    voice: bool,
    rules_dir: Path | None,
    model: str | None,
    linger_s: float = 10.0,
    history: HistoryOptions | None = None,
    target_reps: int | None = None,
) -> SetOutcome:
    """Open the camera and the window, coach sets until the user stops, save the report, record the sets.

    ``target_reps`` replaces the rule files' rep range (e.g. a physiotherapist's prescription).
    """
    console = Console(stderr=True)
    check_report_paths(reports)
    if history:
        history.check()
    catalogue = with_target_reps(load_all(rules_dir), target_reps)
    if exercise is not None and exercise not in catalogue:
        raise BadInputError(f"unknown exercise {exercise!r}; choose one of: {', '.join(sorted(catalogue))}")
    from formcheck.perception.model import resolve_model

    resolved = resolve_model(model)
    if voice:
        from formcheck.io.speech import require_espeak

        require_espeak()
    source = open_quietly(camera)
    try:
        window = PreviewWindow(f"formcheck live - {KEYS_HELP}")
    except BadInputError:
        source.close()
        raise
    speaker = None
    if voice:
        from formcheck.io.speech import Speaker

        speaker = Speaker()
    from formcheck.perception.estimator import PoseEstimator

    grabber = LatestFrameGrabber(source).start()
    try:
        with PoseEstimator(resolved.path) as estimator:
            session = LiveSession(
                grabber,
                lambda frame: estimator.detect(frame.image, frame.timestamp_ms),
                catalogue,
                exercise,
                reports,
                window,
                console,
                speak=speaker.say if speaker else None,
                linger_s=linger_s,
            )
            name = catalogue[exercise].name if exercise else "exercise recognised from the first seconds"
            console.print(f"live: {name}, from {source.name} ({KEYS_HELP})")
            console.print(safety_text(), highlight=False, soft_wrap=True, markup=False)
            outcome = session.run()
            session.finish(outcome)
    finally:
        grabber.stop()
        window.close()
        if speaker is not None:
            speaker.close(timeout_s=2.0)
    record_finished(history, session.finished, console)  # an interrupted set too: what was analysed
    paths = ", ".join(map(str, session.reports))
    if outcome.reason == "lost":
        raise FormcheckError(f"{source.name}: camera lost mid-set; the report of the set so far was saved: {paths}")
    if outcome.reason == "interrupted":
        raise InterruptedSetError(f"interrupted (Ctrl-C); the report of the set so far was saved: {paths}")
    return outcome

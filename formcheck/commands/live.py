"""`formcheck live`: coach sets in real time from a camera (or a video file played as one).

The analysis is the one `analyze` runs (``run_analysis`` -> ``SetAnalyzer``, ``build_report``, ``write_reports``);
this module only feeds it the newest frames, shows the result and reacts to keys. The camera picture shows from
the first frame, while the pose model is still loading; every set of the session is kept in files of its own
(``formcheck.commands.live_sets``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from rich.console import Console

from formcheck.analysis.coach import Advice, HudState, SetCoaching, summary_state
from formcheck.analysis.recognize import RecognizingAnalyzer
from formcheck.analysis.result import SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.commands.analyze import print_summary, with_target_reps
from formcheck.commands.live_sets import SetFiles
from formcheck.draw.hud import OverlayAnnotator
from formcheck.errors import EXIT_INTERRUPTED, BadInputError, FormcheckError
from formcheck.history.recording import HistoryOptions, record_finished
from formcheck.io.background import InBackground
from formcheck.io.realtime import LatestFrameGrabber, LiveFeed, open_quietly
from formcheck.io.source import Frame, FrameSource
from formcheck.io.window import KEY_ESC, KEY_SPACE, PreviewWindow
from formcheck.pose.frame import PoseFrame
from formcheck.pose.view import VIEW_LABELS
from formcheck.report.build import build_report
from formcheck.report.writers import check_report_paths, write_reports
from formcheck.rules.loader import load_all
from formcheck.rules.model import ExerciseRules
from formcheck.safety import DISCLAIMER, SAFETY_TIPS, SHORT_NOTE
from formcheck.session import run_analysis

if TYPE_CHECKING:
    from formcheck.perception.estimator import PoseEstimator

STATUS_S = 2.0          # how long a status line ("set saved") stays
SAFETY_NOTE_S = 6.0     # how long the safety note stays on screen at the start of the session
VOICE_STATUS_S = 5.0    # how long "voice off" stays on screen
RECOGNISING = HudState("Which exercise?", "-", None, None, (), Advice("_recognise", "Start your set: the exercise is "
                       "recognised from the first reps", "tip"), ())  # fmt: skip
LOADING = "Loading the pose model..."
KEYS_HELP = "q/Esc quit - space pause - r reset set - e next exercise - s save set"


class Speech(Protocol):
    """What live needs of a voice (``formcheck.io.speech.Speaker``)."""

    problem: str | None

    def say(self, text: str) -> None: ...


class InterruptedSetError(FormcheckError):
    """Ctrl-C during a live set (after its report was saved)."""

    exit_code = EXIT_INTERRUPTED


@dataclass
class SetOutcome:
    """How one set ended, with its result and the analyzer (for the display); no result for a set ended before
    its exercise was recognised."""

    analysis: SetResult | None
    analyzer: SetAnalyzer | RecognizingAnalyzer | None
    reason: str          # quit, ended, lost, interrupted, reset, next
    paths: list[Path] = field(default_factory=list)   # where the set was saved (with s, or when it ended)


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


class LiveSession:
    """Runs sets one after the other on one camera until the user stops."""

    def __init__(
        self,
        grabber: LatestFrameGrabber,
        detect: Callable[[Frame], PoseFrame] | None,
        catalogue: dict[str, ExerciseRules],
        exercise: str | None,
        reports: list[Path],
        window: PreviewWindow | None,
        console: Console,
        speaker: Speech | None = None,
        linger_s: float = 10.0,
    ) -> None:
        self.grabber, self.detect, self.catalogue = grabber, detect, catalogue   # detect: set once the model loaded
        self.rules: ExerciseRules | None = catalogue[exercise] if exercise else None   # None: recognise it
        self.files = SetFiles(reports)
        self.window, self.console, self.speaker = window, console, speaker
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
        self.finished: list[dict] = []  # the final report of every set kept, and of the last set (for the history)
        self._set_paths: list[Path] = []          # where the set in progress is saved (once it is)
        self._set_started = dt.datetime.now()     # names the set's files (the analysis runs on frame time)
        self._voice_told = False
        self._resume_pending = False
        self._status = (SHORT_NOTE, time.monotonic() + SAFETY_NOTE_S)  # the article's tips, as the session starts

    # -- before the model is ready -------------------------------------------------------------------
    def warm_up(self, ready: Callable[[], bool]) -> bool:
        """Show the camera while the pose model loads (no black window); False when the user quit meanwhile.

        A file played as a camera (started paused by ``start_grabber``) shows its first frame and only then plays
        on, so none of it is missed; a camera shows its live picture.
        """
        name, reps = (self.rules.name, "0 reps") if self.rules else (RECOGNISING.exercise, RECOGNISING.reps)
        where = f"Get into position while the pose model loads{self._views_hint()}"
        state = HudState(name, reps, None, None, (), Advice("_loading", where, "tip"), (), status=LOADING)
        shown_index, image = None, None
        self._resume_pending = True          # a paused file plays on once the analysis has its first frame
        try:
            while not ready():
                frame = self.grabber.peek(timeout_s=0.05)
                if frame is None and self.grabber.ended:
                    return True
                if self.window is None or frame is None:
                    continue
                if frame.index != shown_index:
                    shown_index = frame.index
                    self._size = (frame.image.shape[1], frame.image.shape[0])
                    base = self.window.prepare(frame.image, mirror=self.mirror)
                    self._last = (base, PoseFrame.empty(frame.timestamp_ms, self._size))
                    image = self.overlay.hud.annotate(base.copy(), state)
                    key = self.window.show(image)
                else:                              # the same picture: keep the window alive and the keys read
                    key = self.window.show(image, wait_ms=30)
                if key in (ord("q"), KEY_ESC):
                    return False
            return True
        except BaseException:
            self.grabber.pause(False)
            raise

    def _views_hint(self) -> str:
        if self.rules is None:
            return ""
        return ", filmed " + " or ".join(VIEW_LABELS[v] for v in self.rules.views[:2])

    # -- sets ----------------------------------------------------------------------------------------
    def run(self) -> SetOutcome:
        """Run sets until one ends the session (quit, end of the video, camera lost, Ctrl-C); every set that has
        reps, or was saved with s, is kept in its own files."""
        while True:
            outcome = self.run_set(self.rules)
            if outcome.reason == "reset":
                self._keep(outcome)
                self.console.print("set reset: counting from zero")
                continue
            if outcome.reason == "next":
                self._keep(outcome)
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
        self._set_paths, self._set_started = [], dt.datetime.now()
        analyzer = RecognizingAnalyzer(self.catalogue) if rules is None else SetAnalyzer(rules)
        try:
            analysis = run_analysis(self.feed, self._pose, rules, on_pose=self._on_pose, analyzer=analyzer)
        except FormcheckError:
            if self.feed.reason in ("next", "reset") and isinstance(analyzer, RecognizingAnalyzer) \
                    and analyzer.inner is None:  # fmt: skip
                return SetOutcome(None, analyzer, self.feed.reason)    # r or e before the exercise was recognised
            raise
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
        return SetOutcome(analysis, analyzer, reason, list(self._set_paths))

    def _pose(self, frame: Frame) -> PoseFrame:
        """Detect on the camera's clock; each set's own clock starts at its first frame."""
        assert self.detect is not None, "the pose model is not loaded yet"
        if self._resume_pending:             # the held first frame is taken: the file plays on from here
            self._resume_pending = False
            self.grabber.pause(False)
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
        if self.speaker is not None:
            for text in self.coaching.spoken:
                self.speaker.say(text)
            self.check_voice()
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

    def check_voice(self) -> None:
        """Say once, in the console and on screen, that the voice cannot be heard (e.g. no audio device)."""
        problem = self.speaker.problem if self.speaker is not None else None
        if problem is None or self._voice_told:
            return
        self._voice_told = True
        self.console.print(f"[yellow]voice off:[/yellow] {problem}; the cues are shown on screen only",
                           markup=True, highlight=False)  # fmt: skip
        self._status = ("Voice off: no sound could be played", time.monotonic() + VOICE_STATUS_S)

    # -- reports -------------------------------------------------------------------------------------
    def _write_set(self, analysis: SetResult, report: dict) -> list[Path]:
        """Write the set in progress to its own files (named when it is first saved)."""
        if not self._set_paths:
            self._set_paths = self.files.claim(analysis.rules.id, self._set_started)
        write_reports(self._set_paths, report, analysis)
        self.files.record(self._set_paths, analysis.rules.id, analysis.rep_count, analysis.complete)
        return self._set_paths

    def _snapshot(self, analyzer: SetAnalyzer) -> SetResult:
        """The set so far (the rep in progress is not counted yet)."""
        assert self.feed is not None
        fps = self.feed.fps
        info = SourceInfo(self.feed.name, fps, analyzer.frames_seen, round(analyzer.last_t + 1 / fps, 3), *self._size)
        inner = analyzer.inner if isinstance(analyzer, RecognizingAnalyzer) else analyzer
        return summarize(inner, info, complete=False, interruption="saved during the set (key s)",
                         analysed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    def _save_now(self, analyzer: SetAnalyzer) -> None:
        """Key s: save the set so far in its own files (completed when the set ends)."""
        if isinstance(analyzer, RecognizingAnalyzer) and analyzer.inner is None:
            self._status = ("nothing to save yet: recognising the exercise", time.monotonic() + STATUS_S)
            return
        analysis = self._snapshot(analyzer)
        paths = self._write_set(analysis, build_report(analysis))
        self._status = (f"set saved ({analyzer.rep_count} reps)", time.monotonic() + STATUS_S)
        self.console.print(f"set saved so far: {', '.join(map(str, paths))}")

    def _keep(self, outcome: SetOutcome) -> None:
        """A set ended by r or e: kept in its own files when it has reps or was saved with s."""
        analysis = outcome.analysis
        if analysis is None or (analysis.rep_count == 0 and not outcome.paths):
            return
        self._set_paths = outcome.paths
        report = build_report(analysis)
        outcome.paths = self._write_set(analysis, report)
        self.finished.append(report)
        self.console.print(f"{analysis.rules.name} set saved ({analysis.rep_count} reps): "
                           f"{', '.join(map(str, outcome.paths))}")  # fmt: skip

    def finish(self, outcome: SetOutcome) -> dict | None:
        """Write the last set (kept when it has reps, was saved with s, or is the session's only set), print and
        show its summary with the session's files; returns its report (None when no exercise was known)."""
        if self.speaker is not None:
            self.check_voice()
        analysis = outcome.analysis
        if analysis is None:
            return None
        report = build_report(analysis)
        kept = analysis.rep_count > 0 or outcome.paths or not self.files.sets
        if kept:
            self._set_paths = outcome.paths
            outcome.paths = self._write_set(analysis, report)
        self.finished.append(report)   # the history decides what is worth recording (record_finished)
        print_summary(self.console, report, outcome.paths)
        if not kept:
            self.console.print("  last set not saved: no reps (the sets before it are)")
        if len(self.files.sets) > 1:
            self.console.print(f"this session saved {len(self.files.sets)} sets:")
            for saved in self.files.sets:
                self.console.print(f"  {saved.exercise}, {saved.reps} reps: {', '.join(map(str, saved.paths))}")
        self.console.print(f"[dim]{self.stats.text(self.grabber.dropped)}[/dim]")
        if self.window is not None and self._last is not None and outcome.reason != "interrupted":
            self._show_summary(outcome, report)
        return report

    def _show_summary(self, outcome: SetOutcome, report: dict) -> None:
        assert self.window is not None and self._last is not None and outcome.analysis is not None
        base, pose = self._last
        status = "camera lost - press any key to close" if outcome.reason == "lost" else "press any key to close"
        state = summary_state(report, outcome.analysis.rules, status, saved_lines(outcome.paths, len(self.files.sets)))
        shown = self.overlay.annotate(base.copy(), pose, state, self.mirror)
        deadline = time.monotonic() + self.linger_s
        while time.monotonic() < deadline:
            if self.window.show(shown, wait_ms=50) is not None:
                break


def start_grabber(source: FrameSource) -> LatestFrameGrabber:
    """The newest-frame reader of ``source``; a file starts paused on its first frame until ``warm_up`` ends."""
    grabber = LatestFrameGrabber(source)
    if not source.is_live:
        grabber.pause(True)
    return grabber.start()


def saved_lines(paths: list[Path], sets_saved: int) -> list[str]:
    """What the summary screen says about the files: where this set went, and how many sets the session kept."""
    lines = [f"Saved: {', '.join(p.name for p in paths)}" if paths else "Not saved: no reps"]
    if sets_saved > 1:
        lines.append(f"This session saved {sets_saved} sets (listed in the terminal).")
    return lines


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
    plan: str | None = None,
) -> SetOutcome:
    """Open the camera and the window, coach sets until the user stops, save every set, record them.

    ``target_reps`` replaces the rule files' rep range (e.g. a physiotherapist's prescription); ``plan`` (a plan
    file or a bundled plan's name) guides the user through a workout instead (``formcheck.commands.live_plan``).
    """
    console = Console(stderr=True)
    check_report_paths(reports)
    if history:
        history.check()
    catalogue = with_target_reps(load_all(rules_dir), target_reps)
    if exercise is not None and exercise not in catalogue:
        raise BadInputError(f"unknown exercise {exercise!r}; choose one of: {', '.join(sorted(catalogue))}")
    if plan is not None and exercise is not None:
        raise BadInputError("--plan and --exercise exclude each other: the plan names the exercises")
    workout_plan = None
    if plan is not None:
        from formcheck.plans.loader import load_plan

        workout_plan = load_plan(plan, catalogue)
        if not workout_plan.sets():
            raise BadInputError(f"{plan}: the plan has no sets")
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
        speaker.say("Voice coaching on.")      # heard at once, or reported at once when no sound comes out
    grabber = start_grabber(source)
    loading = InBackground(lambda: _estimator(resolved.path))   # the camera shows while the model loads
    if workout_plan is not None:
        from formcheck.commands.live_plan import run_guided

        try:
            return run_guided(grabber, loading, catalogue, workout_plan, reports, window, console, speaker, history)
        finally:
            grabber.stop()
            window.close()
            if speaker is not None:
                speaker.close(timeout_s=2.0)
            _close_when_loaded(loading)
    session = LiveSession(grabber, None, catalogue, exercise, reports, window, console, speaker, linger_s)
    name = catalogue[exercise].name if exercise else "exercise recognised from the first seconds"
    console.print(f"live: {name}, from {source.name} ({KEYS_HELP})")
    try:
        console.print(safety_text(), highlight=False, soft_wrap=True, markup=False)
        if not session.warm_up(lambda: loading.ready):
            console.print("quit before the pose model was ready: no set to save")
            outcome = SetOutcome(None, None, "quit")
        else:
            with loading.result() as estimator:
                session.detect = lambda frame: estimator.detect(frame.image, frame.timestamp_ms)
                outcome = session.run()
                session.finish(outcome)
    finally:
        grabber.stop()
        window.close()
        if speaker is not None:
            speaker.close(timeout_s=2.0)
            session.check_voice()
        _close_when_loaded(loading)
    record_finished(history, session.finished, console)  # an interrupted set too: what was analysed
    paths = ", ".join(map(str, session.files.paths)) or "nothing (no reps)"
    if outcome.reason == "lost":
        raise FormcheckError(f"{source.name}: camera lost mid-set; the sets so far were saved: {paths}")
    if outcome.reason == "interrupted":
        raise InterruptedSetError(f"interrupted (Ctrl-C); the sets so far were saved: {paths}")
    return outcome


def _estimator(model_path: Path) -> PoseEstimator:
    """The pose estimator; MediaPipe is imported here, in the loading thread, so the window opens first."""
    from formcheck.perception.estimator import PoseEstimator

    return PoseEstimator(model_path)


def _close_when_loaded(loading: InBackground[PoseEstimator]) -> None:
    """Release the estimator even when the session ended before it was used (closing twice is harmless)."""
    with contextlib.suppress(BaseException):  # a model that failed to load has nothing to close (error reported)
        loading.result(timeout_s=60).close()

"""`formcheck live --plan`: a guided workout on one camera.

Each planned set is named with where to put the camera; the set starts when its exercise is recognised (the
plan's exercise is the one expected), is counted and coached as in `live`, and ends when the person leaves the
picture or rests (``formcheck.analysis.workout``). Between sets a rest timer runs on the camera's clock and the
next exercise is shown. Keys: n ends the set now, or skips the next planned set between sets; r restarts the set,
or repeats the last set between sets; q/Esc ends the workout. One report covers the whole workout, with each set
against the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from formcheck.analysis.coach import Advice, HudState
from formcheck.analysis.result import RepResult
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.workout import SetEnded
from formcheck.analysis.workout_result import WorkoutResult
from formcheck.commands.live import InterruptedSetError, LiveSession, SetOutcome, Speech, safety_text
from formcheck.errors import FormcheckError
from formcheck.history.recording import HistoryOptions, record_finished
from formcheck.io.background import InBackground
from formcheck.io.realtime import LatestFrameGrabber, LiveFeed
from formcheck.io.source import Frame
from formcheck.io.window import KEY_ESC, PreviewWindow
from formcheck.plans.model import Plan, PlannedSet
from formcheck.pose.frame import PoseFrame
from formcheck.pose.view import VIEW_LABELS
from formcheck.report.workout_report import build_workout_report, write_workout_reports
from formcheck.rules.model import ExerciseRules
from formcheck.workout_session import WorkoutRun, with_adherence

PLAN_KEYS_HELP = "q/Esc end workout - n end set / skip next - r restart set / repeat last"
STAMP = "%Y%m%d-%H%M%S"
SET_LINE_S = 6.0   # how long "Set 2 done: ..." stays on the rest screen (camera time)


def target_text(planned: PlannedSet) -> str:
    """'10-20 reps', '10-20 reps per side'."""
    reps = f"{planned.reps_min}" if planned.reps_min == planned.reps_max else f"{planned.reps_min}-{planned.reps_max}"
    return f"{reps} reps" + (" per side" if planned.each_side else "")


class PlanSession(LiveSession):
    """Runs a plan's sets on one camera, from the first planned set to the last (or until the user ends it)."""

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.planned = list(plan.sets())
        self.rules = self.catalogue[self.planned[0].exercise] if self.planned else None
        self.run_: WorkoutRun | None = None
        self.rest_from_s: float | None = None     # camera time the last set ended
        self.reason = "ended"
        self._announced: int | None = None
        self._line: tuple[str, float] | None = None   # what the last set did, shown until this camera time
        self._confirmed: SetAnalyzer | None = None      # the set whose exercise was last confirmed to the user

    # -- the workout ---------------------------------------------------------------------------------
    def run_plan(self) -> WorkoutResult:
        """Every frame until the video ends, the camera is lost, q, or Ctrl-C; returns the workout so far."""
        self.feed = LiveFeed(self.grabber)
        self.run_ = WorkoutRun(self.catalogue, self.feed.name, self.feed.fps, [p.exercise for p in self.planned])
        self.coaching.reset()
        interruption = None
        try:
            for frame in self.feed:
                pose = self._pose(frame)
                events = self.run_.add(frame, pose)
                self._on_plan_frame(frame, pose, events)
        except KeyboardInterrupt:
            interruption = "interrupted by the user (Ctrl-C)"
        finally:
            self.feed.close()
        self._react(self.run_.finish(), self.run_.last_t)
        self.reason = "interrupted" if interruption else (self.feed.reason or "ended")
        if self.reason == "lost":
            interruption = f"the camera stopped delivering frames after {self.run_.last_t:.1f} s"
        workout = self.run_.result(interruption is None, interruption)
        return with_adherence(workout, self.plan)

    def _next(self) -> PlannedSet | None:
        assert self.run_ is not None
        index = self.run_.splitter.planned_index
        return self.planned[index] if index < len(self.planned) else None

    def _on_plan_frame(self, frame: Frame, pose: PoseFrame, events: list) -> None:
        assert self.run_ is not None
        self._react(events, pose.t)
        analyzer = self.run_.analyzer
        if analyzer is not None and analyzer is not self._confirmed:
            self._confirm(analyzer, pose.t)
        if analyzer is not None:
            state = self.coaching.update(pose.t, analyzer, [e for e in events if isinstance(e, RepResult)], pose)
            number = len(self.run_.sets) + 1
            line = self._line[0] if self._line is not None and pose.t <= self._line[1] else self._status_text()
            state = replace(state, exercise=f"Set {number}: {state.exercise}", status=line)
            spoken = list(self.coaching.spoken)
        else:
            state, spoken = self._between_sets(pose.t), []
        if self.speaker is not None:
            for text in spoken:
                self.speaker.say(text)
            self.check_voice()
        self.stats.analysed += 1
        if self.window is None:
            return
        base = self.window.prepare(frame.image, mirror=self.mirror)
        self._last = (base, pose)
        key = self.window.show(self.overlay.annotate(base.copy(), pose, state, self.mirror))
        self._plan_key(key)

    def _confirm(self, analyzer: SetAnalyzer, t_s: float) -> None:
        """A set started: say which exercise was recognised (and when it is not the planned one)."""
        assert self.run_ is not None
        self._confirmed = analyzer
        planned = self.run_.splitter.planned
        line = f"Set {len(self.run_.sets) + 1}: {analyzer.rules.name} recognised, counting"
        if planned is not None and planned != analyzer.rules.id:
            line += f" (the plan has {self.catalogue[planned].name} here)"
        self.console.print(line)
        self._say(f"{analyzer.rules.name}. Counting.")
        self._line = (line, t_s + SET_LINE_S)

    def _react(self, events: list, t_s: float) -> None:
        """A set that ended: say how it went against its target, start the rest timer."""
        for event in events:
            if not isinstance(event, SetEnded):
                continue
            self.coaching.reset()
            self.rest_from_s = event.end_s
            reps = event.analyzer.rep_count
            by_side = event.analyzer.reps_by_side()
            done = f"left {by_side['left']}, right {by_side['right']}" if by_side else f"{reps}"
            line = f"Set {event.number} done: {event.analyzer.rules.name}, {done} reps"
            self.console.print(line)
            self._say(f"Set done. {reps} reps.")
            self._line = (line, t_s + SET_LINE_S)

    def _between_sets(self, t_s: float) -> HudState:
        """The rest screen: the rest timer, then the next planned set and where to put the camera."""
        upcoming = self._next()
        status = self._line[0] if self._line is not None and t_s <= self._line[1] else self._status_text()
        if upcoming is None:
            return HudState("Plan done", "-", None, None, (), Advice("_plan_done", "Every planned set is done: "
                            "press q to finish and save the report", "good"), (), status=status)  # fmt: skip
        rules = self.catalogue[upcoming.exercise]
        where = " or ".join(VIEW_LABELS[v] for v in rules.views[:1])
        countdown = None
        if self.rest_from_s is not None:
            rested = t_s - self.rest_from_s
            left = self._rest_before(upcoming) - rested
            countdown = f"rest {max(0, round(left))} s" if left > 0 else None
        text = f"Next: {rules.name}, {target_text(upcoming)}. Film {where}, then start"
        if self._announced != upcoming.number:
            self._announced = upcoming.number
            self.console.print(f"next: set {upcoming.number} of {len(self.planned)}, {rules.name} "
                               f"({target_text(upcoming)}), filmed {where}")  # fmt: skip
            self._say(f"Next: {rules.name}. {target_text(upcoming)}.")
        return HudState(f"Set {upcoming.number}/{len(self.planned)}: {rules.name}", "-", None, countdown, (),
                        Advice("_plan_next", text, "tip"), (), status=status)  # fmt: skip

    def _rest_before(self, upcoming: PlannedSet) -> float:
        index = self.planned.index(upcoming)
        return self.planned[index - 1].rest_after_s if index > 0 else 0.0

    def _say(self, text: str) -> None:
        if self.speaker is not None:
            self.speaker.say(text)

    def _plan_key(self, key: int | None) -> None:
        assert self.run_ is not None and self.feed is not None
        splitter = self.run_.splitter
        if key in (ord("q"), KEY_ESC):
            self.feed.end("quit")
        elif key == ord("n"):
            if splitter.analyzer is not None:
                self._react(self.run_.end_now(), self.run_.last_t)
            else:
                splitter.skip()
        elif key == ord("r"):
            if splitter.analyzer is not None:
                splitter.restart()
                self.coaching.reset()
            else:
                splitter.repeat()


def default_workout_paths(started: dt.datetime) -> list[Path]:
    """Where a guided workout goes when no --report is given."""
    stem = f"formcheck-workout-{started.strftime(STAMP)}"
    return [Path(f"{stem}.json"), Path(f"{stem}.html")]


def save_workout(workout: WorkoutResult, reports: list[Path]) -> dict:
    """Write the workout's reports; returns the report."""
    report = build_workout_report(workout)
    write_workout_reports(reports, report, workout)
    return report


def run_guided(grabber: LatestFrameGrabber, loading: InBackground, catalogue: dict[str, ExerciseRules], plan: Plan,
               reports: list[Path], window: PreviewWindow | None, console: Console, speaker: Speech | None,
               history: HistoryOptions | None) -> SetOutcome:  # fmt: skip
    """`live --plan` once the camera and the window are open: the workout, its reports, the history."""
    from formcheck.commands.analyze import print_workout_summary

    started = dt.datetime.now()
    paths = reports or default_workout_paths(started)
    session = PlanSession(grabber, None, catalogue, None, paths, window, console, speaker, plan=plan)
    first = session.planned[0]
    console.print(f"live workout: {plan.name}, {len(session.planned)} sets, from {grabber.source.name} "
                  f"({PLAN_KEYS_HELP})")  # fmt: skip
    console.print(safety_text(), highlight=False, soft_wrap=True, markup=False)
    console.print(f"first: {catalogue[first.exercise].name} ({target_text(first)})")
    if not session.warm_up(lambda: loading.ready):
        console.print("quit before the pose model was ready: no workout to save")
        return SetOutcome(None, None, "quit")
    with loading.result() as estimator:
        session.detect = lambda frame: estimator.detect(frame.image, frame.timestamp_ms)
        workout = session.run_plan()
    report = save_workout(workout, paths)
    print_workout_summary(console, report, paths)
    console.print(f"[dim]{session.stats.text(grabber.dropped)}[/dim]")
    record_finished(history, [entry["report"] for entry in report["sets"]], console)
    saved = ", ".join(map(str, paths))
    if session.reason == "lost":
        raise FormcheckError(f"{grabber.source.name}: camera lost mid-workout; the workout so far was saved: {saved}")
    if session.reason == "interrupted":
        raise InterruptedSetError(f"interrupted (Ctrl-C); the workout so far was saved: {saved}")
    return SetOutcome(None, None, session.reason, paths)

"""A workout from a frame source: poses -> sets split at rests -> a frozen SetResult per set -> WorkoutResult.

`analyze` without ``--exercise`` runs the workout splitter beside the one-set analysis on the same poses (no
second pass over the video): a video in which the splitter finds one set or none is reported as one set, exactly
as before; two or more sets make a workout. With a plan the video is always a workout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from formcheck.analysis.recognize import RecognizingAnalyzer
from formcheck.analysis.result import SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.workout import SetEnded, WorkoutSplitter
from formcheck.analysis.workout_result import WorkoutResult, WorkoutSet
from formcheck.errors import FormcheckError, NoPersonError
from formcheck.io.source import Frame, FrameSource
from formcheck.plans.adherence import DoneSet, compare
from formcheck.plans.model import Plan
from formcheck.pose.frame import PoseFrame
from formcheck.rules.model import ExerciseRules
from formcheck.session import LandmarkCsv, SetRecorder, stream

OnPose = Callable[[Frame, PoseFrame, "SetAnalyzer | RecognizingAnalyzer | None", list], None]


class WorkoutRun:
    """Feeds frames to the splitter and keeps, per set, what its report needs (key frames, camera sample)."""

    def __init__(self, catalogue: dict[str, ExerciseRules], name: str, fps: float, expected: Sequence[str] = (),
                 view: str | None = None) -> None:  # fmt: skip
        self.splitter = WorkoutSplitter(catalogue, view, expected)
        self.name, self.fps = name, fps
        self.sets: list[WorkoutSet] = []
        self._recorder: SetRecorder | None = None   # of the set in progress
        self.frames, self.last_t, self.size = 0, 0.0, (0, 0)

    @property
    def analyzer(self) -> SetAnalyzer | None:
        """The set in progress (None between sets)."""
        return self.splitter.analyzer

    def seen(self, frame: Frame, pose: PoseFrame) -> None:
        """Count a frame of the video (as soon as its pose is known; ``add`` analyses it)."""
        self.frames += 1
        self.last_t, self.size = pose.t, (frame.image.shape[1], frame.image.shape[0])

    def add(self, frame: Frame, pose: PoseFrame, counted: bool = False) -> list:
        """One frame (``counted``: already passed to ``seen``); returns the attempts that ended with it and the
        SetEnded of a set that ended."""
        if not counted:
            self.seen(frame, pose)
        before = self.splitter.analyzer
        events = self.splitter.update(pose)
        ended = next((i for i, e in enumerate(events) if isinstance(e, SetEnded)), None)
        if ended is not None:   # the set's last events, then those of a set that started straight after it
            own, new = events[: ended + 1], events[ended + 1:]
        else:
            own, new = (events, []) if before is not None else ([], events)
        if before is not None and self._recorder is not None:
            self._recorder.add(frame, pose, before, own)
        self._close(own)
        started = self.splitter.analyzer
        if started is not None and started is not before:   # a set started, recognised on its window
            self._recorder = SetRecorder()
            for seen in self.splitter.window[:-1]:
                self._recorder.count += 1
                self._recorder.sample.add(seen)
            self._recorder.add(frame, pose, started, new)
        return events

    def end_now(self) -> list:
        """End the set in progress now (live: the user said so)."""
        events = self.splitter.end_now()
        if self._recorder is not None:
            self._recorder.note(events)
        self._close(events)
        return events

    def finish(self) -> list:
        """End of the stream: the set in progress ends."""
        events = self.splitter.finish()
        if self._recorder is None and self.splitter.ended and any(isinstance(e, SetEnded) for e in events):
            self._recorder = SetRecorder()    # a set decided only now, at the end of the video
        if self._recorder is not None:
            self._recorder.note(events)
        self._close(events)
        return events

    def _close(self, events: list) -> None:
        for event in events:
            if isinstance(event, SetEnded):
                assert self._recorder is not None
                self.sets.append(self._frozen(event, self._recorder))
                self._recorder = None

    def _frozen(self, ended: SetEnded, recorder: SetRecorder) -> WorkoutSet:
        result = recorder.result(ended.analyzer, self.name, self.fps, complete=True, interruption=None,
                                 start_s=ended.start_s)  # fmt: skip
        if ended.recognition is not None:
            result = replace(result, recognition=ended.recognition.to_dict())
        return WorkoutSet(ended.number, result, ended.start_s, ended.end_s, ended.reason, ended.planned)

    def result(self, complete: bool, interruption: str | None) -> WorkoutResult:
        """The workout so far."""
        duration = self.last_t + 1.0 / self.fps if self.frames else 0.0
        info = SourceInfo(self.name, self.fps, self.frames, round(duration, 3), *self.size)
        unclear = self.splitter.last_unclear
        return WorkoutResult(info, tuple(self.sets), complete, interruption,
                             dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                             unclear=unclear.to_dict() if unclear is not None and not self.sets else None,
                             skipped=tuple(self.splitter.skipped))  # fmt: skip


def run_workout(
    source: FrameSource,
    poses: Callable[[Frame], PoseFrame],
    catalogue: dict[str, ExerciseRules],
    *,
    expected: Sequence[str] = (),
    single: bool = False,
    landmarks_csv: Path | None = None,
    frames: Callable[[Iterator[Frame]], Iterator[Frame]] | None = None,
    on_pose: OnPose | None = None,
) -> WorkoutResult | SetResult:
    """Analyse ``source`` as a workout; Ctrl-C keeps the sets so far (complete=False).

    ``single``: also run the one-set analysis and return its SetResult when fewer than two sets were found (what
    `analyze` reported before workouts; its errors, e.g. an unclear exercise, are raised then).
    """
    run = WorkoutRun(catalogue, source.name, source.fps, expected)
    one = RecognizingAnalyzer(catalogue) if single else None
    one_recorder = SetRecorder()
    exporter = LandmarkCsv(landmarks_csv) if landmarks_csv else None

    def seen(frame: Frame, pose: PoseFrame) -> None:
        run.seen(frame, pose)
        one_recorder.seen(frame, pose)

    def step(frame: Frame, pose: PoseFrame) -> None:
        events = run.add(frame, pose, counted=True)
        if one is not None:
            one_recorder.judged(frame, pose, one, one.update(pose))
        if on_pose:
            on_pose(frame, pose, run.analyzer, events)

    complete, interruption = stream(source, poses, step, exporter=exporter, frames=frames, seen=seen)
    if exporter:
        exporter.close()
    run.finish()
    if complete and getattr(source, "problem", None):
        complete, interruption = False, source.problem
    if one is not None and len(run.sets) < 2:
        one_recorder.note(one.finish())   # raises ExerciseUnclearError / NoPersonError as `analyze` always did
        return one_recorder.result(one, source.name, source.fps, complete=complete, interruption=interruption)
    workout = run.result(complete, interruption)
    if not workout.sets and not expected:
        _raise_nothing(workout)
    return workout


def _raise_nothing(workout: WorkoutResult) -> None:
    """No set at all: say why, as a one-set analysis would."""
    if workout.unclear is None:
        raise NoPersonError("no exercise set was seen in the video")
    raise FormcheckError(f"no set could be recognised: {workout.unclear['reason']}")


def with_adherence(workout: WorkoutResult, plan: Plan) -> WorkoutResult:
    """The workout with the plan named and every planned set compared with what was done."""
    done = [DoneSet(s.result.rules.id, s.result.rep_count,
                    dict(s.result.reps_by_side) if s.result.reps_by_side else None, s.start_s)
            for s in workout.sets]  # fmt: skip
    return replace(workout, plan={"id": plan.id, "name": plan.name, "path": str(plan.path)},
                   adherence=compare(plan, done, workout.skipped).to_dict())  # fmt: skip

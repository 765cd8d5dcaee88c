"""A workout in one stream: split the poses into sets and analyse each with the exercise recognised afresh.

A set ends where a person ends one: they leave the picture for a while (``ABSENT_S``), they make no attempt
for longer than any pause inside a set (``REST_S``), or they go straight on to another exercise (recognised
again and again on the set's last seconds, ``SwitchWatch``). Between sets the splitter watches for the next
exercise on a sliding window of the last seconds, so standing around, walking or setting up never becomes a set:
a set starts only when an exercise is recognised (with the next planned exercise, if any, as the expected one).
A recognised stretch in which no attempt was made is not a set (a set-up, a pose held while resting).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from formcheck.analysis.recognize import (
    CHECK_EVERY_S,
    CLEAR_AFTER_S,
    LIKELY_SCORE,
    ExerciseRecognizer,
    Recognition,
    extract_features,
    frame_row,
    recognize_features,
)
from formcheck.analysis.result import RepResult
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.pose.frame import PoseFrame
from formcheck.rules.model import ExerciseRules

ABSENT_S = 3.0   # out of the picture this long ends a set (a person leaves between sets, not within one)
# No attempt for this long ends a set. The article's longest pause within a set is its 5-count hold (about 5 s)
# plus the way up and down; rests between sets are longer than half a minute.
REST_S = 30.0
SLIDE_KEEP_S = CLEAR_AFTER_S + 1.0  # waiting for a set: an unclear window is retried on its last seconds
# During a set, the last seconds are recognised again: another exercise recognised on every look for this long is a
# change of exercise without a rest (one look can be wrong; the recognizer's own rule decides each look).
SWITCH_WINDOW_S = CLEAR_AFTER_S + 1.0
SWITCH_HOLD_S = 3.0


class SwitchWatch:
    """Recognises the last ``SWITCH_WINDOW_S`` of a set again and again; says when another exercise has been
    recognised on every look for ``SWITCH_HOLD_S`` (and since when)."""

    def __init__(self, catalogue: dict[str, ExerciseRules], current: str) -> None:
        self.catalogue, self.current = catalogue, current
        self._rows: deque[tuple[float, dict[str, float]]] = deque()
        self._next_check_s: float | None = None
        self._other: tuple[str, float] | None = None   # (exercise, first seen at)
        self.last: Recognition | None = None

    def add(self, pose: PoseFrame) -> str | None:
        """Feed one frame; the other exercise once it has held for ``SWITCH_HOLD_S``."""
        if pose.is_empty:
            return None
        self._rows.append((pose.t, frame_row(pose)))
        while self._rows[0][0] < pose.t - SWITCH_WINDOW_S:
            self._rows.popleft()
        if self._next_check_s is None:
            self._next_check_s = pose.t + SWITCH_WINDOW_S
        if pose.t < self._next_check_s:
            return None
        self._next_check_s = pose.t + CHECK_EVERY_S
        times = [t for t, _ in self._rows]
        self.last = recognize_features(extract_features([r for _, r in self._rows], times), self.catalogue)
        seen = self.last.exercise
        if seen is None or seen == self.current:
            self._other = None
            return None
        if self._other is None or self._other[0] != seen:
            self._other = (seen, times[0])
        return seen if pose.t - self._other[1] >= SWITCH_WINDOW_S + SWITCH_HOLD_S else None

    @property
    def since_s(self) -> float | None:
        """Where the other exercise's first window began."""
        return None if self._other is None else self._other[1]


@dataclass(frozen=True)
class SetEnded:
    """A set of the workout ended (the analyzer holds its reps, partial reps and verdicts)."""

    number: int
    analyzer: SetAnalyzer
    recognition: Recognition | None
    planned: str | None      # the exercise the plan expected here (None without a plan)
    start_s: float           # the first frame of the set (its recognition window included)
    end_s: float             # the end of its last attempt
    reason: str              # "left the picture", "rested", "ended"


class WorkoutSplitter:
    """Feeds a stream of poses to one set at a time and says when a set ends.

    ``expected`` is the plan's exercise order: the n-th set expects the n-th exercise, which is taken when it is
    the best candidate of an unclear recognition (the plan is evidence too); a clearly recognised other exercise
    is analysed as what it is.
    """

    def __init__(self, catalogue: dict[str, ExerciseRules], view: str | None = None,
                 expected: Sequence[str] = ()) -> None:  # fmt: skip
        self.catalogue = catalogue
        self.view = view
        self.expected = list(expected)
        self.ended: list[SetEnded] = []
        self.skipped: list[int] = []   # planned sets the user skipped (their index in ``expected``)
        self._next_planned = 0         # index in ``expected`` of the set in progress or the next one
        self.analyzer: SetAnalyzer | None = None   # the set in progress (None while waiting for one)
        self.recognition: Recognition | None = None  # of the set in progress, or the last unclear one
        self.last_unclear: Recognition | None = None
        self.window: list[PoseFrame] = []  # the poses the set in progress was recognised on (replayed into it)
        self._switch: SwitchWatch | None = None
        self._recent: deque[PoseFrame] = deque()  # the set's last seconds, for a set that starts without a rest
        self._recognizer = ExerciseRecognizer(catalogue)
        self._set_start_s = 0.0
        self._absent_since: float | None = None
        self._last_t = 0.0

    @property
    def planned_index(self) -> int:
        """The index in ``expected`` of the set in progress or the next one."""
        return self._next_planned

    @property
    def planned(self) -> str | None:
        """The exercise the plan expects for the next (or current) set."""
        n = self._next_planned
        return self.expected[n] if n < len(self.expected) else None

    # -- the user's say (live keys) ------------------------------------------------------------------
    def end_now(self) -> list[RepResult | SetEnded]:
        """End the set in progress now (nothing happens between sets)."""
        return self._end("ended by the user") if self.analyzer is not None else []

    def skip(self) -> None:
        """Between sets: skip the next planned set."""
        if self.analyzer is None and self.planned is not None:
            self.skipped.append(self._next_planned)
            self._next_planned += 1

    def repeat(self) -> None:
        """Between sets: the next set repeats the last one (in the plan's order, it comes in again)."""
        if self.analyzer is None and self.ended:
            self.expected.insert(self._next_planned, self.ended[-1].analyzer.rules.id)

    def restart(self) -> None:
        """During a set: start it again from zero (the same exercise; what was counted is dropped)."""
        if self.analyzer is not None:
            self.analyzer.reset()
            self._set_start_s = self._last_t

    # -- feeding -------------------------------------------------------------------------------------
    def update(self, pose: PoseFrame) -> list[RepResult | SetEnded]:
        """Feed one frame; returns the attempts that ended with it and, when a set ended, its SetEnded."""
        self._last_t = pose.t
        self._absent_since = (self._absent_since if self._absent_since is not None else pose.t) \
            if pose.is_empty else None  # fmt: skip
        if self.analyzer is None:
            return self._watch(pose)
        events: list[RepResult | SetEnded] = list(self.analyzer.update(pose))
        reason = self._over(pose.t)
        if reason:
            events.extend(self._end(reason))
            return events
        return events + self._watch_switch(pose)

    def _watch_switch(self, pose: PoseFrame) -> list[RepResult | SetEnded]:
        """Another exercise recognised for a while in the set's last seconds: the set ends where it began, and
        a set of that exercise starts there (its attempts so far move to it)."""
        assert self._switch is not None
        self._recent.append(pose)
        while self._recent[0].t < pose.t - SWITCH_WINDOW_S - SWITCH_HOLD_S - 1.0:
            self._recent.popleft()
        other = self._switch.add(pose)
        if other is None:
            return []
        since, result = self._switch.since_s, self._switch.last
        assert since is not None and result is not None
        events = self._end("changed exercise", before_s=since)
        kept = self.ended[-1].end_s if events and isinstance(events[-1], SetEnded) else since
        replay = [p for p in self._recent if p.t >= max(since, kept)]   # the old set's last attempt stays its own
        return events + self._start(result, replay)

    def finish(self) -> list[RepResult | SetEnded]:
        """End of the stream: the set in progress ends; an exercise still being watched is decided now."""
        if self.analyzer is None and self._recognizer.poses:
            result = self._recognizer.decide()
            if self._accept(result) is not None:
                self._start(result)
            else:
                self.last_unclear = result
        return self._end("ended") if self.analyzer is not None else []

    # -- between sets --------------------------------------------------------------------------------
    def _watch(self, pose: PoseFrame) -> list[RepResult | SetEnded]:
        if self._absent_since is not None and pose.t - self._absent_since >= ABSENT_S:
            self._recognizer = ExerciseRecognizer(self.catalogue)  # nobody there: nothing to remember
            return []
        result = self._recognizer.add(pose)
        if result is None:
            return []
        if self._accept(result) is None:
            self.last_unclear = result
            self._slide(pose.t)
            return []
        return self._start(result)

    def _accept(self, result: Recognition) -> str | None:
        """The exercise to analyse: the recognised one, or the planned one when it is the best guess."""
        if result.exercise is not None:
            return result.exercise
        planned = self.planned
        if planned and result.candidates and result.candidates[0] == (planned, result.candidates[0][1]) \
                and result.candidates[0][1] >= LIKELY_SCORE:  # the plan's exercise fits best, and fits  # fmt: skip
            return planned
        return None

    def _slide(self, now_s: float) -> None:
        """An unclear window: look again on its last seconds only (a set may be starting)."""
        keep = [p for p in self._recognizer.poses if now_s - p.t < SLIDE_KEEP_S]
        self._recognizer = ExerciseRecognizer(self.catalogue)
        for pose in keep:
            self._recognizer.add(pose)

    def _start(self, result: Recognition, poses: list[PoseFrame] | None = None) -> list[RepResult | SetEnded]:
        exercise = self._accept(result)
        assert exercise is not None
        poses = self._recognizer.poses if poses is None else poses
        self._recognizer = ExerciseRecognizer(self.catalogue)
        self.recognition = result
        self.analyzer = SetAnalyzer(self.catalogue[exercise], self.view)
        self._switch = SwitchWatch(self.catalogue, exercise)
        self._recent = deque(poses)
        self._set_start_s = poses[0].t if poses else self._last_t
        self.window = poses
        events: list[RepResult | SetEnded] = []
        for pose in poses:
            events.extend(self.analyzer.update(pose))
        return events

    # -- the set in progress -------------------------------------------------------------------------
    def _over(self, now_s: float) -> str | None:
        """Why the set in progress is over, if it is."""
        assert self.analyzer is not None
        if any(counter.in_rep for counter in self.analyzer.counters.values()):
            return None
        if self._absent_since is not None and now_s - self._absent_since >= ABSENT_S:
            return "left the picture"
        if now_s - self._last_activity_s(self.analyzer) >= REST_S:
            return "rested"
        return None

    def _last_activity_s(self, analyzer: SetAnalyzer) -> float:
        """The end of the set's last attempt (its start while it has none)."""
        attempts = (*analyzer.reps, *analyzer.partials)
        return max([self._set_start_s, *(a.end_s for a in attempts)])

    def _end(self, reason: str, before_s: float | None = None) -> list[RepResult | SetEnded]:
        """End the set in progress; with ``before_s``, its attempts that began from then on are not its own."""
        analyzer = self.analyzer
        assert analyzer is not None
        events: list[RepResult | SetEnded] = list(analyzer.finish())
        if before_s is not None:
            analyzer.reps[:] = [r for r in analyzer.reps if r.start_s < before_s]
            analyzer.partials[:] = [r for r in analyzer.partials if r.start_s < before_s]
            events = [e for e in events if not isinstance(e, RepResult) or e.start_s < before_s]
        self.analyzer = None
        if analyzer.reps or analyzer.partials:
            end_s = self._last_activity_s(analyzer)
            ended = SetEnded(len(self.ended) + 1, analyzer, self.recognition, self.planned, self._set_start_s,
                             end_s, reason)  # fmt: skip
            self.ended.append(ended)
            events.append(ended)
            self._next_planned += 1
        self.recognition, self.window = None, []
        return events

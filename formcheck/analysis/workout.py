"""A workout in one stream: split the poses into sets and analyse each with the exercise recognised afresh.

A set ends where a person ends one: they leave the picture for a while (``ABSENT_S``), or they make no attempt
for longer than any pause inside a set (``REST_S``). Between sets the splitter watches for the next exercise on a
sliding window of the last seconds, so standing around, walking or setting up never becomes a set: a set starts
only when an exercise is recognised (with the next planned exercise, if any, as the expected one). A recognised
stretch in which no attempt was made is not a set (a set-up, a pose held while resting).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from formcheck.analysis.recognize import CLEAR_AFTER_S, LIKELY_SCORE, ExerciseRecognizer, Recognition
from formcheck.analysis.result import RepResult
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.pose.frame import PoseFrame
from formcheck.rules.model import ExerciseRules

ABSENT_S = 3.0   # out of the picture this long ends a set (a person leaves between sets, not within one)
# No attempt for this long ends a set. The article's longest pause within a set is its 5-count hold (about 5 s)
# plus the way up and down; rests between sets are longer than half a minute.
REST_S = 30.0
SLIDE_KEEP_S = CLEAR_AFTER_S + 1.0  # waiting for a set: an unclear window is retried on its last seconds


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

    def _start(self, result: Recognition) -> list[RepResult | SetEnded]:
        exercise = self._accept(result)
        assert exercise is not None
        poses = self._recognizer.poses
        self._recognizer = ExerciseRecognizer(self.catalogue)
        self.recognition = result
        self.analyzer = SetAnalyzer(self.catalogue[exercise], self.view)
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

    def _end(self, reason: str) -> list[RepResult | SetEnded]:
        analyzer = self.analyzer
        assert analyzer is not None
        events: list[RepResult | SetEnded] = list(analyzer.finish())
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

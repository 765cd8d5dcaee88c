"""Set analysis: poses in, counted reps with judged cues out. Shared by `analyze` and `live`."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import replace

import numpy as np

from formcheck.analysis.counter import SHORTFALLS, RepCounter, RepEvent
from formcheck.analysis.framelog import BOTH, COUNTED, SEEN, FrameLog
from formcheck.analysis.judge import judge_rep, name_shortfall, rep_score
from formcheck.analysis.result import RepResult
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck.pose.measures import SIDES, Body, get_measure, torso_incline
from formcheck.pose.view import body_yaw, classify_view, facing_away, median_yaw, moved_view, side_visibility
from formcheck.rules.model import ExerciseRules

WARMUP_S = 1.0        # the camera view is judged on the first second in which somebody is seen
SAME_MOVEMENT = 0.8     # one arm's range within this share of the other's: both arms moved (one movement)
GAP_NOTE_S = 1.0      # losing the person for longer than this is noted in the report
FAR_SIDE_S = 5.0      # how often the far side was seen is averaged over about this long (a few reps)
# In all five exercises the hips stay where they are (sitting, lying, feet planted, knee on a bench): hips that
# travel this many body sizes (torso length, or shoulder width where larger) across the picture during a movement
# are the person walking (off), not a rep.
MOVED_AWAY_TORSOS = 1.0
GOT_UP_FRAMES = 3     # frames above a lying exercise's torso limit that show the person got up (not one outlier)
HIPS_KEPT_S = 120.0   # the hips' track is kept this long: far longer than any rep, and memory stays flat
# The camera can move mid-set (a phone picked up and put down elsewhere, an edited video): the view is judged again
# on the last few seconds (a rep or two), and changes when another view shows clearly for a while.
REVIEW_WINDOW_S = 3.0
REVIEW_HOLD_S = 2.0


class SetAnalyzer:
    """Follows one set of one exercise frame by frame."""

    def __init__(self, rules: ExerciseRules, view: str | None = None, *, review_view: bool | None = None) -> None:
        """``view`` given: the camera view is known (it is not judged, nor judged again unless ``review_view``)."""
        self.rules = rules
        self.view = view
        self.review_view = view is None if review_view is None else review_view
        self.views: list[tuple[float, str]] = [] if view is None else [(0.0, view)]  # (from time, view)
        self._orientation: deque[tuple[float, float, bool]] = deque()  # (t, body yaw, back to the camera)
        self._other_view: tuple[str, float] | None = None  # a view shown clearly lately, and since when
        self._judged_yaw: float | None = None  # the body's yaw when the view was judged (None: view given)
        self.reps: list[RepResult] = []
        self.partials: list[RepResult] = []
        self.gaps: list[tuple[float, float]] = []
        self.frames_seen = 0
        self.frames_with_person = 0
        self.last_t = 0.0
        self._warmup: list[PoseFrame] = []           # from the first frame with somebody in it
        self._unseen_times: list[float] = []          # frames before anybody was seen: their times are enough
        self._visibility = np.zeros(2)
        self._last_seen_t: float | None = None
        self._far_seen: float | None = None   # how often both sides were seen lately (0..1)
        self._far_t: float | None = None
        # (t, x, y, body size) in pixels, and the torso's angle above the floor (read as the side plane's angles)
        self._hips: deque[tuple[float, float, float, float, float]] = deque()
        self._undecided: dict[str | None, RepEvent] = {}  # a first movement waiting for a rep to compare with
        self._measures = self._measure_plan()
        self.log = FrameLog(keys=[*(key for key, _, _ in self._measures), COUNTED])
        sides = SIDES if rules.sides == "alternating" else (None,)
        self.counters = {side: RepCounter(rules.rep, side) for side in sides}

    # -- feeding -------------------------------------------------------------------------------------
    def update(self, pose: PoseFrame) -> list[RepResult]:
        """Feed one frame; returns the reps (and partial reps) that ended with it."""
        self.last_t = pose.t
        if not pose.is_empty:
            self._note_gap(pose.t)
        if self.view is None:
            if pose.is_empty and not self._warmup:
                self._unseen_times.append(pose.t)  # nobody yet: keep no frames, memory stays flat
                return []
            self._warmup.append(pose)
            if pose.t - self._warmup[0].t < WARMUP_S:  # the first second after somebody appears
                return []
            return self._settle_view()
        return self._process(pose)

    def finish(self) -> list[RepResult]:
        """End of the stream: flush the warm-up and any rep in progress."""
        events: list[RepResult] = self._settle_view() if self.view is None and self._warmup else []
        for counter in self.counters.values():
            event = counter.finish(self.last_t)
            if event is not None and not self._walked(event) and not self._got_up(event):
                events.extend(self._settle(event))
        events.extend(self._flush_undecided())
        if self._last_seen_t is not None and self.last_t - self._last_seen_t > GAP_NOTE_S:
            self.gaps.append((self._last_seen_t, self.last_t))
        return events

    def reset(self) -> None:
        """Start a new set with the same exercise and view (still judged again if the camera moves)."""
        judged_yaw, t_s = self._judged_yaw, self.last_t
        self.__init__(self.rules, self.view, review_view=self.review_view)
        self._judged_yaw = judged_yaw
        self.views = [(t_s, self.view)] if self.view is not None else []

    # -- state for displays --------------------------------------------------------------------------
    @property
    def rep_count(self) -> int:
        return len(self.reps)

    def reps_by_side(self) -> dict[str, int] | None:
        """Counted reps per working side, for exercises done one side at a time."""
        if self.rules.sides != "alternating":
            return None
        return {side: sum(1 for r in self.reps if r.side == side) for side in SIDES}

    @property
    def near_side(self) -> str:
        """The side of the body better seen by the camera so far."""
        return SIDES[int(np.argmax(self._visibility))]

    def active_counter(self) -> RepCounter:
        """The counter of the side now moving (or the only one)."""
        return max(self.counters.values(), key=lambda c: (c.in_rep, c.progress))

    # -- internals -----------------------------------------------------------------------------------
    def _measure_plan(self) -> list[tuple[str, str, str]]:
        """(key, measure, space) for the rep signal and every cue measure."""
        plan = [("signal", self.rules.rep.signal, self.rules.rep.space),
                (SEEN, self.rules.rep.signal, self.rules.rep.space)]
        for cue in self.rules.cues:
            if cue.measure is not None:
                plan.append((cue.id, cue.measure, cue.space))
        return plan

    def _space(self, space: str) -> str:
        if space == "side_plane":  # straight lines in the side plane stay straight in any picture of it
            return "image" if self.view in ("side", "three_quarter") else "world"
        if space != "auto":
            return space
        return "image" if self.view == "side" else "world"

    def _settle_view(self) -> list[RepResult]:
        self.view = classify_view(self._warmup) if self.view is None else self.view
        self.views = [(self._warmup[0].t if self._warmup else 0.0, self.view)]
        self._judged_yaw = median_yaw(self._warmup)
        events: list[RepResult] = []
        nobody = np.full(len(self._measures) * 2, np.nan, dtype=np.float32)
        for t_s in self._unseen_times:
            events.extend(self.advance(t_s, nobody, person=False))
        self._unseen_times = []
        for pose in self._warmup:
            events.extend(self._process(pose))
        self._warmup = []
        return events

    def _note_gap(self, t_s: float) -> None:
        if self._last_seen_t is not None and t_s - self._last_seen_t > GAP_NOTE_S:
            self.gaps.append((self._last_seen_t, t_s))
        self._last_seen_t = t_s

    def _process(self, pose: PoseFrame) -> list[RepResult]:
        row = np.full(len(self._measures) * 2, np.nan, dtype=np.float32)
        events: list[RepResult] = []
        if not pose.is_empty:
            moved_to = self._review_view(pose)
            if moved_to is not None:  # measured from here on as seen from the new view
                events = self._change_view(moved_to, pose.t)
            self._visibility += side_visibility(pose)
            bodies = {(space, gate): Body(pose, space, gate) for space in ("image", "world")
                      for gate in ("visibility", "presence")}  # fmt: skip
            self._note_hips(pose.t, bodies[("image", "presence")])
            for i, (key, measure, space) in enumerate(self._measures):
                gate = "presence" if key == "signal" else "visibility"  # SEEN: the signal where the camera sees
                body, fn = bodies[(self._space(space), gate)], get_measure(measure)
                row[2 * i] = fn(body, "left")
                row[2 * i + 1] = fn(body, "right")
        return [*events, *self.advance(pose.t, row, person=not pose.is_empty)]

    def measure_keys(self) -> list[str]:
        """Names of the per-frame values: "signal" (the rep signal where the joints are in the picture), SEEN
        (the same where the camera sees them), then the id of every cue that has a measure."""
        return [key for key, _, _ in self._measures]

    def advance(self, t_s: float, row: np.ndarray, person: bool = True) -> list[RepResult]:
        """Feed one frame's measured values (left, right for each of ``measure_keys()``; NaN when unseen)."""
        if self.view is None:
            raise RuntimeError("set the camera view before feeding measured values")
        self.frames_seen += 1
        self.frames_with_person += int(person)
        self.last_t = t_s
        self._note_far_side(t_s, row)
        counted = [self._signal(row, side) for side in self.counters]
        self.log.append(t_s, np.concatenate([row, counted * (2 // len(counted))]))
        events: list[RepResult] = []
        reach = self._reach(row)
        for counter, value in zip(self.counters.values(), counted, strict=True):
            event = counter.update(t_s, value, reach if counter.side is None else None)
            if event is not None and self._is_this_sides(event) and not self._walked(event) \
                    and not self._got_up(event):  # fmt: skip
                events.extend(self._settle(event))
        return events

    def _note_far_side(self, t_s: float, row: np.ndarray) -> None:
        """Follow how often the camera sees both sides (a slow average, so the signal's mix never jumps)."""
        if np.isnan(row[0:2]).all():
            return
        both = float(not np.isnan(row[2:4]).any())
        if self._far_seen is None or self._far_t is None:
            self._far_seen = both
        else:
            weight = 1.0 - np.exp(-max(0.0, t_s - self._far_t) / FAR_SIDE_S)
            self._far_seen += weight * (both - self._far_seen)
        self._far_t = t_s

    def _review_view(self, pose: PoseFrame) -> str | None:
        """The view to change to, once another view has shown clearly for ``REVIEW_HOLD_S``; else None."""
        if not self.review_view or self.view is None or self._judged_yaw is None:
            return None
        self._orientation.append((pose.t, body_yaw(pose), facing_away(pose)))
        while self._orientation[0][0] < pose.t - REVIEW_WINDOW_S:
            self._orientation.popleft()
        if pose.t - self._orientation[0][0] < 0.8 * REVIEW_WINDOW_S:  # not enough seen yet for a judgement
            return None
        _, yaws, aways = zip(*self._orientation, strict=True)
        other = moved_view(self.view, self._judged_yaw, yaws, aways)
        if other is None:
            self._other_view = None
        elif self._other_view is None or self._other_view[0] != other:
            self._other_view = (other, pose.t)
        elif pose.t - self._other_view[1] >= REVIEW_HOLD_S:
            return other
        return None

    def _change_view(self, view: str, t_s: float) -> list[RepResult]:
        """The camera moved: close the movement in progress (judged from the old view), then count afresh."""
        events = []
        for counter in self.counters.values():
            event = counter.finish(t_s)
            if event is not None and self._is_this_sides(event) and not self._walked(event) \
                    and not self._got_up(event):  # fmt: skip
                events.extend(self._settle(event))
        events.extend(self._flush_undecided())
        self.view = view
        self.views.append((t_s, view))
        self._judged_yaw = float(np.median([yaw for _, yaw, _ in self._orientation]))
        self.counters = {side: RepCounter(self.rules.rep, side) for side in self.counters}
        self._visibility = np.zeros(2)  # which side is near, and how often the far one is seen, start again
        self._far_seen = self._far_t = None
        self._orientation.clear()
        self._other_view = None
        return events

    def _note_hips(self, t_s: float, picture: Body) -> None:
        """Follow where the hips are in the picture, how large the body looks there, and how upright the torso
        looks (true from the side and at 3/4, where the picture shows the body's side plane)."""
        left_shoulder, right_shoulder = picture.p(Landmark.LEFT_SHOULDER), picture.p(Landmark.RIGHT_SHOULDER)
        hips = (picture.p(Landmark.LEFT_HIP) + picture.p(Landmark.RIGHT_HIP)) / 2
        shoulders = (left_shoulder + right_shoulder) / 2
        # the body's size: its torso, or its shoulders' width where the torso points at the camera
        size = max(float(np.linalg.norm(shoulders - hips)), float(np.linalg.norm(left_shoulder - right_shoulder)))
        inclines = [torso_incline(picture, side) for side in SIDES]
        incline = float(np.nanmean(inclines)) if not np.isnan(inclines).all() else math.nan
        self._hips.append((t_s, float(hips[0]), float(hips[1]), size, incline))
        while self._hips[0][0] < t_s - HIPS_KEPT_S:
            self._hips.popleft()

    def _walked(self, event: RepEvent) -> bool:
        """True when the hips travelled across the picture during the movement: the person walked, e.g. off."""
        track = np.array([h for h in self._hips if event.start_s <= h[0] <= event.end_s])
        if len(track) < 2:
            return False
        torso = float(np.median(track[:, 3]))
        travel = np.hypot(track[:, 1] - track[0, 1], track[:, 2] - track[0, 2])
        return torso > 0 and float(travel.max()) > MOVED_AWAY_TORSOS * torso

    def _got_up(self, event: RepEvent) -> bool:
        """For an exercise done lying down: True when the torso rose more than ``max_torso_rise`` above its angle
        earlier in the set (its median there, lying at rest and at the top of reps) on a few frames, not one
        outlier: the person sat or stood up, which is not an attempt.

        Read in the picture from the side and at 3/4 only, and against the person's own lying angle: from a
        camera above, a lying torso pointing away from it looks tilted up the picture by a fixed amount.
        """
        rise = self.rules.rep.max_torso_rise
        if rise is None or self.view not in ("side", "three_quarter"):
            return False
        before = np.array([h[4] for h in self._hips if h[0] < event.start_s])
        during = np.array([h[4] for h in self._hips if event.start_s <= h[0] <= event.end_s])
        before = before[~np.isnan(before)]
        if before.size < GOT_UP_FRAMES:
            return False   # nothing seen lying yet to compare with
        return int(np.sum(during > float(np.median(before)) + rise)) >= GOT_UP_FRAMES

    def _signal(self, row: np.ndarray, side: str | None) -> float:
        """The rep signal a counter follows: its own side's, or for both sides together their mean.

        Both arms (or legs) do the same movement, and a camera off the body's axes errs on them in opposite
        directions: filmed from above, the arm swinging toward the lens looks lower and the one swinging away looks
        higher; the mean cancels that. From the front or behind both sides are in the picture. From the side or at
        45 degrees the far side weighs in as often as the camera has seen it lately (hidden behind the body, its
        landmarks are a guess), so a far arm passing behind the body at the top of each rep shifts nothing.
        """
        left, right = float(row[0]), float(row[1])
        if side is not None:
            return left if side == "left" else right
        if np.isnan(left) or np.isnan(right):
            return left if np.isnan(right) else right
        if self.view in ("front", "back"):
            return (left + right) / 2
        near, far = (left, right) if self.near_side == "left" else (right, left)
        share = 0.5 * (self._far_seen or 0.0)
        return (1 - share) * near + share * far

    def _reach(self, row: np.ndarray) -> float | None:
        """Where the camera cannot see how high both sides go (the range cue is not judged from this view, e.g.
        arms raised toward the lens), the higher side's reading: each under-reads, so neither is called short."""
        if self.view is None or self.rules.judges_height_in(self.view) or np.isnan(row[:2]).all():
            return None
        return float(np.nanmax(row[:2]))

    def _is_this_sides(self, event: RepEvent) -> bool:
        """One arm works at a time: a movement of one side while the other moved more is the other side's.

        Both sides' ranges are measured alike (5th to 95th percentile of the logged signal over the movement). When
        both arms pull together (a two-arm row), the movement is one rep: the side that finished it first keeps it.
        """
        if event.side is None:
            return True
        other = "right" if event.side == "left" else "left"
        span = self.log.window(event.start_s, event.end_s)
        ranges = []
        for side in (event.side, other):
            values = self.log.column("signal", side, span)
            values = values[~np.isnan(values)]
            ranges.append(float(np.percentile(values, 95) - np.percentile(values, 5)) if values.size >= 3 else 0.0)
        own, theirs = ranges
        if own < SAME_MOVEMENT * theirs:
            return False  # the other arm did the work: this one followed (an idle or supporting arm)
        midpoint = (event.start_s + event.end_s) / 2
        return not any(a.side == other and a.start_s <= midpoint <= a.end_s for a in (*self.reps, *self.partials))

    def _settle(self, event: RepEvent) -> list[RepResult]:
        """Record a finished movement, deciding first any earlier movement of its side that waited for it.

        Where the camera cannot see how high a rep goes (the range cue is not judged from this view), a rep is
        judged against the person's own reps, as large as them or not (``partial_fraction``). The first movement
        has none to compare with: when its under-read height calls it short, it waits for the next movement of
        its side, and counts if that one is a counted rep it is as large as. (The height read there depends on
        a frame or two: the same rep read at 30 or 15 frames a second came out counted or short.)
        """
        results = []
        waiting = self._undecided.pop(event.side, None)
        if waiting is not None:
            as_large = event.counted and waiting.amplitude >= self.rules.rep.partial_fraction * event.amplitude
            results.append(self._record(replace(waiting, counted=True, reason="") if as_large else waiting))
        first_called_short = event.only_short and self.counters[event.side].count == 0
        if first_called_short and self.view is not None and not self.rules.judges_height_in(self.view):
            self._undecided[event.side] = event
        else:
            results.append(self._record(event))
        return results

    def _flush_undecided(self) -> list[RepResult]:
        """No rep came to compare with (the set ended, or the camera moved): a waiting movement stays partial."""
        results = [self._record(event) for event in self._undecided.values()]
        self._undecided.clear()
        return results

    def _record(self, event: RepEvent) -> RepResult:
        """Judge a finished movement: a counted rep, or a partial rep (judged the same way, not counted)."""
        # Both sides do the same movement: each cue is judged on the mean of the sides the camera sees, which
        # cancels the errors of a camera off the body's axes as for the rep signal.
        side = event.side or (BOTH if self.rules.sides == "both" else self.near_side)
        before = [a.end_s for a in (*self.reps, *self.partials) if a.side == event.side and a.end_s <= event.start_s]
        verdicts = judge_rep(self.rules, self.view or "front", self.log, event, side, max(before, default=None))
        if not event.counted and event.reason in SHORTFALLS:
            verdicts = name_shortfall(self.rules, verdicts)
        attempts = self.reps if event.counted else self.partials
        result = RepResult(
            index=len(attempts) + 1,
            side=event.side,
            start_s=event.start_s,
            top_s=event.top_s,
            end_s=event.end_s,
            hold_s=event.hold_s,
            peak=event.peak,
            score=rep_score(self.rules, verdicts),
            verdicts=verdicts,
            counted=event.counted,
            reason=event.reason,
        )
        attempts.append(result)
        return result

"""Recognise which of the five exercises a person performs, from posture and motion (a scored rule set).

Every exercise is described by a few criteria on clip-level features (torso angle, where the feet and knees
are, how the arms move). A criterion maps its feature through a trapezoid to a membership in [0, 1]; the score
of an exercise is the weighted geometric mean of its memberships (standing instead of lying sinks it).
The best exercise is named only when its score is high, clearly ahead of the runner-up and
none of its criteria clearly contradicts it (a two-arm row is no reverse fly however well the posture fits);
otherwise the result is "unknown" with the likely candidates, and the user is asked to name the exercise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.errors import BadInputError, NoPersonError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.geometry import UP, angle_between, elevation
from formcheck.pose.landmarks import Landmark
from formcheck.pose.measures import SIDES, Body, arm_raise, elbow_flexion, knee_angle
from formcheck.rules.loader import load_all
from formcheck.rules.model import Criterion, ExerciseRules

CLEAR_AFTER_S = 5.0     # decide as soon as this much of the person is seen, if the answer is clear
MAX_WAIT_S = 12.0       # decide at the latest after this much
CHECK_EVERY_S = 0.5     # between those, look again this often
MIN_SCORE = 0.6         # the best exercise must score at least this ...
FULL_MARGIN = 0.4       # ... and confidence = score * min(1, lead over the runner-up / FULL_MARGIN)
MIN_CONFIDENCE = 0.45   # below this the answer is "unknown"
CONTRADICTED = 0.2      # a criterion of the best exercise this far off contradicts it: the answer is "unknown"
LIKELY_SCORE = 0.3      # candidates listed to the user when unsure
UNKNOWN_MEMBERSHIP = 0.5  # a criterion whose feature could not be measured (e.g. the far arm is hidden)
MIN_ARM_FRAMES = 0.4    # an arm is "seen" when visible in at least this fraction of the frames


# -- per-frame and clip-level features ---------------------------------------------------------------
def _mid(body: Body, a: Landmark, b: Landmark) -> np.ndarray:
    return (body.p(a) + body.p(b)) / 2


def frame_row(pose: PoseFrame) -> dict[str, float]:
    """Posture and arm geometry of one frame (world space, y up; lengths in torso lengths)."""
    body = Body(pose, "world")
    picture = Body(pose, "image")  # arms swung toward the camera show in the elbow's height, not in world depth
    shoulder = _mid(body, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hip = _mid(body, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    knee = _mid(body, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE)
    ankle = _mid(body, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)
    torso = float(np.linalg.norm(shoulder - hip)) or float("nan")
    row = {
        "torso_elev": elevation(shoulder - hip),
        "ankle_drop": float(hip[1] - ankle[1]) / torso,
        "knee_rise": float(knee[1] - hip[1]) / torso,
        "head_rise": float(body.p(Landmark.NOSE)[1] - hip[1]) / torso,
        "knee_angle": float(np.nanmax([knee_angle(body, side) for side in SIDES] + [-1.0])),
        "knee_gap": abs(float(body.p(Landmark.LEFT_KNEE)[1] - body.p(Landmark.RIGHT_KNEE)[1])) / torso,
    }
    for side in SIDES:
        elbow, wrist = body.joint(side, "elbow"), body.joint(side, "wrist")
        seen = body.visible(*(Landmark[f"{side.upper()}_{j}"] for j in ("SHOULDER", "ELBOW", "WRIST")))
        rel = (wrist - body.joint(side, "shoulder")) / torso
        row |= {
            f"{side}_seen": float(seen),
            f"{side}_raise": max(arm_raise(body, side), arm_raise(picture, side)) if seen else float("nan"),
            f"{side}_flex": elbow_flexion(body, side) if seen else float("nan"),
            f"{side}_forearm": angle_between(wrist - elbow, -UP) if seen else float("nan"),
            f"{side}_wx": float(rel[0]) if seen else float("nan"),
            f"{side}_wy": float(rel[1]) if seen else float("nan"),
            f"{side}_wz": float(rel[2]) if seen else float("nan"),
        }
    return row


def _spread(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(np.percentile(values, 95) - np.percentile(values, 5)) if len(values) else float("nan")


def _median(values: np.ndarray) -> float:
    return _percentile(values, 50)


def _percentile(values: np.ndarray, q: float) -> float:
    values = values[~np.isnan(values)]
    return float(np.percentile(values, q)) if len(values) else float("nan")


@dataclass(frozen=True)
class ArmMotion:
    """How one arm moved over the clip."""

    side: str
    raise_amp: float    # range of the upper-arm angle from hanging, degrees
    flex_amp: float     # range of the elbow bend, degrees
    flex_med: float     # typical elbow bend, degrees (0 = straight)
    forearm_top: float  # forearm angle from hanging when the arm is highest, degrees
    path: float         # how far the wrist travels relative to the shoulder, torso lengths
    horizontal: float   # share of that travel that is horizontal (0..1)

    @classmethod
    def of(cls, side: str, cols: dict[str, np.ndarray]) -> ArmMotion:
        raise_ = cols[f"{side}_raise"]
        top = raise_ >= np.nanpercentile(raise_, 80)
        dx, dy, dz = (_spread(cols[f"{side}_w{axis}"]) for axis in "xyz")
        horizontal, vertical = math.hypot(dx, dz), dy
        return cls(
            side=side,
            raise_amp=_spread(raise_),
            flex_amp=_spread(cols[f"{side}_flex"]),
            flex_med=_median(cols[f"{side}_flex"]),
            forearm_top=_median(cols[f"{side}_forearm"][top]),
            path=math.hypot(horizontal, vertical),
            horizontal=horizontal / max(horizontal + vertical, 1e-9),
        )


@dataclass(frozen=True)
class Features:
    """Clip-level features the criteria look at; NaN when not measurable."""

    seen_s: float
    frames: int
    torso_elev: float   # torso above the horizontal, degrees (90 upright, 0 level, <0 hips above shoulders)
    torso_range: float  # how much the torso angle changes, degrees
    ankle_drop: float   # ankles below the hips, torso lengths (about 1.7 standing, about 0 sitting or lying)
    knee_rise: float    # knees above the hips, torso lengths
    head_rise: float    # nose above the hips, torso lengths
    knee_angle: float   # hip-knee-ankle angle of the straighter seen leg, degrees (180 straight)
    knee_gap: float     # how far one knee rises above the other, torso lengths (90th percentile over the clip)
    arms: tuple[ArmMotion, ...]

    @property
    def mover(self) -> ArmMotion | None:
        """The seen arm that moves most."""
        return max(self.arms, key=lambda a: a.path) if self.arms else None

    def value(self, name: str) -> float:
        """A feature by name; arm features are those of the moving arm."""
        if hasattr(self, name):
            return float(getattr(self, name))
        if name == "asymmetry":
            return self.asymmetry
        mover = self.mover
        return float(getattr(mover, name)) if mover is not None else float("nan")

    @property
    def asymmetry(self) -> float:
        """0 when both arms travel alike, 1 when one is still; NaN unless both arms are seen."""
        if len(self.arms) < 2:
            return float("nan")
        paths = sorted(a.path for a in self.arms)
        return 1.0 - paths[0] / max(paths[1], 1e-9)


def extract_features(rows: Sequence[dict[str, float]], times: Sequence[float]) -> Features:
    """Clip-level features from the per-frame rows of the frames with a person."""
    if not rows:
        nan = float("nan")
        return Features(0.0, 0, nan, nan, nan, nan, nan, nan, nan, ())
    cols = {key: np.array([r[key] for r in rows], dtype=np.float64) for key in rows[0]}
    arms = tuple(
        ArmMotion.of(side, cols) for side in SIDES if np.mean(cols[f"{side}_seen"]) >= MIN_ARM_FRAMES
    )
    return Features(
        seen_s=float(times[-1] - times[0]),
        frames=len(rows),
        torso_elev=_median(cols["torso_elev"]),
        torso_range=_spread(cols["torso_elev"]),
        ankle_drop=_median(cols["ankle_drop"]),
        knee_rise=_median(cols["knee_rise"]),
        head_rise=_median(cols["head_rise"]),
        knee_angle=_median(np.where(cols["knee_angle"] < 0, np.nan, cols["knee_angle"])),
        knee_gap=_percentile(cols["knee_gap"], 90),
        arms=arms,
    )


# -- the rule set (each rule file's [[recognize]] criteria) ---------------------------------------------
def recognisable(catalogue: Mapping[str, ExerciseRules] | None = None) -> dict[str, ExerciseRules]:
    """The exercises whose rule files say how to recognise them (the bundled ones by default)."""
    catalogue = load_all() if catalogue is None else catalogue
    return {ex: rules for ex, rules in catalogue.items() if rules.recognisable}


def score(criteria: Iterable[Criterion], features: Features) -> tuple[float, list[tuple[Criterion, float]]]:
    """Weighted geometric mean of the memberships, and each criterion's membership."""
    parts = [(c, c.membership(features.value(c.feature), UNKNOWN_MEMBERSHIP)) for c in criteria]
    total = sum(c.weight for c, _ in parts)
    return math.exp(sum(c.weight * math.log(m) for c, m in parts) / total), parts


# -- the answer ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recognition:
    """Which exercise, how sure, the ranked candidates and why."""

    exercise: str | None
    confidence: float
    candidates: tuple[tuple[str, float], ...]
    reason: str
    decided_at_s: float = 0.0
    features: Features | None = field(default=None, compare=False)

    @property
    def likely(self) -> list[str]:
        """The candidates worth naming to the user (at least the best two)."""
        keep = [ex for i, (ex, s) in enumerate(self.candidates) if s >= LIKELY_SCORE or i < 2]
        return keep[:3]

    def to_dict(self) -> dict[str, Any]:
        """The report's ``recognition`` entry."""
        return {
            "exercise": self.exercise,
            "confidence": self.confidence,
            "candidates": [{"exercise": ex, "score": s} for ex, s in self.candidates],
            "reason": self.reason,
        }

    def unsure_message(self) -> str:
        """One line for the user when the exercise could not be told."""
        options = ", ".join(self.likely)
        return (f"could not tell which exercise this is ({self.reason}); likely: {options}. "
                f"Name it with --exercise, e.g. --exercise {self.likely[0]}")  # fmt: skip


def _describe(features: Features) -> str:
    parts = [f"torso {features.torso_elev:.0f}° above horizontal", f"feet {features.ankle_drop:.1f} torso lengths "
             "below the hips"]  # fmt: skip
    mover = features.mover
    if mover is not None:
        parts.append(f"{mover.side} arm rises {mover.raise_amp:.0f}°, elbow bends {mover.flex_amp:.0f}°")
    return ", ".join(parts)


def recognize_features(features: Features, catalogue: Mapping[str, ExerciseRules] | None = None) -> Recognition:
    """Score every recognisable exercise on the features and decide (or say it is unsure)."""
    candidates = recognisable(catalogue)
    if features.frames == 0 or not candidates:
        why = "nobody in view" if candidates else "no exercise says how to recognise it"
        return Recognition(None, 0.0, tuple((ex, 0.0) for ex in candidates), why, 0.0, features)
    scored = {ex: score(rules.recognize, features) for ex, rules in candidates.items()}
    ranked = sorted(((ex, round(s, 3)) for ex, (s, _) in scored.items()), key=lambda x: -x[1])
    best, s1 = ranked[0]
    s2 = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(s1 * min(1.0, (s1 - s2) / FULL_MARGIN), 3)
    fits = [c.says for c, m in scored[best][1] if m >= 0.8]
    misses = [c.says for c, m in sorted(scored[best][1], key=lambda part: part[1]) if m < 0.5]
    contradicted = [c.says for c, m in scored[best][1] if m < CONTRADICTED and c.decisive]
    unmeasured = [c for c, _ in scored[best][1] if math.isnan(features.value(c.feature))]
    # An answer resting on half the evidence or less is a guess: e.g. from behind the arms are hidden, and the
    # posture of a reverse fly is also that of a one-arm row.
    guessing = 2 * sum(c.weight for c in unmeasured) >= sum(c.weight for c, _ in scored[best][1])
    seen = _describe(features)
    if s1 >= MIN_SCORE and confidence >= MIN_CONFIDENCE and not contradicted and not guessing:
        reason = f"{best}: {'; '.join(fits)} ({seen})"
        return Recognition(best, confidence, tuple(ranked), reason, features.seen_s, features)
    if contradicted and s1 >= MIN_SCORE:
        why = f"{best} fits best ({s1:.2f}), but not {contradicted[0]}"
    elif guessing and s1 >= MIN_SCORE:
        why = f"{best} fits best ({s1:.2f}), but the camera did not see {unmeasured[0].says}"
    elif s1 < MIN_SCORE:
        why = f"no exercise fits well; best {best} {s1:.2f}" + (f", but not {misses[0]}" if misses else "")
    else:
        why = f"{best} {s1:.2f} and {ranked[1][0]} {s2:.2f} fit about equally"
    return Recognition(None, confidence, tuple(ranked), f"{why}; {seen}", features.seen_s, features)


class ExerciseRecognizer:
    """Buffers the first seconds with a person in view and decides which exercise it is.

    ``add`` returns None while it is still watching; the buffered poses stay in :attr:`poses` for replay.
    """

    def __init__(self, catalogue: Mapping[str, ExerciseRules] | None = None, clear_after_s: float = CLEAR_AFTER_S,
                 max_wait_s: float = MAX_WAIT_S) -> None:  # fmt: skip
        self.catalogue = recognisable(catalogue)
        self.clear_after_s, self.max_wait_s = clear_after_s, max_wait_s
        self.poses: list[PoseFrame] = []
        self._rows: list[dict[str, float]] = []
        self._times: list[float] = []
        self._next_check_s = clear_after_s
        self.result: Recognition | None = None

    @property
    def seen_s(self) -> float:
        return self._times[-1] - self._times[0] if self._times else 0.0

    def add(self, pose: PoseFrame) -> Recognition | None:
        """Feed one frame; returns the decision once it is made (and then keeps returning it)."""
        if self.result is not None:
            return self.result
        self.poses.append(pose)
        if pose.is_empty:
            return None
        self._rows.append(frame_row(pose))
        self._times.append(pose.t)
        if self.seen_s < self._next_check_s:
            return None
        self._next_check_s = self.seen_s + CHECK_EVERY_S
        result = self._recognize()
        if result.exercise is not None or self.seen_s >= self.max_wait_s:
            self.result = result
        return self.result

    def decide(self) -> Recognition:
        """Decide now with what was seen (end of a short video)."""
        if self.result is None:
            self.result = self._recognize()
        return self.result

    def _recognize(self) -> Recognition:
        return recognize_features(extract_features(self._rows, self._times), self.catalogue)


def recognize(poses: Iterable[PoseFrame], catalogue: Mapping[str, ExerciseRules] | None = None) -> Recognition:
    """Recognise the exercise of a sequence of poses the way the stream does (first seconds only)."""
    recognizer = ExerciseRecognizer(catalogue)
    for pose in poses:
        if recognizer.add(pose) is not None:
            break
    return recognizer.decide()


# -- checking a named exercise against what is seen -------------------------------------------------------
def contradiction(named: str, recognition: Recognition) -> dict[str, Any] | None:
    """When the exercise named by the user is clearly not what the camera sees, what it looks like instead.

    Clear means: another exercise is recognised with confidence and the named one scores below LIKELY_SCORE
    (it is not even among the likely ones). Then the faults found are not the user's, and the report says so.
    """
    looks_like = recognition.exercise
    if looks_like is None or looks_like == named:
        return None
    scores = dict(recognition.candidates)
    if scores.get(named, 0.0) >= LIKELY_SCORE:
        return None
    return {"named": named, "looks_like": looks_like, "confidence": recognition.confidence,
            "reason": recognition.reason}  # fmt: skip


# -- analysing a set whose exercise is not named -----------------------------------------------------------
class ExerciseUnclearError(BadInputError):
    """The exercise could not be recognised with confidence; the message lists the likely ones."""

    def __init__(self, recognition: Recognition) -> None:
        super().__init__(recognition.unsure_message())
        self.recognition = recognition


class RecognizingAnalyzer:
    """A :class:`SetAnalyzer` that first recognises the exercise, then replays the buffered poses into it.

    Until the decision it reports no reps and no counters; an unclear exercise raises ExerciseUnclearError.
    """

    def __init__(self, rules_by_id: dict[str, ExerciseRules], view: str | None = None) -> None:
        self.rules_by_id = rules_by_id
        self.recognizer = ExerciseRecognizer(rules_by_id)
        self._view = view
        self.inner: SetAnalyzer | None = None

    @property
    def recognition(self) -> Recognition | None:
        return self.recognizer.result

    def update(self, pose: PoseFrame) -> list:
        """Feed one frame; returns the reps that ended (including replayed ones once the exercise is known)."""
        if self.inner is not None:
            return self.inner.update(pose)
        result = self.recognizer.add(pose)
        return [] if result is None else self._start(result)

    def finish(self) -> list:
        """End of the stream: decide if still watching, then flush."""
        events = [] if self.inner is not None else self._start(self.recognizer.decide())
        return events + self.inner.finish()

    def _start(self, result: Recognition) -> list:
        if result.exercise is None:
            if result.features is not None and result.features.frames == 0:
                raise NoPersonError("nobody was seen in the video, so the exercise could not be recognised")
            raise ExerciseUnclearError(result)
        self.inner = SetAnalyzer(self.rules_by_id[result.exercise], self._view)
        events: list[Any] = []
        for pose in self.recognizer.poses:
            events.extend(self.inner.update(pose))
        self.recognizer.poses = []
        return events

    # While undecided there is nothing to count or show.
    @property
    def counters(self) -> dict:
        return self.inner.counters if self.inner is not None else {}

    @property
    def reps(self) -> list:
        return self.inner.reps if self.inner is not None else []

    @property
    def rep_count(self) -> int:
        return self.inner.rep_count if self.inner is not None else 0

    @property
    def view(self) -> str | None:
        return self.inner.view if self.inner is not None else self._view

    def __getattr__(self, name: str) -> Any:
        inner = self.__dict__.get("inner")
        if inner is None:
            raise AttributeError(f"{name}: the exercise is not recognised yet")
        return getattr(inner, name)

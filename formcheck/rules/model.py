"""The rule model: what one exercise's rule file holds, as frozen records."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

VIEWS = ("front", "side", "three_quarter", "back")
SPACES = ("auto", "image", "world", "side_plane")
PHASES = ("rep", "top", "start", "cycle")
KINDS = ("range", "hold", "sides")
CHECKS = ("throughout", "reaches")
SIDEDNESS = ("both", "alternating")
NAME_MAX_CHARS = 32   # a cue's display name fits one line of the live overlay
RECOGNITION_FLOOR = 0.05  # smallest membership (a clear mismatch), so scores stay comparable


@dataclass(frozen=True)
class RepDefinition:
    """How a rep shows in a smoothed signal: its rest and top, what counts as reaching it, duration and hold."""

    signal: str
    space: str
    rest: float
    top: float
    min_peak: float
    min_duration_s: float
    smoothing_s: float
    hold_s: float
    partial_fraction: float
    range_cue: str | None = None  # the cue that names the shortfall of a rep that did not reach the top
    max_torso_rise: float | None = None  # lying exercises: the torso rising this much is getting up (not a rep)


def default_cue_name(code: str) -> str:
    """The display name of a cue without ``name``: its id in words (``knee_angle`` -> "Knee angle")."""
    words = code.replace("_", " ").strip()
    return (words[:1].upper() + words[1:])[:NAME_MAX_CHARS]


@dataclass(frozen=True)
class Cue:
    """One coaching cue of the article, turned into a check; ``title`` is what a person reads on screen."""

    id: str
    cue: str
    kind: str
    measure: str | None
    space: str
    phase: str
    min: float | None
    max: float | None
    baseline: str | None
    check: str
    views: tuple[str, ...]
    weight: float
    message: str
    fix: str
    name: str = ""              # optional in the rule file; see ``title``

    @property
    def title(self) -> str:
        """The name shown to a person: the rule file's ``name``, else the id in words."""
        return self.name or default_cue_name(self.id)
    below: str = ""  # a word for the way a value under ``min`` is off (e.g. "forward"), the message's {way}
    above: str = ""  # ... and a value over ``max`` (e.g. "back")

    def message_for(self, value: float | None) -> str:
        """The fault message with the measured value: {value} signed, {abs} its size, {way} its direction."""
        v = float("nan") if value is None else float(value)
        way = self.below if self.min is not None and v < self.min else self.above
        try:
            return self.message.format(value=v, abs=abs(v), way=way, min=self.min, max=self.max)
        except (ValueError, TypeError):  # e.g. a NaN into an integer format
            return self.message


@dataclass(frozen=True)
class Criterion:
    """A recognition criterion: a clip feature should lie in ``full``; membership falls to 0 at the ``zero`` edges."""

    feature: str
    zero_lo: float
    full_lo: float
    full_hi: float
    zero_hi: float
    weight: float
    says: str  # what it checks, for the reason text
    decisive: bool = True  # a clear mismatch rules the exercise out (not for what can also be a form fault)

    def membership(self, value: float, unknown: float) -> float:
        """Trapezoid membership of ``value`` in [RECOGNITION_FLOOR, 1]; ``unknown`` when it could not be measured."""
        if math.isnan(value):
            return unknown
        if value < self.full_lo:
            m = (value - self.zero_lo) / (self.full_lo - self.zero_lo) if self.full_lo > self.zero_lo else 0.0
        elif value > self.full_hi:
            m = (self.zero_hi - value) / (self.zero_hi - self.full_hi) if self.zero_hi > self.full_hi else 0.0
        else:
            m = 1.0
        return max(RECOGNITION_FLOOR, min(1.0, m))


@dataclass(frozen=True)
class ExerciseRules:
    """An exercise: its name, recommended views, rep definition, cues and how to recognise it."""

    id: str
    name: str
    description: str
    views: tuple[str, ...]
    sides: str
    rep: RepDefinition
    cues: tuple[Cue, ...]
    min_reps: int
    max_reps: int
    source: Path
    recognize: tuple[Criterion, ...] = ()

    def cue(self, cue_id: str) -> Cue:
        """The cue with this id."""
        return next(c for c in self.cues if c.id == cue_id)

    def judges_height_in(self, view: str) -> bool:
        """True when the rep's height (``min_peak``) can be judged from ``view``: where the range cue is judged.

        Where the camera cannot see the height (e.g. arms raised toward the lens), a rep is still measured against
        the person's own reps (``partial_fraction``) but not against the absolute ``min_peak``.
        """
        if self.rep.range_cue is None:
            return True
        cue = next((c for c in self.cues if c.id == self.rep.range_cue), None)
        return cue is None or view in cue.views

    @property
    def recognisable(self) -> bool:
        """True when the rule file says how to recognise the exercise (otherwise it is never guessed)."""
        return bool(self.recognize)

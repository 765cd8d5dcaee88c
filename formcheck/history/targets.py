"""Range of motion against the article's targets: which rule-file cue measures it, for every exercise.

This table is the one place that maps the article's targets to the report's per-rep ``measures`` (by cue id)
and ``hold_s``. The target is the article's (90° is the upper arm at shoulder height, 0° a straight
shoulder-hip-knee line, hands touching the ribcage, the elbow past the line of the back, 2 and 5 counts of one
second); the limit a rep must keep to count as reaching it is the rule file's, read when a set is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class RangeTarget:
    """One range-of-motion figure of one exercise."""

    exercise: str
    metric: str          # arm_elevation, hip_line, pull_depth, hold
    cue: str             # the rule file's cue judged on this figure (its verdict says if a rep reached it)
    label: str
    unit: str
    target: float        # the article's target, in the measure's unit
    better: str          # HIGHER or LOWER: the direction of more range
    article: str         # the article's words for the target
    value: str = "measures"  # where a rep's value is: its ``measures[cue]``, or its ``hold_s``

    def rep_value(self, rep: dict[str, Any]) -> float | None:
        """This figure on one rep of a report (None when the cue was not measured on it)."""
        value = rep.get("hold_s") if self.value == "hold_s" else (rep.get("measures") or {}).get(self.cue)
        return None if value is None else float(value)

    def shortfall(self, achieved: float) -> float:
        """How far ``achieved`` stays short of the target (0 or less: reached), in the unit."""
        return self.target - achieved if self.better == HIGHER else achieved - self.target


RANGE_TARGETS: tuple[RangeTarget, ...] = (
    RangeTarget("reverse_fly", "arm_elevation", "raise_height", "Arm elevation", "°", 90.0, HIGHER,
                "Raise the weights up to shoulder height (90°)."),
    RangeTarget("bent_over_lateral_raise", "arm_elevation", "raise_height", "Arm elevation", "°", 90.0, HIGHER,
                "Lift to shoulder height: torso and outstretched arms form a T (90°)."),
    RangeTarget("hip_raise", "hip_line", "hip_line", "Hip line at the top", "°", 0.0, HIGHER,
                "A straight line from the shoulders to the knees (0°; below 0 the hips sag)."),
    RangeTarget("hip_raise", "hold", "hold_5", "Hold at the top", "s", 5.0, HIGHER,
                "Hold for 5 counts.", value="hold_s"),
    RangeTarget("seated_row", "pull_depth", "full_pull", "Hands to ribcage", "torso lengths", 0.3, LOWER,
                "Pull until the hands touch the ribcage (about 0.3 torso lengths from the line of the back)."),
    RangeTarget("seated_row", "hold", "hold_2", "Hold at the ribcage", "s", 2.0, HIGHER,
                "Hold for 2 counts.", value="hold_s"),
    RangeTarget("one_arm_row", "pull_depth", "elbow_up", "Elbow above shoulder", "torso lengths", 0.0, HIGHER,
                "Lift the elbow toward the ceiling, past the line of the back (0 or more)."),
)  # fmt: skip

METRIC_ORDER = ("arm_elevation", "hip_line", "pull_depth", "hold")


def targets_for(exercise: str) -> tuple[RangeTarget, ...]:
    """The range-of-motion figures of an exercise (none for an exercise the article gives no target for)."""
    return tuple(t for t in RANGE_TARGETS if t.exercise == exercise)


def target_for(exercise: str, metric: str) -> RangeTarget | None:
    """One figure of an exercise, if it has it."""
    return next((t for t in RANGE_TARGETS if t.exercise == exercise and t.metric == metric), None)

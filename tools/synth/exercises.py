"""The five exercises (and two look-alike negatives): pose function, tempo, camera, and what each fault does.

Fault ids are the cue ids of the bundled rule files (formcheck/rules/data/*.toml), except the synthetic-only
:data:`SHORT`: a rep that stops short of the range. Its truth is a partial rep (not counted) that breaks the
exercise's ``range_cue`` (hip_raise: hip_line; reverse fly and lateral raise: raise_height; seated row: full_pull;
one-arm row: elbow_up). The negatives (``hip_hinge``: a deadlift-like hinge with hanging arms; ``bridge_march``:
hips held up, knees lifted in turn) count no reps: their movements are recorded as ``movements``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from tools.synth.body import BodyDims, Skeleton
from tools.synth.negatives import bridge_march, hip_hinge
from tools.synth.poses import (
    RepParams,
    bent_over_lateral_raise,
    default_params,
    hip_raise,
    one_arm_row,
    reverse_fly,
    seated_row,
)

SHORT = "short"  # synthetic-only rep fault: the rep stops at SynthConfig.short_range of the full range

PoseFn = Callable[[BodyDims, float, RepParams], Skeleton]


@dataclass(frozen=True)
class ExerciseSpec:
    """How the synthetic athlete performs one exercise."""

    id: str
    pose: PoseFn
    up_s: float
    down_s: float
    rest_s: float
    hold_s: float
    view: str  # default camera view
    camera_height: float  # default camera height (m) before body scaling
    rep_faults: dict[str, dict[str, float]]  # fault id -> RepParams overrides
    hold_fault: tuple[str, float] | None = None  # (fault id, shortened hold in seconds)
    set_faults: tuple[str, ...] = ()
    sided: bool = False
    three_quarter_yaw: float = 45.0  # |yaw| used for the three_quarter view
    range_cue: str | None = None  # the cue a rep that falls short breaks (SHORT reps)
    counts_reps: bool = True  # False for the negatives: their movements are no reps of any exercise
    alternate: bool = False  # the moving side alternates rep by rep (bridge march), with no side switch

    @property
    def fault_ids(self) -> tuple[str, ...]:
        """Every rep-level fault id accepted for this exercise."""
        ids = list(self.rep_faults)
        if self.hold_fault:
            ids.append(self.hold_fault[0])
        if self.range_cue:
            ids.append(SHORT)
        return tuple(ids)

    def params(self, faults: list[str], side: str, amp: float, torso_jitter: float) -> RepParams:
        """RepParams of one rep with the given faults applied."""
        rp = replace(default_params(self.id), amp=amp, side=side)
        rp = replace(rp, torso_deg=rp.torso_deg + torso_jitter)
        for fault in faults:
            if fault in self.rep_faults:
                rp = replace(rp, **self.rep_faults[fault])
            elif not (self.hold_fault and fault == self.hold_fault[0]) and not (fault == SHORT and self.range_cue):
                raise ValueError(f"unknown fault {fault!r} for {self.id}; valid faults: {', '.join(self.fault_ids)}")
        return rp

    def hold(self, faults: list[str]) -> float:
        """Hold time at the top for a rep with these faults."""
        if self.hold_fault and self.hold_fault[0] in faults:
            return self.hold_fault[1]
        return self.hold_s


EXERCISES: dict[str, ExerciseSpec] = {
    spec.id: spec
    for spec in (
        ExerciseSpec(
            id="reverse_fly",
            range_cue="raise_height",
            pose=reverse_fly,
            up_s=1.1,
            down_s=1.3,
            rest_s=0.35,
            hold_s=0.3,
            view="three_quarter",
            camera_height=1.15,
            rep_faults={
                "torso_angle": {"torso_deg": 75.0},
                "raise_height": {"top_deg": 60.0},
                "wrists_below_elbows": {"wrist_up": 1.0},
            },
        ),
        ExerciseSpec(
            id="seated_row",
            range_cue="full_pull",
            pose=seated_row,
            up_s=1.2,
            down_s=1.4,
            rest_s=0.4,
            hold_s=2.0,
            view="side",
            camera_height=0.85,
            rep_faults={
                "elbows_back": {"flare": 1.0},
                "full_pull": {"pull_short": 1.0},
                "back_straight": {"lean_back_deg": 28.0},
            },
            hold_fault=("hold_2", 0.5),
        ),
        ExerciseSpec(
            id="hip_raise",
            range_cue="hip_line",
            pose=hip_raise,
            up_s=1.2,
            down_s=1.4,
            rest_s=0.5,
            hold_s=5.0,
            view="side",
            camera_height=0.7,
            rep_faults={"hip_line": {"sag_deg": 18.0}},
            hold_fault=("hold_5", 2.0),
        ),
        ExerciseSpec(
            id="bent_over_lateral_raise",
            range_cue="raise_height",
            pose=bent_over_lateral_raise,
            up_s=1.1,
            down_s=1.3,
            rest_s=0.35,
            hold_s=0.2,
            view="side",
            camera_height=1.3,
            rep_faults={
                "torso_parallel": {"torso_deg": 42.0},
                "raise_height": {"top_deg": 60.0},
            },
        ),
        ExerciseSpec(
            id="one_arm_row",
            range_cue="elbow_up",
            pose=one_arm_row,
            up_s=1.0,
            down_s=1.2,
            rest_s=0.35,
            hold_s=0.3,
            view="three_quarter",
            camera_height=0.95,
            rep_faults={
                "torso_parallel": {"torso_deg": 42.0},
                "elbow_up": {"elbow_low": 0.6},
                "arm_close": {"flare": 1.0},
            },
            set_faults=("switch_sides",),
            sided=True,
            three_quarter_yaw=70.0,
        ),
        ExerciseSpec(
            id="hip_hinge",  # negative: a dumbbell deadlift, torso from upright to ~30 deg and back, arms hanging
            pose=hip_hinge,
            up_s=1.3,
            down_s=1.4,
            rest_s=0.8,
            hold_s=0.4,
            view="side",
            camera_height=1.1,
            rep_faults={},
            counts_reps=False,
        ),
        ExerciseSpec(
            id="bridge_march",  # negative: hips held up in a bridge, one knee lifted toward the chest, then the other
            pose=bridge_march,
            up_s=0.8,
            down_s=0.8,
            rest_s=0.4,
            hold_s=0.3,
            view="side",
            camera_height=0.7,
            rep_faults={},
            counts_reps=False,
            alternate=True,
        ),
    )
}
NEGATIVES = tuple(spec.id for spec in EXERCISES.values() if not spec.counts_reps)


def get_exercise(exercise_id: str) -> ExerciseSpec:
    """Look an exercise up by id; unknown ids raise a ValueError listing the valid ones."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise ValueError(f"unknown exercise {exercise_id!r}; valid: {', '.join(EXERCISES)}") from None

"""The synthetic athlete's faults are unmistakable and its clean reps clearly meet the article's cues."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tools.synth.body import Skeleton
from tools.synth.config import SynthConfig
from tools.synth.exercises import EXERCISES
from tools.synth.geometry import angle_deg
from tools.synth.timeline import Motion, build_timeline


def _mid(sk: Skeleton, joint: str) -> np.ndarray:
    return (sk.p[f"left_{joint}"] + sk.p[f"right_{joint}"]) / 2


def _torso_from_horizontal(sk: Skeleton) -> float:
    v = _mid(sk, "shoulder") - _mid(sk, "hip")
    return math.degrees(math.atan2(v[1], math.hypot(v[0], v[2])))


def _elevation(sk: Skeleton, a: str, b: str) -> float:
    v = sk.p[b] - sk.p[a]
    return math.degrees(math.atan2(v[1], math.hypot(v[0], v[2])))


def _flare(sk: Skeleton, side: str) -> float:
    """Angle of the upper arm out of the body's sagittal plane."""
    v = sk.p[f"{side}_elbow"] - sk.p[f"{side}_shoulder"]
    return math.degrees(math.asin(abs(float(v @ sk.torso[:, 0])) / float(np.linalg.norm(v))))


def _sagittal_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle ABC seen from the side (y-z plane)."""
    return angle_deg(a * [0, 1, 1], b * [0, 1, 1], c * [0, 1, 1])


def _top_and_start(exercise: str, *faults: str, side: str = "right") -> tuple[Skeleton, Skeleton]:
    m = Motion(SynthConfig(exercise=exercise, reps=1, faults=(faults,), first_side=side, seed=11))
    rep = m.timeline.reps[0]
    return m.skeleton(rep.top_s + 0.01), m.skeleton(rep.start_s)


def test_reverse_fly_good_and_faults() -> None:
    top, start = _top_and_start("reverse_fly")
    assert 40 <= _torso_from_horizontal(top) <= 50
    assert abs(_elevation(top, "right_shoulder", "right_elbow")) <= 10  # shoulder height
    assert top.p["right_wrist"][1] < top.p["right_elbow"][1] - 0.05
    assert 145 <= angle_deg(top.p["right_shoulder"], top.p["right_elbow"], top.p["right_wrist"]) <= 165
    assert _elevation(start, "right_shoulder", "right_elbow") < -75  # hanging
    assert _torso_from_horizontal(_top_and_start("reverse_fly", "torso_angle")[0]) >= 70
    assert _elevation(_top_and_start("reverse_fly", "raise_height")[0], "right_shoulder", "right_elbow") <= -25
    bad = _top_and_start("reverse_fly", "wrists_below_elbows")[0]
    assert bad.p["right_wrist"][1] > bad.p["right_elbow"][1] + 0.1


def test_lateral_raise_good_and_faults() -> None:
    top, _ = _top_and_start("bent_over_lateral_raise")
    assert abs(_torso_from_horizontal(top)) <= 10
    assert abs(_elevation(top, "left_shoulder", "left_wrist")) <= 10  # the T
    assert angle_deg(top.p["left_shoulder"], top.p["left_elbow"], top.p["left_wrist"]) >= 170
    bad, _ = _top_and_start("bent_over_lateral_raise", "torso_parallel", "raise_height")
    assert _torso_from_horizontal(bad) >= 35
    assert _elevation(bad, "left_shoulder", "left_elbow") <= -25


def test_seated_row_good_and_faults() -> None:
    top, start = _top_and_start("seated_row")
    assert 100 <= angle_deg(start.p["right_hip"], start.p["right_knee"], start.p["right_ankle"]) <= 130
    assert _torso_from_horizontal(top) >= 80
    assert angle_deg(start.p["right_shoulder"], start.p["right_elbow"], start.p["right_wrist"]) >= 165
    assert _flare(top, "right") <= 20
    assert top.p["right_elbow"][2] < _mid(top, "shoulder")[2] - 0.1  # elbow behind the body
    chest = _mid(top, "shoulder")[2] + 0.11
    assert top.p["right_wrist"][2] <= chest + 0.05
    assert _flare(_top_and_start("seated_row", "elbows_back")[0], "right") >= 50
    short = _top_and_start("seated_row", "full_pull")[0]
    assert short.p["right_wrist"][2] >= chest + 0.2
    assert _torso_from_horizontal(_top_and_start("seated_row", "back_straight")[0]) <= 70  # >= 20 deg lean back


def test_hip_raise_good_and_faults() -> None:
    top, start = _top_and_start("hip_raise")
    assert 85 <= angle_deg(start.p["right_hip"], start.p["right_knee"], start.p["right_ankle"]) <= 95
    assert _sagittal_angle(top.p["right_shoulder"], top.p["right_hip"], top.p["right_knee"]) >= 172
    sag = _top_and_start("hip_raise", "hip_line")[0]
    assert 155 <= _sagittal_angle(sag.p["right_shoulder"], sag.p["right_hip"], sag.p["right_knee"]) <= 166


@pytest.mark.parametrize("side", ["right", "left"])
def test_one_arm_row_good_and_faults(side: str) -> None:
    top, start = _top_and_start("one_arm_row", side=side)
    assert abs(_torso_from_horizontal(top)) <= 10
    back = _mid(top, "shoulder")[1] + 0.11
    assert top.p[f"{side}_elbow"][1] > back  # elbow passes above the torso
    assert _flare(top, side) <= 20
    assert _elevation(start, f"{side}_shoulder", f"{side}_wrist") < -80
    low = _top_and_start("one_arm_row", "elbow_up", side=side)[0]
    assert low.p[f"{side}_elbow"][1] < _mid(low, "shoulder")[1] - 0.1
    assert _flare(_top_and_start("one_arm_row", "arm_close", side=side)[0], side) >= 50
    assert _torso_from_horizontal(_top_and_start("one_arm_row", "torso_parallel", side=side)[0]) >= 35


def test_holds_tempo_and_sides() -> None:
    tl = build_timeline(SynthConfig(exercise="seated_row", reps=4, faults=((), ("hold_2",)), seed=1))
    assert tl.reps[0].hold_s >= 2.0 and tl.reps[1].hold_s <= 0.6
    assert tl.set_faults == ("rep_range",)
    spec = EXERCISES["seated_row"]
    for rep in tl.reps:
        assert 0.9 * spec.up_s - 1e-9 <= rep.top_s - rep.start_s <= 1.1 * spec.up_s + 1e-9
    tl = build_timeline(SynthConfig(exercise="hip_raise", reps=2, faults=(("hold_5",),)))
    assert tl.reps[0].hold_s <= 2.2 and tl.reps[1].hold_s >= 5.0
    both = build_timeline(SynthConfig(exercise="one_arm_row", reps=10))
    assert both.reps_by_side == {"left": 10, "right": 10} and both.set_faults == ()
    assert [r.side for r in both.reps] == ["right"] * 10 + ["left"] * 10
    one = build_timeline(SynthConfig(exercise="one_arm_row", reps=6, set_faults=("switch_sides",)))
    assert one.reps_by_side == {"left": 0, "right": 6}
    assert one.set_faults == ("switch_sides", "rep_range")


def test_unknown_names_are_rejected_with_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"valid faults: .*hip_line"):
        build_timeline(SynthConfig(exercise="hip_raise", reps=1, faults=(("elbow_up",),)))
    with pytest.raises(ValueError, match="valid: reverse_fly"):
        build_timeline(SynthConfig(exercise="deadlift"))
    with pytest.raises(ValueError, match="unknown synth parameters"):
        SynthConfig.from_dict({"exercise": "hip_raise", "colour": "red"})

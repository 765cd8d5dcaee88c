"""The synthetic athlete's additions for the accuracy grid: fault ids, short reps, clip edges, negatives, cameras."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import tomllib

from tools.synth.config import LATER_FIELDS, SynthConfig
from tools.synth.exercises import EXERCISES, NEGATIVES, SHORT
from tools.synth.timeline import Motion, build_timeline
from tools.synth.truth import build_truth
from tools.synth.video import plan

RULES = Path(__file__).resolve().parents[1] / "formcheck" / "rules" / "data"
# Synthetic fault ids that are not cue ids, and what the truth makes of them.
NON_CUE_FAULTS = {SHORT: "a partial rep, not counted, whose faults start with the exercise's range cue"}


def _cue_ids(exercise: str) -> set[str]:
    data = tomllib.loads((RULES / f"{exercise}.toml").read_text())
    return {cue["id"] for cue in data["cues"]}


@pytest.mark.parametrize("exercise", [ex for ex in EXERCISES if ex not in NEGATIVES])
def test_every_synth_fault_is_a_cue_of_the_rule_file(exercise: str) -> None:
    spec = EXERCISES[exercise]
    cues = _cue_ids(exercise)
    assert set(spec.fault_ids) - set(NON_CUE_FAULTS) <= cues
    assert spec.range_cue in cues
    assert set(spec.set_faults) <= cues | {"rep_range"}


def test_negatives_have_no_faults_and_are_not_exercises() -> None:
    assert set(NEGATIVES) == {"hip_hinge", "bridge_march"}
    for ex in NEGATIVES:
        assert EXERCISES[ex].fault_ids == ()
        assert not (RULES / f"{ex}.toml").exists()


def _truth(cfg: SynthConfig) -> dict:
    shot = plan(cfg)
    return build_truth(cfg, shot.motion.timeline, "x.mp4", shot.view, None, shot.joints_3d,
                       np.zeros((*shot.joints_3d.shape[:2], 2)))  # fmt: skip


def test_older_configs_keep_their_truth_keys() -> None:
    cfg = SynthConfig(exercise="reverse_fly", reps=2)
    assert not set(LATER_FIELDS) & set(cfg.to_dict())
    assert SynthConfig.from_dict(cfg.to_dict()) == cfg
    later = SynthConfig(exercise="reverse_fly", reps=2, setup_s=2.0, leave="cut", short_range=0.4)
    assert SynthConfig.from_dict(later.to_dict()) == later
    truth = _truth(cfg)
    assert list(truth)[:12] == ["schema_version", "exercise", "view", "near_side", "video", "params", "rep_count",
                                "reps_by_side", "reps", "set_faults", "joint_names", "joints_2d"]  # fmt: skip


@pytest.mark.parametrize(("exercise", "cue"), [("hip_raise", "hip_line"), ("reverse_fly", "raise_height"),
                                               ("bent_over_lateral_raise", "raise_height"),
                                               ("seated_row", "full_pull"), ("one_arm_row", "elbow_up")])  # fmt: skip
def test_a_short_rep_is_a_partial_rep_that_breaks_the_range_cue(exercise: str, cue: str) -> None:
    cfg = SynthConfig(exercise=exercise, reps=3, faults=((), (SHORT,), ()), short_range=0.5, hold_s=0.5,
                      set_faults=("switch_sides",) if exercise == "one_arm_row" else ())  # fmt: skip
    truth = _truth(cfg)
    assert truth["rep_count"] == 2 and [r["index"] for r in truth["reps"]] == [1, 2]
    (partial,) = truth["partial_reps"]
    assert partial["faults"] == [cue]
    assert truth["reps"][0]["end_s"] <= partial["start_s"] < partial["end_s"] <= truth["reps"][1]["start_s"]
    if exercise == "one_arm_row":
        assert truth["reps_by_side"] == {"left": 0, "right": 2}
    # the short rep moves about half as far as a full one
    motion = Motion(cfg)
    full, short = motion.timeline.reps[0], motion.timeline.reps[1]
    travel = [np.abs(_joints(motion, r.top_s + 0.05) - _joints(motion, r.start_s)).max() for r in (full, short)]
    assert 0.3 < travel[1] / travel[0] < 0.75


def _joints(motion: Motion, t: float) -> np.ndarray:
    sk = motion.skeleton(t)
    return np.array([sk.p[k] for k in sorted(sk.p)])


def test_clip_edges_are_in_the_truth_and_add_no_reps() -> None:
    base = SynthConfig(exercise="reverse_fly", reps=2, seed=3)
    plain = build_timeline(base)
    for cfg, event in ((SynthConfig(exercise="reverse_fly", reps=2, seed=3, setup_s=3.0), "setup"),
                       (SynthConfig(exercise="reverse_fly", reps=2, seed=3, opens_mid_rep=True), "opening_descent"),
                       (SynthConfig(exercise="reverse_fly", reps=2, seed=3, leave="walk"), "leave"),
                       (SynthConfig(exercise="reverse_fly", reps=2, seed=3, leave="cut"), "leave")):  # fmt: skip
        tl = build_timeline(cfg)
        assert len(tl.counted) == 2 and tl.events is not None and event in tl.events
        start, end = tl.events[event]
        shift = tl.reps[0].start_s - plain.reps[0].start_s
        assert [round(r.end_s - r.start_s, 6) for r in tl.reps] == [round(r.end_s - r.start_s, 6) for r in plain.reps]
        if event == "leave":
            assert start >= tl.reps[-1].end_s and shift == 0
        else:
            assert start == 0 and end <= tl.reps[0].start_s and shift > 0
    with pytest.raises(ValueError, match="opens mid-rep"):
        SynthConfig(exercise="reverse_fly", setup_s=2.0, opens_mid_rep=True)


def test_a_clip_opening_mid_rep_starts_at_the_top() -> None:
    cfg = SynthConfig(exercise="hip_raise", reps=2, opens_mid_rep=True, hold_s=1.0)
    motion = Motion(cfg)
    first, top = motion.skeleton(0.0), motion.skeleton(motion.timeline.reps[0].top_s + 0.1)
    rest = motion.skeleton(motion.timeline.reps[0].start_s)
    assert abs(first.p["left_hip"][1] - top.p["left_hip"][1]) < 0.02 < top.p["left_hip"][1] - rest.p["left_hip"][1]


def test_a_person_who_leaves_walks_out_of_the_picture() -> None:
    cfg = SynthConfig(exercise="seated_row", reps=1, hold_s=0.5, leave="walk", yaw_deg=90.0, width=320, height=240)
    shot = plan(cfg)
    uv, _ = shot.camera.project(shot.joints_3d[-1])
    inside = (uv[:, 0] >= 0) & (uv[:, 0] < 320) & (uv[:, 1] >= 0) & (uv[:, 1] < 240)
    assert not inside.any()
    uv0, _ = shot.camera.project(shot.joints_3d[0])
    assert ((uv0[:, 0] >= 0) & (uv0[:, 0] < 320)).all()


def test_negatives_count_nothing_and_record_their_movements() -> None:
    hinge = _truth(SynthConfig(exercise="hip_hinge", reps=3))
    assert hinge["rep_count"] == 0 and hinge["reps"] == [] and len(hinge["movements"]) == 3
    assert "rep_range" not in hinge["set_faults"]
    motion = Motion(SynthConfig(exercise="hip_hinge", reps=1))
    bottom = motion.skeleton(motion.timeline.reps[0].top_s + 0.1)
    up = motion.skeleton(0.0)
    for sk, lo, hi in ((up, 75, 90), (bottom, 15, 40)):
        v = (sk.p["left_shoulder"] + sk.p["right_shoulder"]) / 2 - (sk.p["left_hip"] + sk.p["right_hip"]) / 2
        assert lo <= math.degrees(math.atan2(v[1], math.hypot(v[0], v[2]))) <= hi
        arm = sk.p["left_wrist"] - sk.p["left_shoulder"]  # hanging: the arm points straight down
        assert math.degrees(math.acos(-arm[1] / np.linalg.norm(arm))) < 8
    march = Motion(SynthConfig(exercise="bridge_march", reps=2))
    assert [r.side for r in march.timeline.reps] == ["right", "left"]
    assert not [s for s in march.timeline.segments if s.kind == "switch"]
    for rep in march.timeline.reps:
        sk, rest = march.skeleton(rep.top_s + 0.1), march.skeleton(rep.start_s)
        lifted, other = rep.side, "left" if rep.side == "right" else "right"
        assert sk.p[f"{lifted}_knee"][1] > rest.p[f"{lifted}_knee"][1] + 0.15  # the knee comes up
        assert np.allclose(sk.p[f"{other}_knee"], rest.p[f"{other}_knee"])
        assert np.allclose(sk.p["left_hip"], rest.p["left_hip"])  # the hips stay up
        lying = Motion(SynthConfig(exercise="hip_raise", reps=1)).skeleton(0.0)
        assert rest.p["left_hip"][1] > lying.p["left_hip"][1] + 0.1


def test_a_fixed_camera_sees_the_second_side_from_the_same_place() -> None:
    moved = plan(SynthConfig(exercise="one_arm_row", reps=1, yaw_deg=-70.0, width=160, height=120))
    fixed = plan(SynthConfig(exercise="one_arm_row", reps=1, yaw_deg=-70.0, width=160, height=120,
                             fixed_camera=True))  # fmt: skip
    assert moved.flipped.any() and not fixed.flipped.any()
    assert [r.side for r in fixed.motion.timeline.reps] == ["right", "left"]
    # with the camera fixed, the second side's working (left) wrist is farther from the camera than the right one
    t = fixed.motion.timeline.reps[1].top_s + 0.05
    i = int(np.searchsorted(fixed.times, t))
    _, depth = fixed.camera.project(fixed.joints_3d[i])
    from tools.synth.body import TRUTH_JOINT_NAMES

    assert depth[TRUTH_JOINT_NAMES.index("left_wrist")] > depth[TRUTH_JOINT_NAMES.index("right_wrist")]

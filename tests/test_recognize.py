"""Exercise recognition: synthetic landmark sequences, unsure cases, sample videos and real clips."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from formcheck.analysis.recognize import (
    CLEAR_AFTER_S,
    MAX_WAIT_S,
    ArmMotion,
    ExerciseUnclearError,
    Features,
    RecognizingAnalyzer,
    recognisable,
    recognize,
    recognize_features,
)
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.errors import EXIT_BAD_INPUT, NoPersonError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.rules.loader import load_all
from tests.conftest import REALWORLD, sample_clips
from tests.media import assert_clean_error, real_clip, run_formcheck

EXERCISES = tuple(recognisable())
# Landmarks the synthetic body lacks, and the joint that stands in for them.
STAND_INS = {"left_eye_inner": "left_eye", "left_eye_outer": "left_eye", "right_eye_inner": "right_eye",
             "right_eye_outer": "right_eye", "left_pinky": "left_wrist", "right_pinky": "right_wrist",
             "left_index": "left_wrist", "right_index": "right_wrist", "left_thumb": "left_wrist",
             "right_thumb": "right_wrist"}  # fmt: skip
FAR_LIMB = ("elbow", "wrist", "pinky", "index", "thumb", "knee", "ankle", "heel", "foot_index")


# -- synthetic PoseFrames: the synthetic athlete's joints seen through a pinhole camera ------------------------
@cache
def synthetic(exercise: str, view: str, reps: int = 4, camera_side: str = "right",
              faults: tuple[str, ...] = ()) -> tuple[PoseFrame, ...]:  # fmt: skip
    """PoseFrames of a synthetic set; in side views the far-side limbs are hidden (low visibility), as in MediaPipe."""
    from tools.synth.config import SynthConfig
    from tools.synth.video import plan

    cfg = SynthConfig(exercise=exercise, reps=reps, view=view, camera_side=camera_side, faults=(faults,) * reps)
    shot = plan(cfg)
    return tuple(_project(shot, i, hide_far_side=view == "side") for i in range(len(shot.times)))


def _project(shot, i: int, hide_far_side: bool) -> PoseFrame:
    from tools.synth.body import TRUTH_JOINT_NAMES

    cam = shot.camera
    names = list(TRUTH_JOINT_NAMES)
    joints = shot.joints_3d[i]
    cam_xyz = (joints - cam.position) @ cam.rot.T  # x right, y down, z away from the camera
    uv, depth = cam.project(joints)
    hip = (cam_xyz[names.index("left_hip")] + cam_xyz[names.index("right_hip")]) / 2
    width, height = cam.width, cam.height
    xyz, world = np.zeros((NUM_LANDMARKS, 3)), np.zeros((NUM_LANDMARKS, 3))
    for landmark in Landmark:
        name = STAND_INS.get(landmark.name.lower(), landmark.name.lower())
        j = names.index(name)
        xyz[landmark] = (uv[j, 0] / width, uv[j, 1] / height, (depth[j] - hip[2]) * cam.focal_px / hip[2] / width)
        world[landmark] = cam_xyz[j] - hip
    visibility = np.full(NUM_LANDMARKS, 0.95)
    if hide_far_side:  # side-on: the far arm and leg are hidden behind the body
        far = "LEFT" if world[Landmark.LEFT_HIP, 2] > world[Landmark.RIGHT_HIP, 2] else "RIGHT"
        for limb in FAR_LIMB:
            visibility[Landmark[f"{far}_{limb.upper()}"]] = 0.2
    t_ms = round(1000 * float(shot.times[i]))
    return PoseFrame(xyz, world, visibility, visibility, t_ms, (width, height))


def held_still(poses: tuple[PoseFrame, ...], seconds: float) -> list[PoseFrame]:
    """The first pose held for ``seconds`` at 30 fps: the posture without any motion."""
    first = poses[0]
    return [PoseFrame(first.xyz, first.world_xyz, first.visibility, first.presence, round(i * 1000 / 30),
                      first.image_size) for i in range(round(seconds * 30))]  # fmt: skip


def features(torso_elev: float, ankle_drop: float = 1.6, knee_angle: float = 165.0, **arm: float) -> Features:
    """Hand-made clip features of a standing person whose two arms move alike."""
    motion = {"raise_amp": 5.0, "flex_amp": 5.0, "flex_med": 15.0, "forearm_top": 10.0, "path": 0.1,
              "horizontal": 0.5} | arm  # fmt: skip
    arms = tuple(ArmMotion(side=side, **motion) for side in ("left", "right"))
    return Features(8.0, 240, torso_elev, 5.0, ankle_drop, -0.8, 0.8, knee_angle, 0.05, arms)


# -- synthetic sets ---------------------------------------------------------------------------------------
CASES = [(ex, view) for ex, rules in load_all().items() for view in rules.views if view != "back"]


@pytest.mark.parametrize(("exercise", "view"), CASES, ids=[f"{ex}-{view}" for ex, view in CASES])
def test_synthetic_sets_are_recognised_in_their_recommended_views(exercise: str, view: str) -> None:
    result = recognize(synthetic(exercise, view))
    assert result.exercise == exercise, result.reason
    assert result.confidence >= 0.45
    assert result.candidates[0][0] == exercise
    assert result.decided_at_s <= CLEAR_AFTER_S + 0.5, "a clear case is decided within about 5 s"


@pytest.mark.parametrize("view", ["side", "three_quarter"])
def test_a_bridge_march_is_not_taken_for_a_hip_raise(view: str) -> None:
    """Hips held up while the knees lift in turn: the posture of a bridge, but the feet leave the floor."""
    result = recognize(synthetic("bridge_march", view, reps=6))
    assert result.exercise is None, result.reason
    assert "knees level" in result.reason


@pytest.mark.parametrize("exercise", ["hip_raise", "reverse_fly", "one_arm_row"])
def test_replay_through_the_set_analyzer_loses_no_rep(exercise: str) -> None:
    poses = synthetic(exercise, load_all()[exercise].views[0], reps=4)
    known = SetAnalyzer(load_all()[exercise])
    recognizing = RecognizingAnalyzer(load_all())
    counted_while_streaming = 0
    for pose in poses:
        known.update(pose)
        counted_while_streaming += sum(1 for e in recognizing.update(pose) if hasattr(e, "verdicts"))
    known.finish()
    counted_while_streaming += sum(1 for e in recognizing.finish() if hasattr(e, "verdicts"))
    assert recognizing.rules.id == exercise
    assert recognizing.rep_count == known.rep_count == counted_while_streaming >= 3
    assert [r.top_s for r in recognizing.reps] == [r.top_s for r in known.reps]


def test_report_entry_has_the_documented_shape() -> None:
    entry = recognize(synthetic("seated_row", "side")).to_dict()
    assert entry["exercise"] == "seated_row"
    assert 0.0 <= entry["confidence"] <= 1.0
    assert {c["exercise"] for c in entry["candidates"]} == set(EXERCISES)
    scores = [c["score"] for c in entry["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert "upright" in entry["reason"]


# -- unsure cases ---------------------------------------------------------------------------------------
def test_holding_the_start_position_without_moving_is_unsure_after_the_longest_wait() -> None:
    still = held_still(synthetic("reverse_fly", "three_quarter"), MAX_WAIT_S + 3)
    result = recognize(still)
    assert result.exercise is None
    assert MAX_WAIT_S <= result.decided_at_s < MAX_WAIT_S + 1
    assert "reverse_fly" in result.likely


def test_a_torso_between_45_degrees_and_parallel_with_straight_arms_rising_is_a_close_call() -> None:
    between = features(28.0, raise_amp=80.0, flex_amp=10.0, flex_med=15.0, forearm_top=70.0, path=1.0)
    result = recognize_features(between)
    assert result.exercise is None
    assert result.likely[:2] == ["bent_over_lateral_raise", "reverse_fly"] or \
        result.likely[:2] == ["reverse_fly", "bent_over_lateral_raise"]
    assert "equally" in result.reason


def test_a_clear_contradiction_makes_the_best_fit_unknown() -> None:
    """Hinged at 45 degrees with the arms rising, but the elbows bend 80 degrees: a row, not a reverse fly."""
    rowing = features(42.0, raise_amp=60.0, flex_amp=80.0, flex_med=45.0, forearm_top=60.0, path=1.0)
    result = recognize_features(rowing)
    assert result.candidates[0][0] == "reverse_fly"
    assert result.exercise is None
    assert "elbow bend held constant" in result.reason


def test_the_torso_angle_tells_the_reverse_fly_from_the_lateral_raise() -> None:
    """The article's cue: about 45 degrees for the fly, parallel to the floor for the T raise; same arm motion."""
    arms = dict(raise_amp=80.0, flex_amp=10.0, flex_med=15.0, forearm_top=80.0, path=1.0)
    assert recognize_features(features(45.0, **arms)).exercise == "reverse_fly"
    assert recognize_features(features(5.0, **arms)).exercise == "bent_over_lateral_raise"


def test_a_torso_that_rises_on_one_rep_is_a_form_fault_not_another_exercise() -> None:
    arms = dict(raise_amp=80.0, flex_amp=10.0, flex_med=15.0, forearm_top=80.0, path=1.0)
    drifting = replace(features(5.0, **arms), torso_range=42.0)  # parallel, but one rep at 42 degrees
    result = recognize_features(drifting)
    assert result.exercise == "bent_over_lateral_raise", result.reason


def test_standing_upright_fits_no_exercise() -> None:
    result = recognize_features(features(88.0))
    assert result.exercise is None
    assert "no exercise fits" in result.reason


def test_clear_features_give_a_confident_answer() -> None:
    fly = features(45.0, raise_amp=80.0, flex_amp=10.0, flex_med=35.0, forearm_top=70.0, path=1.0)
    assert recognize_features(fly).exercise == "reverse_fly"


def test_a_posture_without_the_arms_seen_is_not_enough_to_name_an_arm_exercise() -> None:
    """From behind the arms are hidden; a fly's posture is also a one-arm row's, so half the evidence is a guess."""
    fly = features(45.0, raise_amp=80.0, flex_amp=10.0, flex_med=35.0, forearm_top=70.0, path=1.0)
    result = recognize_features(replace(fly, arms=()))
    assert result.exercise is None
    assert "did not see" in result.reason and result.candidates[0][0] == "reverse_fly"


def test_unclear_exercise_stops_the_analysis_with_the_likely_ones_and_the_option_to_use() -> None:
    recognizing = RecognizingAnalyzer(load_all())
    with pytest.raises(ExerciseUnclearError) as raised:
        for pose in held_still(synthetic("bent_over_lateral_raise", "side"), MAX_WAIT_S + 1):
            recognizing.update(pose)
    message = str(raised.value)
    assert raised.value.exit_code == EXIT_BAD_INPUT
    assert "--exercise" in message and "bent_over_lateral_raise" in message
    assert "\n" not in message


def test_nobody_in_view_is_not_an_unclear_exercise() -> None:
    recognizing = RecognizingAnalyzer(load_all())
    for i in range(60):
        recognizing.update(PoseFrame.empty(i * 33, (640, 480)))
    with pytest.raises(NoPersonError):
        recognizing.finish()


# -- rendered sample videos -----------------------------------------------------------------------------------
def test_sample_videos_are_recognised_without_naming_the_exercise(sample_name: str, poses_of) -> None:
    video, exercise = sample_clips()[sample_name]
    result = recognize(poses_of(video))
    assert result.exercise == exercise, result.reason
    assert result.confidence >= 0.45


# -- real clips ------------------------------------------------------------------------------------------------
LABELS = REALWORLD / "labels.csv"
ROWS = list(csv.DictReader(LABELS.open(encoding="utf-8"))) if LABELS.exists() else []


@pytest.mark.skipif(not ROWS, reason="../shared/realworld is not here")
@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_real_clips_are_recognised_or_unknown_never_wrongly(row: dict, poses_of) -> None:
    result = recognize(poses_of(REALWORLD / row["file"]))
    label = row["closest_exercise"] or None
    # a deadlift or a chest-supported row is none of ours: "unknown" is the only right answer
    assert result.exercise in ({label, None} if label else {None}), result.reason


def test_analyze_recognises_the_exercise_and_reports_camera_advice(tmp_path) -> None:
    clip = real_clip("seated_row_b.mp4")
    report_path = tmp_path / "r.json"
    done = run_formcheck("analyze", clip, "--report", report_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(report_path.read_text())
    assert report["exercise"] == "seated_row"
    assert report["recognition"]["exercise"] == "seated_row"
    assert report["recognition"]["confidence"] >= 0.45
    assert isinstance(report["camera"]["advice"], list)
    assert "recognised as seated_row" in done.stderr


def test_analyze_asks_for_the_exercise_when_unsure(tmp_path) -> None:
    clip = real_clip("hinge_rounded_back.mp4")
    done = run_formcheck("analyze", clip, "--report", tmp_path / "r.json")
    assert_clean_error(done, EXIT_BAD_INPUT, "--exercise", "likely")
    assert not (tmp_path / "r.json").exists()

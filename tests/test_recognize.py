"""Exercise recognition: synthetic landmark sequences, unsure cases, sample videos and real clips."""

from __future__ import annotations

import csv
import json
from functools import lru_cache

import numpy as np
import pytest

from formcheck.landmarks import NUM_LANDMARKS, Landmark
from formcheck.pose import PoseFrame
from formcheck.recognize import (
    EXERCISE_CRITERIA,
    ExerciseRecognizer,
    ExerciseUnclearError,
    RecognizingAnalyzer,
    extract_features,
    recognize,
    recognize_features,
)
from formcheck.rules import load_all
from tests.conftest import REALWORLD, SAMPLES

EXERCISES = tuple(EXERCISE_CRITERIA)
# Landmarks the synthetic body lacks, and the joint that stands in for them.
STAND_INS = {"left_eye_inner": "left_eye", "left_eye_outer": "left_eye", "right_eye_inner": "right_eye",
             "right_eye_outer": "right_eye", "left_pinky": "left_wrist", "right_pinky": "right_wrist",
             "left_index": "left_wrist", "right_index": "right_wrist", "left_thumb": "left_wrist",
             "right_thumb": "right_wrist"}  # fmt: skip
FAR_LIMB = ("elbow", "wrist", "pinky", "index", "thumb", "knee", "ankle", "heel", "foot_index")


# -- synthetic PoseFrames: the synthetic athlete's joints seen through a pinhole camera ------------------------
@lru_cache(maxsize=None)
def synthetic(exercise: str, view: str, reps: int = 4, camera_side: str = "right",
              faults: tuple[str, ...] = ()) -> tuple[PoseFrame, ...]:  # fmt: skip
    """PoseFrames of a synthetic set: the far-side limbs are hidden (low visibility) in side views, as MediaPipe does."""
    from formcheck.synth.config import SynthConfig
    from formcheck.synth.video import plan

    cfg = SynthConfig(exercise=exercise, reps=reps, view=view, camera_side=camera_side, faults=(faults,) * reps)
    shot = plan(cfg)
    return tuple(_project(shot, i, hide_far_side=view == "side") for i in range(len(shot.times)))


def _project(shot, i: int, hide_far_side: bool) -> PoseFrame:  # noqa: ANN001
    from formcheck.synth.body import TRUTH_JOINT_NAMES

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

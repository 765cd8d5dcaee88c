"""Landmarks of a known frame match golden values (tracking from the start of the video, as `analyze` does)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.landmarks import Landmark
from tests.conftest import REPO
from tools.synth.truth import load_truth

GOLDEN = Path(__file__).parent / "golden" / "seated_row_good_frame45.json"
TOLERANCE = 0.03  # normalized image coordinates
BODY = [Landmark[f"{side}_{joint}"] for side in ("LEFT", "RIGHT")
        for joint in ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE")]  # fmt: skip


@pytest.fixture(scope="module")
def pose(poses_of):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return golden, poses_of(REPO / golden["video"])[golden["frame"]]


def test_landmarks_of_a_known_frame_match_the_golden_values(pose) -> None:
    golden, frame = pose
    assert frame.timestamp_ms == golden["timestamp_ms"]
    seen = [lm for lm in Landmark if golden["landmarks"][lm.name.lower()][2] >= 0.5]
    assert len(seen) >= 15
    for landmark in seen:
        expected = np.array(golden["landmarks"][landmark.name.lower()][:2])
        error = float(np.abs(frame.xyz[landmark, :2] - expected).max())
        assert error <= TOLERANCE, f"{landmark.name.lower()} is {error:.3f} away from its golden position"


def test_golden_frame_agrees_with_the_rendered_joints(pose) -> None:
    """The golden values are themselves close to where the synthetic athlete's joints really were."""
    golden, frame = pose
    truth = load_truth(REPO / "sample_videos" / "seated_row_good.truth.json.gz")
    names = truth["joint_names"]
    true_2d = np.array(truth["joints_2d"][golden["frame"]])
    near = truth["near_side"].upper()
    for landmark in (lm for lm in BODY if lm.name.startswith(near)):
        error = float(np.linalg.norm(frame.xyz[landmark, :2] - true_2d[names.index(landmark.name.lower())]))
        assert error < 0.06, f"{landmark.name.lower()}: {error:.3f}"

"""Camera view and near side: where the camera stands relative to the body."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark

VIEW_LABELS = {"front": "from the front", "side": "from the side", "three_quarter": "from 45° (three-quarter)",
               "back": "from behind"}  # fmt: skip
_BODY = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")


def body_yaw(frame: PoseFrame) -> float:
    """Angle between the body's left-right axis and the image plane, degrees: 0 facing the camera, 90 side-on."""
    world = frame.world_xyz
    yaws = []
    for left, right in ((Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER), (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)):
        dx, dz = world[right, 0] - world[left, 0], world[right, 2] - world[left, 2]
        yaws.append(np.degrees(np.arctan2(abs(dz), abs(dx))))
    return float(np.mean(yaws))


def facing_away(frame: PoseFrame) -> bool:
    """True when the person turns their back to the camera (their left shoulder appears on the image's left)."""
    xyz = frame.xyz
    return bool(xyz[Landmark.LEFT_SHOULDER, 0] < xyz[Landmark.RIGHT_SHOULDER, 0])


def classify_view(frames: Sequence[PoseFrame]) -> str:
    """The camera view over some frames: ``front``, ``three_quarter``, ``side`` or ``back``."""
    seen = [f for f in frames if not f.is_empty]
    if not seen:
        return "front"
    yaw = float(np.median([body_yaw(f) for f in seen]))
    if yaw > 60:
        return "side"
    if yaw > 28:
        return "three_quarter"
    away = np.mean([facing_away(f) for f in seen]) > 0.5
    return "back" if away else "front"


def side_visibility(frame: PoseFrame) -> np.ndarray:
    """Mean visibility of the left and the right body joints, shape (2,)."""
    vis = frame.visibility
    return np.array(
        [np.mean([vis[Landmark[f"{side}_{joint.upper()}"]] for joint in _BODY]) for side in ("LEFT", "RIGHT")]
    )

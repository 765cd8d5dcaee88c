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


SIDE_FROM_DEG = 60.0          # body yaw above this: filmed from the side
THREE_QUARTER_FROM_DEG = 28.0  # above this (and up to SIDE_FROM_DEG): from 45 degrees; below: front or back
# The views are 45 degrees apart, so a camera moved to another view turns the body's yaw by about that much. The
# view is changed only when the yaw moved by two thirds of that since the view was judged: a body near a boundary
# swaying a few degrees, a torso turning in a one-arm row, or MediaPipe's depth drifting on a lying body does not
# flip the view. (Front and back differ in which way the body faces, not in yaw; MediaPipe's left-right swaps make
# that unreliable mid-set, so a camera moved from front to back is not followed.)
VIEW_STEP_DEG = 45.0
MOVED_DEG = 2.0 / 3.0 * VIEW_STEP_DEG


def classify_view(frames: Sequence[PoseFrame]) -> str:
    """The camera view over some frames: ``front``, ``three_quarter``, ``side`` or ``back``."""
    seen = [f for f in frames if not f.is_empty]
    if not seen:
        return "front"
    return view_of([body_yaw(f) for f in seen], [facing_away(f) for f in seen])


def view_of(yaws: Sequence[float], aways: Sequence[bool]) -> str:
    """The view from per-frame body yaws (degrees) and whether the back was to the camera (non-empty)."""
    yaw = float(np.median(yaws))
    if yaw > SIDE_FROM_DEG:
        return "side"
    if yaw > THREE_QUARTER_FROM_DEG:
        return "three_quarter"
    return "back" if np.mean(aways) > 0.5 else "front"


def median_yaw(frames: Sequence[PoseFrame]) -> float | None:
    """The median body yaw over the frames with somebody in them (None when there are none)."""
    seen = [body_yaw(f) for f in frames if not f.is_empty]
    return float(np.median(seen)) if seen else None


def moved_view(current: str, judged_yaw: float, yaws: Sequence[float], aways: Sequence[bool]) -> str | None:
    """The view these frames show when the camera clearly moved since ``current`` was judged (at ``judged_yaw``):
    the body's yaw turned by ``MOVED_DEG`` and reads as another view. Else None."""
    yaw = float(np.median(yaws))
    if abs(yaw - judged_yaw) < MOVED_DEG:
        return None
    other = view_of(yaws, aways)
    return None if other == current else other


def side_visibility(frame: PoseFrame) -> np.ndarray:
    """Mean visibility of the left and the right body joints, shape (2,)."""
    vis = frame.visibility
    return np.array(
        [np.mean([vis[Landmark[f"{side}_{joint.upper()}"]] for joint in _BODY]) for side in ("LEFT", "RIGHT")]
    )

"""Picture orientation: which way is up for the body, and poses turned as ``--rotate`` would turn the picture.

A phone clip stored sideways without rotation metadata shows a standing person lying on their side. The legs
tell: from the ankles (or knees) to the hips is "up" for anybody standing, so when that points to a side of the
picture, or down, the picture is rotated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark

MIN_VISIBILITY = 0.5
MIN_FRAMES = 10          # leg directions needed before saying anything
MIN_SHARE = 0.3          # ... and at least this share of the frames with a person
MIN_AGREEMENT = 0.8      # length of the mean of the unit leg directions: the legs point one way throughout
AXIS_TOLERANCE = 35.0    # degrees: the mean leg direction this close to a picture axis names the rotation
# the clockwise turn (--rotate) that brings each direction the legs point up to (in the picture) to the top
TURN_FOR = {"up": 0, "left": 90, "down": 180, "right": 270}


def rotate_pose(pose: PoseFrame, degrees: int) -> PoseFrame:
    """The pose as it would be seen in the picture turned clockwise by 0, 90, 180 or 270 degrees."""
    turns = (degrees // 90) % 4
    if degrees % 90 or turns == 0:
        if degrees % 90:
            raise ValueError(f"can only turn by multiples of 90 degrees, not {degrees}")
        return pose
    xyz, world = pose.xyz.copy(), pose.world_xyz.copy()
    width, height = pose.image_size
    for _ in range(turns):  # clockwise in the picture (y down): normalized (x, y) -> (1 - y, x); vectors (-y, x)
        xyz[:, 0], xyz[:, 1] = 1.0 - xyz[:, 1], xyz[:, 0].copy()
        world[:, 0], world[:, 1] = -world[:, 1], world[:, 0].copy()
        width, height = height, width
    return replace(pose, xyz=xyz, world_xyz=world, image_size=(width, height))


def leg_up_direction(pose: PoseFrame) -> np.ndarray | None:
    """Unit vector (pixels, y down) from the feet (or knees) to the hips, averaged over the seen sides; or None."""
    if pose.is_empty:
        return None
    xy, seen = pose.pixel_xy(), pose.visibility >= MIN_VISIBILITY
    vectors = []
    for side in ("LEFT", "RIGHT"):
        hip = Landmark[f"{side}_HIP"]
        for foot in (Landmark[f"{side}_ANKLE"], Landmark[f"{side}_KNEE"]):
            if seen[hip] and seen[foot]:
                vectors.append(xy[hip] - xy[foot])
                break
    if not vectors:
        return None
    mean = np.mean(vectors, axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None


def legs_point(poses: Sequence[PoseFrame]) -> str | None:
    """Where the legs point from feet to hips in the picture: "up", "left", "down" or "right"; None if unclear."""
    seen = [p for p in poses if not p.is_empty]
    directions = [d for d in map(leg_up_direction, seen) if d is not None]
    if len(directions) < max(MIN_FRAMES, MIN_SHARE * len(seen)):
        return None
    mean = np.mean(directions, axis=0)
    if float(np.linalg.norm(mean)) < MIN_AGREEMENT:
        return None
    angle = float(np.degrees(np.arctan2(-mean[1], mean[0])))  # counter-clockwise from the right, y up
    for name, axis in (("right", 0.0), ("up", 90.0), ("left", 180.0), ("down", -90.0)):
        if abs((angle - axis + 180.0) % 360.0 - 180.0) <= AXIS_TOLERANCE:
            return name
    return None


def upright_turn(poses: Sequence[PoseFrame]) -> int | None:
    """The clockwise turn (90, 180, 270) that would stand the legs upright, 0 when they are, None if unclear."""
    direction = legs_point(poses)
    return None if direction is None else TURN_FOR[direction]

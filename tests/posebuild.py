"""Build PoseFrames by hand for tests: name the joints you need, the rest stay unseen."""

from __future__ import annotations

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark


def make_pose(
    image: dict[str, tuple[float, float]] | None = None,
    world: dict[str, tuple[float, float, float]] | None = None,
    *,
    size: tuple[int, int] = (1000, 1000),
    t_ms: int = 0,
) -> PoseFrame:
    """A PoseFrame with the given joints: ``image`` in pixels (y down), ``world`` in metres (y down, z away)."""
    xyz = np.zeros((NUM_LANDMARKS, 3))
    world_xyz = np.zeros((NUM_LANDMARKS, 3))
    visibility = np.zeros(NUM_LANDMARKS)
    for name, (x, y) in (image or {}).items():
        landmark = Landmark.from_name(name)
        xyz[landmark] = (x / size[0], y / size[1], 0.0)
        visibility[landmark] = 1.0
    for name, point in (world or {}).items():
        landmark = Landmark.from_name(name)
        world_xyz[landmark] = point
        visibility[landmark] = 1.0
    return PoseFrame(xyz, world_xyz, visibility, visibility.copy(), t_ms, size)

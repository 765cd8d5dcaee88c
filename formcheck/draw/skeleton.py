"""Drawing on frames with OpenCV: skeleton and labels. Annotators hold style; ``annotate`` does the work."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import SKELETON, Landmark

GOOD = (80, 200, 80)     # BGR
BAD = (60, 60, 230)
NEUTRAL = (230, 230, 230)


@dataclass(frozen=True)
class SkeletonAnnotator:
    """Draws the tracked body: bones as lines, joints as dots (only joints seen well enough)."""

    color: tuple[int, int, int] = NEUTRAL
    thickness: int = 2
    min_visibility: float = 0.5

    def annotate(self, scene: np.ndarray, pose: PoseFrame, mirror: bool = False) -> np.ndarray:
        """Draw ``pose`` on ``scene`` in place (mirrored horizontally if the scene is) and return it."""
        if pose.is_empty:
            return scene
        height, width = scene.shape[:2]
        xy = pose.xyz[:, :2] * np.array([width, height])
        if mirror:
            xy[:, 0] = width - xy[:, 0]
        seen = pose.visibility >= self.min_visibility
        scale = max(1, round(width / 640))
        for a, b in SKELETON:
            if seen[a] and seen[b]:
                cv2.line(scene, _pt(xy[a]), _pt(xy[b]), self.color, self.thickness * scale, cv2.LINE_AA)
        for landmark in Landmark:
            if seen[landmark] and landmark >= Landmark.LEFT_SHOULDER:
                cv2.circle(scene, _pt(xy[landmark]), 3 * scale, self.color, -1, cv2.LINE_AA)
        return scene


def _pt(p: np.ndarray) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))

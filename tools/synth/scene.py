"""Pinhole camera placed by view name, and automatic framing of the athlete."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tools.synth.geometry import Y, unit, vec

VIEW_YAW = {"front": 0.0, "side": 90.0, "three_quarter": 45.0}
# A camera at head height (a phone on a shelf) stays far enough back to look down at most this steeply: moving in
# to fill the frame with a lying body would otherwise put it overhead (75 degrees), where a bridge's height
# change is invisible and the view is no longer the side or 3/4 view the case is named for.
MAX_PITCH_DEG = 40.0


@dataclass(frozen=True)
class Camera:
    """Pinhole camera; ``rot`` rows are the camera's right, down and forward axes in world coordinates."""

    position: np.ndarray
    rot: np.ndarray
    focal_px: float
    width: int
    height: int

    @classmethod
    def look_at(cls, position: np.ndarray, target: np.ndarray, fov_deg: float, width: int, height: int) -> Camera:
        fwd = unit(target - position)
        right = unit(np.cross(fwd, Y))
        down = np.cross(fwd, right)
        focal = (height / 2) / math.tan(math.radians(fov_deg) / 2)
        return cls(position, np.stack([right, down, fwd]), focal, width, height)

    def scaled(self, factor: int) -> Camera:
        """Same camera at ``factor`` times the resolution."""
        return Camera(self.position, self.rot, self.focal_px * factor, self.width * factor, self.height * factor)

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N,3) world points -> ((N,2) pixel coordinates, (N,) depths)."""
        pc = (np.asarray(points, dtype=float) - self.position) @ self.rot.T
        z = pc[:, 2]
        uv = self.focal_px * pc[:, :2] / z[:, None] + np.array([self.width / 2, self.height / 2])
        return uv, z

    def rays(self) -> np.ndarray:
        """(H, W, 3) float32 unit ray directions through pixel centres."""
        u = (np.arange(self.width, dtype=np.float64) + 0.5 - self.width / 2) / self.focal_px
        v = (np.arange(self.height, dtype=np.float64) + 0.5 - self.height / 2) / self.focal_px
        d = (
            u[None, :, None] * self.rot[0][None, None, :]
            + v[:, None, None] * self.rot[1][None, None, :]
            + self.rot[2][None, None, :]
        )
        d /= np.linalg.norm(d, axis=2, keepdims=True)
        return d.astype(np.float32)


def camera_yaw(cfg, spec) -> float:  # (SynthConfig, ExerciseSpec); untyped to keep this module import-free
    """The camera's yaw in degrees for a config: ``yaw_deg`` if given, else from the view and camera side."""
    view = cfg.view or spec.view
    sign = 1.0 if cfg.camera_side == "left" else -1.0
    base = spec.three_quarter_yaw if view == "three_quarter" else VIEW_YAW[view]
    return cfg.yaw_deg if cfg.yaw_deg is not None else sign * base


def near_side(yaw_deg: float) -> str | None:
    """Which side of the athlete (facing +z, left = +x) faces a camera at this yaw."""
    s = math.sin(math.radians(yaw_deg))
    if abs(s) < 0.34:
        return None
    return "left" if s > 0 else "right"


def frame_camera(
    points: np.ndarray,
    yaw_deg: float,
    cam_height: float,
    fov_deg: float,
    width: int,
    height: int,
    fill: float,
    distance: float | None = None,
) -> Camera:
    """Camera at ``yaw`` around the athlete that fits ``points`` (N,3) into ``fill`` of the frame, looking down
    at most ``MAX_PITCH_DEG`` (farther back, the athlete then fills less of the frame)."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    target = (lo + hi) / 2
    dist = distance or 3.0
    direction = vec(math.sin(math.radians(yaw_deg)), 0.0, math.cos(math.radians(yaw_deg)))
    cam = None
    for _ in range(12):
        pos = target + dist * direction
        pos[1] = cam_height
        cam = Camera.look_at(pos, target, fov_deg, width, height)
        uv, z = cam.project(points)
        box_lo, box_hi = uv.min(axis=0), uv.max(axis=0)
        centre = (box_lo + box_hi) / 2 - np.array([width / 2, height / 2])
        depth = float(np.median(z))
        target = target + cam.rot[0] * centre[0] * depth / cam.focal_px + cam.rot[1] * centre[1] * depth / cam.focal_px
        if distance is None:
            ratio = max((box_hi[0] - box_lo[0]) / (width * fill), (box_hi[1] - box_lo[1]) / (height * fill))
            dist *= float(np.clip(ratio, 0.5, 2.0)) ** 0.9
            dist = max(dist, (cam_height - float(target[1])) / math.tan(math.radians(MAX_PITCH_DEG)))
    assert cam is not None
    return cam

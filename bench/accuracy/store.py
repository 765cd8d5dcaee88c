"""Stored poses: a clip's PoseFrames as one compressed ``.npz``.

Coordinates are kept to 1e-4 (normalized image units, or metres for the world landmarks: 0.06 px on a 640 px
frame, 0.1 mm), visibility and presence to 1e-4; frame timestamps exactly, in milliseconds. That is far below
MediaPipe's own frame-to-frame noise: a replay counts and judges what the live run counted and judged, rep for
rep, with measured angles within a few hundredths of a degree (``extract --verify`` checks it).

Each quantity is stored fixed-point, delta-coded along time, as byte planes (all high bytes, then all low bytes),
which deflate compresses about twice as well as float32 or float16.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.io.atomic import atomic_path
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS

FORMAT_VERSION = 1
STEP = 1e-4  # quantization step of coordinates (normalized units, metres) and of visibility / presence


@dataclass(frozen=True)
class StoredPoses:
    """The poses of one clip and what is needed to replay them like the live run."""

    poses: list[PoseFrame]
    fps: float
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.poses[-1].t + 1.0 / self.fps if self.poses else 0.0


def encode(values: np.ndarray) -> np.ndarray:
    """(F, ...) floats -> uint8 planes (bytes, F, ...) of the fixed-point deltas along the first axis."""
    q = np.round(np.asarray(values, dtype=np.float64) / STEP).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros_like(q[:1]))
    small = np.iinfo(np.int16)
    fits = deltas.size == 0 or (small.min <= deltas.min() and deltas.max() <= small.max)
    dtype = np.dtype("<i2") if fits else np.dtype("<i4")
    raw = deltas.astype(dtype).view(np.uint8).reshape(*deltas.shape, dtype.itemsize)
    return np.ascontiguousarray(np.moveaxis(raw, -1, 0)[::-1])  # most significant byte plane first


def decode(planes: np.ndarray) -> np.ndarray:
    """Inverse of :func:`encode` (float32)."""
    dtype = np.dtype("<i2") if planes.shape[0] == 2 else np.dtype("<i4")
    deltas = np.ascontiguousarray(np.moveaxis(planes[::-1], 0, -1)).view(dtype)[..., 0]
    return (np.cumsum(deltas, axis=0, dtype=np.int64) * STEP).astype(np.float32)


def save_poses(path: Path, poses: Sequence[PoseFrame], fps: float) -> None:
    """Write ``poses`` (all frames of one clip, in order) to ``path`` atomically.

    Frames with nobody in view are flagged in ``detected``; their arrays repeat the last detected frame (which
    keeps the deltas small) and load back as ``PoseFrame.empty``.
    """
    n = len(poses)
    detected = np.array([not p.is_empty for p in poses], dtype=bool)
    xyz = np.zeros((n, NUM_LANDMARKS, 3))
    world = np.zeros_like(xyz)
    vis = np.zeros((n, NUM_LANDMARKS))
    pres = np.zeros_like(vis)
    for i, pose in enumerate(poses):
        if detected[i]:
            xyz[i], world[i], vis[i], pres[i] = pose.xyz, pose.world_xyz, pose.visibility, pose.presence
        elif i:
            xyz[i], world[i], vis[i], pres[i] = xyz[i - 1], world[i - 1], vis[i - 1], pres[i - 1]
    width, height = poses[0].image_size if poses else (0, 0)
    stamps = np.array([p.timestamp_ms for p in poses], dtype=np.int64)
    with atomic_path(Path(path)) as tmp, open(tmp, "wb") as file:
        np.savez_compressed(
            file,
            format=np.int32(FORMAT_VERSION),
            fps=np.float64(fps),
            size=np.array([width, height], dtype=np.int32),
            timestamp_ms=np.diff(stamps, prepend=np.int64(0)).astype(np.int32),
            detected=detected,
            xyz=encode(xyz),
            world_xyz=encode(world),
            visibility=encode(vis),
            presence=encode(pres),
        )


def load_poses(path: Path) -> StoredPoses:
    """Read a file written by :func:`save_poses`."""
    with np.load(Path(path)) as data:
        if int(data["format"]) != FORMAT_VERSION:
            raise ValueError(f"{path}: stored poses format {int(data['format'])}, expected {FORMAT_VERSION}")
        fps = float(data["fps"])
        width, height = (int(v) for v in data["size"])
        stamps = np.cumsum(data["timestamp_ms"].astype(np.int64))
        detected = data["detected"]
        xyz, world = decode(data["xyz"]), decode(data["world_xyz"])
        vis, pres = decode(data["visibility"]), decode(data["presence"])
    size = (width, height)
    poses = [
        PoseFrame(xyz[i], world[i], vis[i], pres[i], int(stamps[i]), size)
        if detected[i]
        else PoseFrame.empty(int(stamps[i]), size)
        for i in range(len(stamps))
    ]
    return StoredPoses(poses, fps, width, height)

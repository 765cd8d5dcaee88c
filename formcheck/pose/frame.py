"""PoseFrame: one frame's body landmarks as immutable numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark


def _frozen(array: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    out = np.array(array, dtype=np.float32)
    if out.shape != shape:
        raise ValueError(f"PoseFrame.{name} must have shape {shape}, got {out.shape}")
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class PoseFrame:
    """Landmarks of the person in one video frame.

    ``xyz`` holds normalized image coordinates (x, y in [0, 1] of the image width and height, z relative
    depth on the x scale); ``world_xyz`` holds metres around the hip centre, y pointing down as in MediaPipe.
    A frame with nobody in view has NaN coordinates and zero visibility (see :meth:`empty`).
    """

    xyz: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    timestamp_ms: int
    image_size: tuple[int, int]  # (width, height) in pixels

    def __post_init__(self) -> None:
        n = NUM_LANDMARKS
        object.__setattr__(self, "xyz", _frozen(self.xyz, (n, 3), "xyz"))
        object.__setattr__(self, "world_xyz", _frozen(self.world_xyz, (n, 3), "world_xyz"))
        object.__setattr__(self, "visibility", _frozen(self.visibility, (n,), "visibility"))
        object.__setattr__(self, "presence", _frozen(self.presence, (n,), "presence"))

    @classmethod
    def empty(cls, timestamp_ms: int, image_size: tuple[int, int]) -> PoseFrame:
        """A frame in which nobody was detected."""
        nan3 = np.full((NUM_LANDMARKS, 3), np.nan)
        zeros = np.zeros(NUM_LANDMARKS)
        return cls(nan3, nan3, zeros, zeros, timestamp_ms, image_size)

    @property
    def is_empty(self) -> bool:
        """True when nobody was detected in this frame."""
        return bool(np.isnan(self.xyz[0, 0]))

    @property
    def t(self) -> float:
        """Timestamp in seconds."""
        return self.timestamp_ms / 1000.0

    def pixels(self, landmark: Landmark) -> np.ndarray:
        """Image position of a landmark in pixels (x, y), with y pointing down."""
        width, height = self.image_size
        return self.xyz[landmark, :2] * np.array([width, height], dtype=np.float32)

    def pixel_xy(self) -> np.ndarray:
        """All landmarks in pixels, shape (33, 2); square pixels make angles true to the image."""
        width, height = self.image_size
        return self.xyz[:, :2] * np.array([width, height], dtype=np.float32)

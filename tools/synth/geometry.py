"""Small vector helpers for the kinematic body model (metres, y up)."""

from __future__ import annotations

import math

import numpy as np

X = np.array([1.0, 0.0, 0.0])
Y = np.array([0.0, 1.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])


def vec(x: float, y: float, z: float) -> np.ndarray:
    """A 3-vector of floats."""
    return np.array([x, y, z], dtype=float)


def unit(v: np.ndarray) -> np.ndarray:
    """``v`` scaled to length 1 (unchanged if it is zero)."""
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v


def rot_x(deg: float) -> np.ndarray:
    """Rotation about the x axis by ``deg`` degrees (right-handed)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], dtype=float)


def rot_y(deg: float) -> np.ndarray:
    """Rotation about the y (vertical) axis by ``deg`` degrees (right-handed)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], dtype=float)


def frame_from(forward: np.ndarray, up_hint: np.ndarray) -> np.ndarray:
    """Orthonormal frame with columns (left, up, forward); ``forward`` is kept exactly."""
    f = unit(forward)
    left = unit(np.cross(up_hint, f))
    up = np.cross(f, left)
    return np.stack([left, up, f], axis=1)


def frame_up(up: np.ndarray, forward_hint: np.ndarray) -> np.ndarray:
    """Orthonormal frame with columns (left, up, forward); ``up`` is kept exactly."""
    u = unit(up)
    f = unit(forward_hint - np.dot(forward_hint, u) * u)
    left = np.cross(u, f)
    return np.stack([left, u, f], axis=1)


def lerp(a: np.ndarray | float, b: np.ndarray | float, w: float) -> np.ndarray | float:
    """Linear blend from ``a`` (w=0) to ``b`` (w=1)."""
    return a + (b - a) * w


def ease(w: float) -> float:
    """Smooth 0->1 ramp (cosine), clamped."""
    w = min(max(w, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * w)


def two_bone(
    root: np.ndarray, target: np.ndarray, len_a: float, len_b: float, pole: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Analytic two-bone IK: (middle joint, end joint) reaching toward ``target``.

    The middle joint bends toward ``pole`` (a direction); an unreachable target is approached in a
    straight line.
    """
    d = target - root
    dist = float(np.linalg.norm(d))
    axis = unit(d)
    dist = min(max(dist, abs(len_a - len_b) + 1e-4), (len_a + len_b) * 0.9999)
    end = root + axis * dist
    along = (len_a**2 - len_b**2 + dist**2) / (2 * dist)
    height = math.sqrt(max(len_a**2 - along**2, 0.0))
    side = pole - np.dot(pole, axis) * axis
    if np.linalg.norm(side) < 1e-9:
        side = np.cross(axis, X if abs(axis[0]) < 0.9 else Y)
    mid = root + axis * along + unit(side) * height
    return mid, end


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle ABC in degrees."""
    u, v = unit(a - b), unit(c - b)
    return math.degrees(math.acos(float(np.clip(np.dot(u, v), -1.0, 1.0))))

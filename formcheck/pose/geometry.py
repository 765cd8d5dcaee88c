"""Pure vector geometry used by the measures (degrees, numpy arrays, no pose knowledge)."""

from __future__ import annotations

import numpy as np

UP = np.array([0.0, 1.0, 0.0])


def angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """Angle between two vectors in degrees (0-180); NaN if either is zero."""
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if nu == 0.0 or nv == 0.0:
        return float("nan")
    cosine = float(np.dot(u, v)) / (nu * nv)
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


def joint_angle(a: np.ndarray, vertex: np.ndarray, c: np.ndarray) -> float:
    """Angle a-vertex-c in degrees: 180 when the three points lie on a straight line."""
    return angle_between(a - vertex, c - vertex)


def elevation(v: np.ndarray) -> float:
    """Angle of a vector above the horizontal plane in degrees (-90 down .. 90 up); y points up."""
    horizontal = float(np.hypot(v[0], v[2]))
    return float(np.degrees(np.arctan2(v[1], horizontal)))


def signed_distance_to_line(point: np.ndarray, a: np.ndarray, b: np.ndarray, up: np.ndarray = UP) -> float:
    """Distance of ``point`` from the line a-b, positive when the point lies on the ``up`` side."""
    direction = b - a
    norm = float(np.linalg.norm(direction))
    if norm == 0.0:
        return float("nan")
    direction = direction / norm
    offset = point - a
    perpendicular = offset - np.dot(offset, direction) * direction
    distance = float(np.linalg.norm(perpendicular))
    return distance if np.dot(perpendicular, up) >= 0 else -distance

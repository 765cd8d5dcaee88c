"""Numpy ray-caster: shaded capsules, ellipsoids and boxes over a floor and a back wall, with a soft shadow."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from tools.synth.geometry import Y, unit
from tools.synth.scene import Camera

Color = tuple[float, float, float]  # BGR, 0..1


@dataclass(frozen=True)
class Capsule:
    """Tapered capsule from ``a`` (radius ``ra``) to ``b`` (radius ``rb``)."""

    a: np.ndarray
    b: np.ndarray
    ra: float
    rb: float
    color: Color
    shadow: bool = True


@dataclass(frozen=True)
class Ellipsoid:
    """Ellipsoid with centre ``c``, axes as columns of ``axes`` and semi-axes ``radii``."""

    c: np.ndarray
    axes: np.ndarray
    radii: np.ndarray
    color: Color
    shadow: bool = True


@dataclass(frozen=True)
class Box:
    """Oriented box with centre ``c``, axes as columns of ``axes`` and half sizes ``half``."""

    c: np.ndarray
    axes: np.ndarray
    half: np.ndarray
    color: Color
    shadow: bool = False


Primitive = Capsule | Ellipsoid | Box


def hex_color(text: str) -> Color:
    """'#RRGGBB' -> BGR floats in 0..1."""
    h = text.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"colour must look like '#RRGGBB', got {text!r}")
    r, g, b = (int(h[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return (b, g, r)


def _bounds(prim: Primitive) -> list[tuple[np.ndarray, float]]:
    if isinstance(prim, Capsule):
        return [(prim.a, prim.ra), (prim.b, prim.rb)]
    if isinstance(prim, Ellipsoid):
        return [(prim.c, float(prim.radii.max()))]
    return [(prim.c, float(np.linalg.norm(prim.half)))]


def _hit_capsule(o: np.ndarray, d: np.ndarray, cap: Capsule) -> np.ndarray:
    axis = cap.b - cap.a
    length = max(float(np.linalg.norm(axis)), 1e-9)
    u = axis / length
    w0 = o - cap.a
    e = float(u @ w0)
    ww = float(w0 @ w0)
    dd = d @ w0
    b = d @ u
    denom = np.maximum(1.0 - b * b, 1e-6)
    t_line = (b * e - dd) / denom
    s_line = e + t_line * b
    dist2 = np.maximum(ww + t_line**2 + s_line**2 + 2 * t_line * dd - 2 * s_line * e - 2 * t_line * s_line * b, 0.0)
    r = cap.ra + (cap.rb - cap.ra) * np.clip(s_line, 0.0, length) / length
    inside = r * r - dist2
    t_cyl = t_line - np.sqrt(np.maximum(inside, 0.0) / denom)
    s_hit = e + t_cyl * b
    t = np.where((inside > 0) & (s_hit >= 0) & (s_hit <= length), t_cyl, np.inf)
    for t_c, cc, rad in ((-dd, ww, cap.ra), (length * b - dd, length * length - 2 * length * e + ww, cap.rb)):
        inside_s = rad * rad - (cc - t_c * t_c)
        t_s = np.where(inside_s > 0, t_c - np.sqrt(np.maximum(inside_s, 0.0)), np.inf)
        t = np.minimum(t, t_s)
    return t


def _hit_ellipsoid(o: np.ndarray, d: np.ndarray, el: Ellipsoid) -> np.ndarray:
    oc = ((o - el.c) @ el.axes) / el.radii
    dl = (d @ el.axes) / el.radii
    a = np.einsum("...i,...i->...", dl, dl)
    b = 2.0 * (dl @ oc)
    c = float(oc @ oc) - 1.0
    disc = b * b - 4 * a * c
    return np.where(disc > 0, (-b - np.sqrt(np.maximum(disc, 0.0))) / (2 * a), np.inf)


def _hit_box(o: np.ndarray, d: np.ndarray, bx: Box) -> np.ndarray:
    ol = (o - bx.c) @ bx.axes
    dl = d @ bx.axes
    dl = np.where(np.abs(dl) < 1e-9, 1e-9, dl)
    inv = 1.0 / dl
    t1 = (-bx.half - ol) * inv
    t2 = (bx.half - ol) * inv
    tnear = np.minimum(t1, t2).max(axis=-1)
    tfar = np.maximum(t1, t2).min(axis=-1)
    return np.where((tfar >= tnear) & (tnear > 0), tnear, np.inf)


def _normal(prim: Primitive, p: np.ndarray) -> np.ndarray:
    """Outward surface normals at points ``p`` (N,3) on a primitive (not normalized)."""
    if isinstance(prim, Capsule):
        axis = prim.b - prim.a
        length = max(float(np.linalg.norm(axis)), 1e-9)
        u = axis / length
        s = np.clip((p - prim.a) @ u, 0.0, length)
        return p - (prim.a + s[:, None] * u)
    if isinstance(prim, Ellipsoid):
        return (((p - prim.c) @ prim.axes) / prim.radii**2) @ prim.axes.T
    local = ((p - prim.c) @ prim.axes) / prim.half
    face = np.abs(local).argmax(axis=-1)
    nl = np.zeros_like(local)
    rows = np.arange(len(local))
    nl[rows, face] = np.sign(local[rows, face])
    return nl @ prim.axes.T


_HIT = {Capsule: _hit_capsule, Ellipsoid: _hit_ellipsoid, Box: _hit_box}


def _seg_dist_2d(px: np.ndarray, pz: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ax, az, bx_, bz = a[0], a[2], b[0], b[2]
    vx, vz = bx_ - ax, bz - az
    vv = vx * vx + vz * vz
    w = np.clip(((px - ax) * vx + (pz - az) * vz) / vv, 0.0, 1.0) if vv > 1e-12 else np.zeros_like(px)
    return np.hypot(px - (ax + w * vx), pz - (az + w * vz)), w


class Rasteriser:
    """Renders primitive lists for one fixed camera (the camera given at full supersampled resolution)."""

    def __init__(self, cam: Camera, out_size: tuple[int, int], wall: Color, floor: Color, wall_dist: float) -> None:
        self.cam = cam
        self.out_size = out_size
        self.rays = cam.rays()
        self.origin = cam.position.astype(np.float32)
        fwd_h = unit(np.array([cam.rot[2][0], 0.0, cam.rot[2][2]]))
        right = cam.rot[0]
        self.light = unit(-0.55 * cam.rot[2] + 0.85 * Y - 0.35 * right).astype(np.float32)
        self._background(fwd_h, wall, floor, wall_dist)

    def _background(self, fwd_h: np.ndarray, wall: Color, floor: Color, wall_dist: float) -> None:
        d = self.rays
        o = self.origin
        with np.errstate(divide="ignore", invalid="ignore"):
            t_floor = np.where(d[..., 1] < -1e-6, -o[1] / d[..., 1], np.inf)
            wall_point = self.cam.position + fwd_h * wall_dist
            denom = d @ fwd_h.astype(np.float32)
            t_wall = np.where(denom > 1e-6, ((wall_point - o) @ fwd_h) / denom, np.inf)
        is_floor = t_floor < t_wall
        t = np.minimum(t_floor, t_wall).astype(np.float32)
        p = o + np.where(np.isfinite(t), t, 0.0)[..., None] * d
        floor_c = np.array(floor, dtype=np.float32)
        wall_c = np.array(wall, dtype=np.float32)
        dist = np.hypot(p[..., 0] - o[0], p[..., 2] - o[2])
        plank = 1.0 + 0.035 * np.sign(np.sin(p[..., 0] * math.pi / 0.11 + 0.3 * np.floor(p[..., 2] / 1.3)))
        fl = floor_c * (np.clip(1.08 - 0.05 * dist, 0.7, 1.05) * plank)[..., None]
        height = p[..., 1]
        wl = wall_c * np.clip(0.88 + 0.05 * height, 0.85, 1.0)[..., None]
        wl = np.where((height < 0.09)[..., None], wall_c * 0.72, wl)
        self.bg = np.where(is_floor[..., None], fl, wl).astype(np.float32)
        self.bg_depth = np.where(np.isfinite(t), t, 1e6).astype(np.float32)
        self.floor_mask = is_floor
        self.floor_xz = np.stack([p[..., 0], p[..., 2]], axis=-1).astype(np.float32)

    def _window(self, prim: Primitive) -> tuple[int, int, int, int] | None:
        x0 = y0 = math.inf
        x1 = y1 = -math.inf
        for c, r in _bounds(prim):
            uv, z = self.cam.project(c[None, :])
            if z[0] <= r + 0.05:
                return 0, 0, self.cam.width, self.cam.height
            rad = self.cam.focal_px * r / math.sqrt(max(z[0] ** 2 - r * r, 1e-6)) + 2
            x0, x1 = min(x0, uv[0, 0] - rad), max(x1, uv[0, 0] + rad)
            y0, y1 = min(y0, uv[0, 1] - rad), max(y1, uv[0, 1] + rad)
        xi0, yi0 = max(int(x0), 0), max(int(y0), 0)
        xi1, yi1 = min(int(x1) + 1, self.cam.width), min(int(y1) + 1, self.cam.height)
        if xi0 >= xi1 or yi0 >= yi1:
            return None
        return xi0, yi0, xi1, yi1

    def _shadow(self, img: np.ndarray, prims: list[Primitive], step: int = 4) -> None:
        casters = []
        for prim in prims:
            if not prim.shadow:
                continue
            if isinstance(prim, Capsule):
                casters.append((prim.a, prim.b, (prim.ra + prim.rb) / 2))
            elif isinstance(prim, Ellipsoid):
                r = float(np.sort(prim.radii)[1:].mean())
                casters.append((prim.c, prim.c, r))
        if not casters:
            return
        pts = np.array([c for a, b, _ in casters for c in (a, b)])
        margin = 0.6
        lo, hi = pts.min(axis=0) - margin, pts.max(axis=0) + margin
        corners = np.array([[x, 0.0, z] for x in (lo[0], hi[0]) for z in (lo[2], hi[2])])
        uv, zc = self.cam.project(corners)
        if (zc <= 0).any():
            x0, y0, x1, y1 = 0, 0, self.cam.width, self.cam.height
        else:
            x0, y0 = np.floor(uv.min(axis=0)).astype(int)
            x1, y1 = np.ceil(uv.max(axis=0)).astype(int) + 1
            x0, y0 = max(x0, 0), max(y0, 0)
            x1, y1 = min(x1, self.cam.width), min(y1, self.cam.height)
        if x0 >= x1 or y0 >= y1:
            return
        xz = self.floor_xz[y0:y1:step, x0:x1:step]
        px, pz = xz[..., 0], xz[..., 1]
        light = np.ones(px.shape, dtype=np.float32)
        for a, b, r in casters:
            dist, w = _seg_dist_2d(px, pz, a, b)
            h = np.maximum(a[1] + (b[1] - a[1]) * w, 0.0)
            soft = 0.05 + 0.35 * h
            occ = np.clip((r + 0.5 * soft - dist) / soft, 0.0, 1.0) * (0.55 * np.exp(-h / 1.2))
            light *= 1.0 - occ
        light = cv2.resize(np.maximum(light, 0.3), (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
        region = img[y0:y1, x0:x1]
        mask = self.floor_mask[y0:y1, x0:x1]
        region[mask] *= light[mask][:, None]

    def _draw(self, img: np.ndarray, depth: np.ndarray, prim: Primitive) -> None:
        win = self._window(prim)
        if win is None:
            return
        x0, y0, x1, y1 = win
        o = self.origin
        d = self.rays[y0:y1, x0:x1]
        t = _HIT[type(prim)](o, d, prim)
        zbuf = depth[y0:y1, x0:x1]
        m = t < zbuf
        if not m.any():
            return
        tm = t[m]
        dm = d[m]
        nm = _normal(prim, o + tm[:, None] * dm)
        nm = nm / np.maximum(np.linalg.norm(nm, axis=-1, keepdims=True), 1e-9)
        lam = np.maximum(nm @ self.light, 0.0)
        facing = np.abs(np.einsum("ij,ij->i", nm, dm))
        half = self.light - dm
        half /= np.linalg.norm(half, axis=-1, keepdims=True)
        spec = np.maximum(np.einsum("ij,ij->i", nm, half), 0.0) ** 24
        sky = 0.5 + 0.5 * nm[:, 1]
        shade = (0.30 + 0.12 * sky + 0.62 * lam) * (0.78 + 0.22 * facing)
        col = np.array(prim.color, dtype=np.float32)[None, :] * shade[:, None] + 0.12 * spec[:, None]
        zbuf[m] = tm
        img[y0:y1, x0:x1][m] = col

    def add_static(self, prims: list[Primitive]) -> None:
        """Bake primitives that never move (bench, band anchor) into the background."""
        before = self.bg_depth.copy()
        for prim in prims:
            self._draw(self.bg, self.bg_depth, prim)
        self.floor_mask &= self.bg_depth >= before

    def render(self, prims: list[Primitive]) -> np.ndarray:
        """Draw ``prims`` over the background and return the BGR uint8 frame at output resolution."""
        img = self.bg.copy()
        depth = self.bg_depth.copy()
        self._shadow(img, prims)
        for prim in prims:
            self._draw(img, depth, prim)
        img = cv2.resize(img, self.out_size, interpolation=cv2.INTER_AREA)
        return np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)

"""Render a :class:`SynthConfig` to an MP4 plus its ground-truth JSON."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tools.synth.body import TRUTH_JOINT_NAMES, Skeleton, mirror, swap_side, truth_points
from tools.synth.config import SynthConfig
from tools.synth.figure import Appearance, build_figure, static_props
from tools.synth.poses import bench_centre_x
from tools.synth.render import Rasteriser, hex_color
from tools.synth.scene import Camera, camera_yaw, frame_camera, near_side
from tools.synth.timeline import Motion
from tools.synth.truth import build_truth, truth_path, write_truth


@dataclass
class Shot:
    """Everything needed to draw the frames of one config."""

    cfg: SynthConfig
    motion: Motion
    times: np.ndarray
    skeletons: list[Skeleton]
    joints_3d: np.ndarray
    camera: Camera
    view: str
    yaw_deg: float
    flipped: np.ndarray  # per frame: drawn mirrored (the camera moved to the other side for the second set)


def _extremities(sk: Skeleton, s: float) -> np.ndarray:
    """Points beyond the joints that must stay in frame: top of the head, hands with dumbbells."""
    pts = [sk.p["head"] + 0.14 * s * sk.head[:, 1], sk.p["head"] - 0.14 * s * sk.head[:, 1]]
    for side in ("left", "right"):
        wrist, elbow = sk.p[f"{side}_wrist"], sk.p[f"{side}_elbow"]
        pts.append(wrist + 0.14 * s * (wrist - elbow) / np.linalg.norm(wrist - elbow))
    return np.array(pts)


def plan(cfg: SynthConfig) -> Shot:
    """Pose every frame and place the camera (cheap; no rendering)."""
    motion = Motion(cfg)
    n = math.floor(motion.timeline.duration_s * cfg.fps + 1e-9)
    times = np.arange(n) / cfg.fps
    true_skeletons = [motion.skeleton(float(t)) for t in times]
    joints_3d = np.stack([truth_points(sk, motion.dims) for sk in true_skeletons])
    flipped = _second_side(motion, times)
    # The second side is drawn as the mirror image of the scene, then flipped back in the picture: as if the user
    # had moved the camera to the other side of the bench, so the working arm faces the camera in both sets
    # (unless ``fixed_camera``: then the working arm of the second side is the far arm).
    centre = bench_centre_x(motion.dims)
    skeletons = [mirror(sk, centre) if f else sk for sk, f in zip(true_skeletons, flipped, strict=True)]
    joints = np.stack([truth_points(sk, motion.dims) for sk in skeletons])
    view = cfg.view or motion.spec.view
    yaw = camera_yaw(cfg, motion.spec)
    leaving = (motion.timeline.events or {}).get("leave")
    framed = [i for i in range(len(skeletons)) if leaving is None or times[i] < leaving[0]]  # not the walk out
    framing = [np.concatenate([joints[i], _extremities(skeletons[i], motion.dims.s)]) for i in framed]
    pts = [np.concatenate(framing)]
    for kind, a, b in skeletons[0].props:
        if kind == "bench":
            pts.append(np.array([a + b * np.array([sx, 1, sz]) for sx in (-1, 1) for sz in (-1, 1)]))
    pts.append(np.array([[0.0, 0.0, 0.0]]) + pts[0].mean(axis=0) * np.array([1, 0, 1]))
    cam_h = cfg.camera_height_m if cfg.camera_height_m is not None else motion.spec.camera_height * motion.dims.s
    cam = frame_camera(np.concatenate(pts), yaw, cam_h, cfg.fov_deg, cfg.width, cfg.height, cfg.fill, cfg.distance_m)
    return Shot(cfg, motion, times, skeletons, joints_3d, cam, view, yaw, flipped)


def _second_side(motion: Motion, times: np.ndarray) -> np.ndarray:
    """Frames from the middle of the side switch on (none for exercises done with both arms, or a fixed camera)."""
    switches = [seg for seg in motion.timeline.segments if seg.kind == "switch"]
    if not switches or motion.cfg.fixed_camera:
        return np.zeros(len(times), dtype=bool)
    return times >= (switches[0].t0 + switches[0].t1) / 2


def _picture_joints(shot: Shot) -> np.ndarray:
    """Normalized 2D truth of every frame as it appears in the video (flipped frames mirrored back)."""
    cfg = shot.cfg
    drawn = np.stack([truth_points(sk, shot.motion.dims) for sk in shot.skeletons])
    uv, _ = shot.camera.project(drawn.reshape(-1, 3))
    j2d = (uv / np.array([cfg.width, cfg.height])).reshape(len(drawn), -1, 2)
    swap = [TRUTH_JOINT_NAMES.index(swap_side(name)) for name in TRUTH_JOINT_NAMES]
    j2d[shot.flipped] = j2d[shot.flipped][:, swap] * np.array([-1.0, 1.0]) + np.array([1.0, 0.0])
    return j2d


def rasteriser(shot: Shot) -> Rasteriser:
    """The ray-caster for a shot's camera."""
    cfg = shot.cfg
    cam = shot.camera
    target_dist = float(np.hypot(*(cam.position[[0, 2]] - shot.joints_3d.mean(axis=(0, 1))[[0, 2]])))
    rast = Rasteriser(
        cam.scaled(cfg.supersample),
        (cfg.width, cfg.height),
        hex_color(cfg.background),
        hex_color(cfg.floor),
        target_dist + 1.6,
    )
    rast.add_static(static_props(shot.skeletons[0]))
    return rast


def frames(shot: Shot, start: int = 0, stop: int | None = None):
    """Yield rendered BGR frames of a shot."""
    cfg = shot.cfg
    look = Appearance.from_hex(cfg.skin, cfg.shirt, cfg.shorts, cfg.hair, cfg.shoes)
    rast = rasteriser(shot)
    for sk, flip in zip(shot.skeletons[start:stop], shot.flipped[start:stop], strict=True):
        image = rast.render(build_figure(sk, shot.motion.dims, look))
        yield np.ascontiguousarray(image[:, ::-1]) if flip else image


def render(
    cfg: SynthConfig,
    out: Path,
    gzip_truth: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Render ``cfg`` to ``out`` (MP4) and write the truth next to it; returns the truth dict."""
    shot = plan(cfg)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp.mp4")
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), float(cfg.fps), (cfg.width, cfg.height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {out}")
    total = len(shot.skeletons)
    try:
        for i, img in enumerate(frames(shot)):
            writer.write(img)
            if progress:
                progress(i + 1, total)
    finally:
        writer.release()
    os.replace(tmp, out)
    j2d = _picture_joints(shot)
    truth = build_truth(cfg, shot.motion.timeline, out.name, shot.view, near_side(shot.yaw_deg), shot.joints_3d, j2d)
    path = truth_path(out)
    if gzip_truth:
        path = path.with_name(path.name + ".gz")
    write_truth(truth, path)
    return truth

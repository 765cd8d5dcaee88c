"""Measure how well MediaPipe (through formcheck's adapter) sees a synthetic video against its truth."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from formcheck.pose.landmarks import Landmark
from tools.synth.truth import load_truth, truth_path

NEAR_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")


@dataclass(frozen=True)
class CheckResult:
    """Detection rate and near-side landmark error (in torso lengths) over the checked frames."""

    frames: int
    detected: int
    mean_error: float  # mean over detected frames and near-side joints
    p95_error: float
    worst_joint: str
    per_joint: dict[str, float]  # mean error per joint
    per_joint_median: dict[str, float]

    @property
    def detection_rate(self) -> float:
        return self.detected / self.frames if self.frames else 0.0


def near_joint_names(near_side: str | None) -> list[str]:
    """Joints compared: the side facing the camera, or both sides for a front view."""
    sides = [near_side] if near_side else ["left", "right"]
    return [f"{s}_{j}" for s in sides for j in NEAR_JOINTS]


def video_frames(path: Path, step: int = 1) -> Iterator[tuple[int, np.ndarray]]:
    """(frame index, BGR frame) for every ``step``-th frame of a video."""
    cap = cv2.VideoCapture(str(path))
    try:
        i = 0
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if i % step == 0:
                yield i, frame
            i += 1
    finally:
        cap.release()


def evaluate(frames: Iterable[tuple[int, np.ndarray]], truth: dict, model_path: Path | str) -> CheckResult:
    """Run the pose estimator over ``(frame index, frame)`` pairs in order and compare with ``truth``."""
    from formcheck.perception.estimator import PoseEstimator

    names = truth["joint_names"]
    fps = truth["video"]["fps"]
    compare = near_joint_names(truth["near_side"])
    j2d = np.asarray(truth["joints_2d"], dtype=float)
    size = np.array([truth["video"]["width"], truth["video"]["height"]], dtype=float)
    idx = {n: names.index(n) for n in names}
    errors: list[np.ndarray] = []
    count = detected = 0
    with PoseEstimator(model_path) as est:
        for i, frame in frames:
            count += 1
            pf = est.detect(frame, round(i * 1000.0 / fps) + 1)
            if pf.is_empty:
                continue
            detected += 1
            t = j2d[i] * size
            torso = np.linalg.norm(
                (t[idx["left_shoulder"]] + t[idx["right_shoulder"]]) / 2
                - (t[idx["left_hip"]] + t[idx["right_hip"]]) / 2
            )
            est_px = np.asarray(pf.xyz)[:, :2] * size
            errs = [np.linalg.norm(est_px[Landmark.from_name(n)] - t[idx[n]]) / max(torso, 1e-6) for n in compare]
            errors.append(np.array(errs))
    if not errors:
        return CheckResult(count, 0, float("inf"), float("inf"), "", {}, {})
    e = np.stack(errors)
    per = {n: float(v) for n, v in zip(compare, e.mean(axis=0), strict=True)}
    med = {n: float(v) for n, v in zip(compare, np.median(e, axis=0), strict=True)}
    worst = max(per, key=lambda k: per[k])
    return CheckResult(count, detected, float(e.mean()), float(np.percentile(e, 95)), worst, per, med)


def evaluate_video(video: Path, model_path: Path | str, step: int = 3) -> CheckResult:
    """:func:`evaluate` on an MP4 and its truth file (plain or gzipped)."""
    path = truth_path(video)
    if not path.exists():
        path = path.with_name(path.name + ".gz")
    return evaluate(video_frames(video, step), load_truth(path), model_path)

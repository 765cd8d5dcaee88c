"""Benchmark videos: a source clip letterboxed to 640x480 at 30 fps and looped (ping-pong) to any length."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "sample_videos"
REALWORLD_DIR = REPO.parent / "shared" / "realworld"
WIDTH, HEIGHT, FPS = 640, 480, 30.0
MAX_SOURCE_FRAMES = 300  # frames kept in memory from the source clip (10 s at 30 fps)
# real clips to fall back on, in order of preference: (file, exercise)
REALWORLD_CLIPS = (
    ("hip_raise_b.mp4", "hip_raise"), ("seated_row_a.mp4", "seated_row"), ("hip_raise_a.mp4", "hip_raise"),
)  # fmt: skip


@dataclass(frozen=True)
class Clip:
    """A video to benchmark on and the exercise it shows."""

    path: Path
    exercise: str


def exercise_of(video: Path, exercise_ids: list[str]) -> str | None:
    """The exercise of a sample video: from its truth JSON ("exercise") or the longest id its name starts with."""
    truth = video.with_suffix(".json")
    if truth.is_file():
        try:
            named = json.loads(truth.read_text(encoding="utf-8")).get("exercise")
        except (OSError, ValueError, AttributeError):
            named = None
        if isinstance(named, str) and named in exercise_ids:
            return named
    matches = [ex for ex in exercise_ids if video.stem.startswith(ex)]
    return max(matches, key=len) if matches else None


def pick_source(exercise_ids: list[str], sample_dir: Path = SAMPLE_DIR, realworld_dir: Path = REALWORLD_DIR) -> Clip:
    """A sample video with a known exercise (good form preferred), else a real-world clip.

    Hidden files are skipped: they are videos still being rendered.
    """
    samples = [p for p in sample_dir.glob("*.mp4") if not p.name.startswith(".")] if sample_dir.is_dir() else []
    samples.sort(key=lambda p: ("good" not in p.stem, p.name))
    for video in samples:
        exercise = exercise_of(video, exercise_ids)
        if exercise is not None:
            return Clip(video, exercise)
    for name, exercise in REALWORLD_CLIPS:
        if (realworld_dir / name).is_file():
            return Clip(realworld_dir / name, exercise)
    raise FileNotFoundError(f"no sample video in {sample_dir} and no real-world clip in {realworld_dir}")


def letterbox(image: np.ndarray, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """Scale ``image`` to fit ``width`` x ``height`` without distortion, padding with black bars."""
    src_h, src_w = image.shape[:2]
    scale = min(width / src_w, height / src_h)
    new_w, new_h = max(1, round(src_w * scale)), max(1, round(src_h * scale))
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA)
    out = np.zeros((height, width, 3), dtype=np.uint8)
    top, left = (height - new_h) // 2, (width - new_w) // 2
    out[top : top + new_h, left : left + new_w] = resized
    return out


def pingpong_indices(count: int, total: int) -> list[int]:
    """Frame indices that play ``count`` frames forward, then backward, and so on, for ``total`` frames."""
    if count <= 0:
        raise ValueError("the source has no frames")
    if count == 1:
        return [0] * total
    period = 2 * count - 2
    return [i % period if i % period < count else period - i % period for i in range(total)]


def resample_indices(src_fps: float, src_count: int, fps: float = FPS) -> list[int]:
    """Indices of the source frames to show at ``fps`` (drops or repeats frames of other frame rates)."""
    duration = src_count / src_fps
    return [min(src_count - 1, int(i * src_fps / fps)) for i in range(max(1, round(duration * fps)))]


def load_frames(video: Path, limit: int = MAX_SOURCE_FRAMES) -> list[np.ndarray]:
    """The first frames of ``video`` at 30 fps, letterboxed to 640x480."""
    capture = cv2.VideoCapture(str(video))
    if not capture.isOpened():
        raise OSError(f"{video}: cannot be opened")
    src_fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    src_fps = src_fps if 0.5 < src_fps < 1000 else FPS
    raw: list[np.ndarray] = []
    while len(raw) < limit * max(1, round(src_fps / FPS)):
        ok, image = capture.read()
        if not ok or image is None:
            break
        raw.append(letterbox(image))
    capture.release()
    if not raw:
        raise OSError(f"{video}: no readable frames")
    return [raw[i] for i in resample_indices(src_fps, len(raw))][:limit]


def write_looped(frames: list[np.ndarray], seconds: float, path: Path) -> Path:
    """Write a 640x480 30 fps MP4 of ``seconds`` that plays ``frames`` back and forth; returns ``path``."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise OSError(f"{path}: OpenCV cannot write MP4 here")
    try:
        for index in pingpong_indices(len(frames), round(seconds * FPS)):
            writer.write(frames[index])
    finally:
        writer.release()
    return path


def looped_clip(frames: list[np.ndarray], seconds: float, folder: Path, tag: str) -> Path:
    """The looped video of ``seconds`` in ``folder``, written unless a complete one is already there."""
    path = folder / f"bench_{tag}_{round(seconds)}s.mp4"
    if path.is_file():
        capture = cv2.VideoCapture(str(path))
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        capture.release()
        if count == round(seconds * FPS):
            return path
    return write_looped(frames, seconds, path)

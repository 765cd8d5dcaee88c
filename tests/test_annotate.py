"""`analyze --annotate OUT.mp4`: every input frame comes out, with the skeleton and the overlay drawn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.analysis.coach import HudState
from formcheck.draw.hud import SKELETON_COLOR, HudAnnotator
from formcheck.io.writer import AnnotatedVideoWriter
from tests.conftest import REALWORLD

CLIP = REALWORLD / "hip_raise_a.mp4"    # 3 s, 640x480, one bridge


def frames_of(path: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        frames.append(image)
    capture.release()
    return frames


def near(image: np.ndarray, color: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    return np.all(np.abs(image.astype(int) - np.array(color)) <= tolerance, axis=2)


def test_writer_is_atomic_and_keeps_every_frame(tmp_path: Path) -> None:
    target = tmp_path / "out.mp4"
    with AnnotatedVideoWriter(target, 25.0) as writer:
        for i in range(12):
            writer.write(np.full((64, 80, 3), i * 20, np.uint8))
        assert not target.exists()                       # only a hidden temporary file so far
    assert len(frames_of(target)) == 12
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


def test_writer_leaves_nothing_when_the_analysis_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError), AnnotatedVideoWriter(target, 25.0) as writer:
        writer.write(np.zeros((64, 80, 3), np.uint8))
        raise RuntimeError("analysis failed")
    assert list(tmp_path.iterdir()) == []


def test_hud_draws_count_cue_and_countdown_where_it_says() -> None:
    from formcheck.analysis.coach import Advice

    scene = np.zeros((480, 640, 3), np.uint8)
    advice = Advice("hip_line", "Hips sagged", "fault")
    state = HudState("Hip raise", "2 reps", False, "hold 3", (), advice, ("hip_line",))
    HudAnnotator().annotate(scene, state)
    h, w = scene.shape[:2]
    assert scene[: h // 4, : w // 3].any()                     # rep panel, top left
    assert near(scene[h - h // 6:, :], (90, 90, 255), 30).sum() > 100   # the fault in the cue band, in red
    assert near(scene[: h // 3, w // 3: 2 * w // 3], (0, 215, 255), 30).sum() > 100   # amber countdown, top centre
    assert not scene[h // 3: 2 * h // 3, w // 3: 2 * w // 3].any()     # the middle stays free for the body


@pytest.mark.skipif(not CLIP.exists(), reason="needs ../shared/realworld/hip_raise_a.mp4")
def test_annotated_video_has_every_frame_and_the_overlay(tmp_path: Path) -> None:
    out, report = tmp_path / "annotated.mp4", tmp_path / "r.json"
    cmd = [sys.executable, "-m", "formcheck", "analyze", str(CLIP), "-e", "hip_raise", "-q",
           "--annotate", str(out), "--report", str(report)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    original, annotated = frames_of(CLIP), frames_of(out)
    assert len(annotated) == len(original) > 0
    assert annotated[0].shape == original[0].shape
    middle = len(original) // 2
    drawn = near(annotated[middle], SKELETON_COLOR) & ~near(original[middle], SKELETON_COLOR)
    assert drawn.sum() > 200                                          # the skeleton
    h, w = original[0].shape[:2]
    panel = (slice(h // 20, h // 6), slice(w // 6, w // 3))           # inside the rep panel, top left
    assert np.abs(annotated[middle][panel].astype(int) - original[middle][panel]).mean() > 20   # the panel

"""An hour-long set: the analysis layer and the video decoder keep memory flat.

MediaPipe over an hour of video is far too slow for CI, so the hour goes through ``SetAnalyzer`` as synthetic
poses (a bridge, lifted and lowered every few seconds), and the decoder is checked on a long, tiny video.
"""

from __future__ import annotations

import gc
import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis import SetAnalyzer
from formcheck.landmarks import NUM_LANDMARKS, Landmark
from formcheck.pose import PoseFrame
from formcheck.rules import find_exercise
from formcheck.video.source import VideoFileSource
from tests.media import ffmpeg, rss_bytes

FPS = 30
HOUR_FRAMES = 3600 * FPS
PERIOD_S = 8.0                 # one bridge every 8 s: 450 reps in the hour
BYTES_PER_FRAME_BOUND = 160    # what the per-frame log may keep (times and measures), with slack

_LEFT_RIGHT = [(lm, Landmark[lm.name.replace("LEFT_", "RIGHT_")]) for lm in Landmark if lm.name.startswith("LEFT_")]


def bridge_pose(t_s: float, *, present: bool = True) -> PoseFrame:
    """A person lying on their back seen from the side, hips lifted by a periodic amount (a hip raise)."""
    timestamp_ms = round(t_s * 1000)
    if not present:
        return PoseFrame.empty(timestamp_ms, (640, 360))
    phase = (t_s % PERIOD_S) / PERIOD_S
    lift = 0.5 - 0.5 * math.cos(2 * math.pi * min(1.0, phase / 0.6))  # up and down in 60% of the period
    hip_up = 0.14 * lift                                                # world metres
    joints = {  # (x, y) in metres, y down like MediaPipe, hips around the origin
        "SHOULDER": (-0.45, 0.0), "ELBOW": (-0.3, 0.02), "WRIST": (-0.1, 0.03), "HIP": (0.0, -hip_up),
        "KNEE": (0.35, -0.25), "ANKLE": (0.45, 0.05), "HEEL": (0.42, 0.07), "FOOT_INDEX": (0.55, 0.07),
    }  # fmt: skip
    world = np.zeros((NUM_LANDMARKS, 3))
    world[:] = (-0.6, 0.0, 0.0)  # head and face points
    for left, right in _LEFT_RIGHT:
        joint = next((xy for name, xy in joints.items() if left.name.endswith(name)), (-0.6, 0.0))
        world[left] = (joint[0], joint[1], 0.15)    # the left side nearer the camera...
        world[right] = (joint[0], joint[1], -0.15)  # ...and the right side behind it: a side view
    image = world.copy()
    image[:, 0] = 0.5 + world[:, 0] * 0.5           # normalised: 1 m is half the 640 px width
    image[:, 1] = 0.7 + world[:, 1] * 0.5 * 640 / 360
    image[:, 2] = world[:, 2]
    visibility = np.full(NUM_LANDMARKS, 0.95)
    return PoseFrame(image, world, visibility, visibility, timestamp_ms, (640, 360))


def test_synthetic_bridge_is_counted() -> None:
    """The synthetic motion is a real hip raise to the analyser (else the memory test would prove little)."""
    analyzer = SetAnalyzer(find_exercise("hip_raise"))
    for i in range(round(4 * PERIOD_S * FPS)):
        analyzer.update(bridge_pose(i / FPS))
    analyzer.finish()
    assert analyzer.view == "side"
    assert analyzer.rep_count >= 3


def _traced_growth(frames: range, analyzer: SetAnalyzer, present) -> int:  # noqa: ANN001
    gc.collect()
    before, _ = tracemalloc.get_traced_memory()
    for i in frames:
        analyzer.update(bridge_pose(i / FPS, present=present(i)))
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    return after - before


@pytest.mark.parametrize("absent_first_s", [0, 600], ids=["in_view", "absent_first_10_min"])
def test_an_hour_of_poses_keeps_memory_flat(absent_first_s: int) -> None:
    """An hour at 30 fps: memory grows by at most a small, fixed amount per frame (no frames are kept),
    also when nobody is in view for the first ten minutes (nothing piles up waiting to judge the view)."""
    analyzer = SetAnalyzer(find_exercise("hip_raise"))
    absent = absent_first_s * FPS

    def present(i: int) -> bool:
        return i >= absent

    tracemalloc.start()
    try:
        # the first 10 minutes and the last 50: the growth per frame must stay small in both
        first = _traced_growth(range(0, 600 * FPS), analyzer, present)
        rest = _traced_growth(range(600 * FPS, HOUR_FRAMES), analyzer, present)
    finally:
        tracemalloc.stop()
    analyzer.finish()
    assert analyzer.frames_seen == HOUR_FRAMES
    assert analyzer.rep_count >= 0.8 * (3600 - absent_first_s) / PERIOD_S
    assert first / (600 * FPS) < BYTES_PER_FRAME_BOUND, f"{first / (600 * FPS):.0f} bytes per frame"
    assert rest / (HOUR_FRAMES - 600 * FPS) < BYTES_PER_FRAME_BOUND, f"{rest / (HOUR_FRAMES - 600 * FPS):.0f} B/frame"


def test_decoding_a_long_video_does_not_accumulate(tmp_path: Path) -> None:
    """Ten minutes of tiny video decoded by VideoFileSource: resident memory stays flat after warm-up."""
    if rss_bytes() is None:
        pytest.skip("no /proc/self/statm here")
    video = tmp_path / "long.mp4"
    minutes = 10
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=96x64:rate={FPS}", "-t", str(minutes * 60),
           "-c:v", "libx264", "-preset", "ultrafast", "-g", "300", "-pix_fmt", "yuv420p", video)  # fmt: skip
    source = VideoFileSource(video)
    samples: dict[int, int] = {}
    count = 0
    for frame in source:
        count += 1
        if frame.index in (2000, 6000, 10000, 14000, 17990):
            gc.collect()
            samples[frame.index] = rss_bytes() or 0
    source.close()
    assert count == minutes * 60 * FPS
    assert source.problem is None
    growth = samples[17990] - samples[2000]
    assert growth < 8 * 2**20, f"resident memory grew {growth / 2**20:.1f} MiB while decoding"

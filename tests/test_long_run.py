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

from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.io.source import VideoFileSource
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.rules.loader import find_exercise
from tests.media import ffmpeg, rss_bytes

FPS = 30
HOUR_FRAMES = 3600 * FPS
PERIOD_S = 8.0                 # one bridge every 8 s: 450 reps in the hour
BYTES_PER_FRAME_BOUND = 400    # the per-frame log (time and measures) takes ~250 B; one kept PoseFrame ~1.6 kB

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


def _feed(analyzer: SetAnalyzer, frames: range, absent_until: int = 0) -> None:
    for i in frames:
        analyzer.update(bridge_pose(i / FPS, present=i >= absent_until))


def _traced_bytes_per_frame(analyzer: SetAnalyzer, frames: range, absent_until: int = 0) -> float:
    """Memory still allocated after feeding these frames, per frame (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        _feed(analyzer, frames, absent_until)
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return kept / len(frames)


@pytest.mark.slow  # minutes of work: an hour of frames
def test_an_hour_of_poses_keeps_memory_flat() -> None:
    """An hour at 30 fps through SetAnalyzer: no frames are kept, only a small fixed amount per frame.

    tracemalloc is exact but slows every allocation, so it watches minutes 5 to 10; resident memory (cheap)
    watches the other 50 minutes.
    """
    analyzer = SetAnalyzer(find_exercise("hip_raise"))
    _feed(analyzer, range(0, 300 * FPS))
    per_frame = _traced_bytes_per_frame(analyzer, range(300 * FPS, 600 * FPS))
    assert per_frame < BYTES_PER_FRAME_BOUND, f"{per_frame:.0f} bytes kept per frame"
    gc.collect()
    rss_before = rss_bytes()
    _feed(analyzer, range(600 * FPS, HOUR_FRAMES))
    gc.collect()
    rss_after = rss_bytes()
    analyzer.finish()
    assert analyzer.frames_seen == HOUR_FRAMES
    assert analyzer.rep_count >= 0.9 * 3600 / PERIOD_S  # the whole hour was analysed, rep after rep
    if rss_before is not None and rss_after is not None:
        per_frame_rss = (rss_after - rss_before) / (HOUR_FRAMES - 600 * FPS)
        assert per_frame_rss < 2 * BYTES_PER_FRAME_BOUND, f"resident memory grew {per_frame_rss:.0f} B/frame"


def test_ten_minutes_with_nobody_in_view_keeps_no_frames() -> None:
    """Nobody in view for 10 minutes, then a person: nothing piles up while waiting to judge the camera view."""
    analyzer = SetAnalyzer(find_exercise("hip_raise"))
    absent = 600 * FPS
    per_frame = _traced_bytes_per_frame(analyzer, range(0, absent), absent_until=absent)
    assert per_frame < BYTES_PER_FRAME_BOUND, f"{per_frame:.0f} bytes kept per frame with nobody in view"
    _feed(analyzer, range(absent, absent + round(3 * PERIOD_S * FPS)), absent_until=absent)
    analyzer.finish()
    assert analyzer.view == "side"
    assert analyzer.rep_count >= 2
    assert analyzer.frames_with_person == round(3 * PERIOD_S * FPS)


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

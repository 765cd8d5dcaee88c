"""The benchmark's pure helpers and its subprocess plumbing (no timed assertions: numbers are only printed)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench import media, run
from bench.stats import Target, growth_mb, median, percentile, ratio, realtime_multiple, verdict
from tests.media import REALWORLD


def test_median_and_percentile_follow_their_definitions() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert math.isnan(median([]))
    values = list(range(101))
    assert percentile(values, 95) == 95
    assert percentile([10.0, 20.0], 50) == 15.0
    assert percentile([7.0], 95) == 7.0
    assert percentile(values, 0) == 0 and percentile(values, 100) == 100
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_ratios_and_targets() -> None:
    assert ratio(11.0, 10.0) == pytest.approx(1.1)
    assert realtime_multiple(60.0, 30.0) == 2.0
    with pytest.raises(ValueError):
        ratio(1.0, 0.0)
    with pytest.raises(ValueError):
        realtime_multiple(1.0, 0.0)
    at_most, at_least = Target(1.1), Target(1.5, at_most=False)
    assert at_most.met(1.1) and not at_most.met(1.11)
    assert at_least.met(1.5) and not at_least.met(1.49)
    assert at_most.met(None) is None and at_most.met(math.nan) is None
    assert at_most.describe("x") == "<= 1.1x" and at_least.describe(" MB") == ">= 1.5 MB"
    assert [verdict(v) for v in (True, False, None)] == ["met", "MISSED", "n/a"]
    assert growth_mb(300.0, 310.5) == 10.5


def test_pingpong_plays_forward_then_back_without_repeating_the_ends() -> None:
    assert media.pingpong_indices(3, 8) == [0, 1, 2, 1, 0, 1, 2, 1]
    assert media.pingpong_indices(1, 3) == [0, 0, 0]
    with pytest.raises(ValueError):
        media.pingpong_indices(0, 3)


def test_resampling_to_30_fps() -> None:
    assert media.resample_indices(60.0, 6) == [0, 2, 4]
    assert media.resample_indices(30.0, 4) == [0, 1, 2, 3]
    assert media.resample_indices(10.0, 2) == [0, 0, 0, 1, 1, 1]


def test_letterbox_keeps_the_aspect_ratio_inside_black_bars() -> None:
    wide = np.full((90, 160, 3), 200, dtype=np.uint8)
    boxed = media.letterbox(wide)
    assert boxed.shape == (480, 640, 3)
    assert boxed[0].max() == 0 and boxed[-1].max() == 0  # bars above and below
    assert boxed[240, :, 0].min() == 200  # the picture spans the full width
    rows_with_picture = np.flatnonzero(boxed[:, 320, 0])
    assert len(rows_with_picture) == 360


def test_exercise_of_reads_the_truth_file_then_the_name(tmp_path: Path) -> None:
    ids = ["hip_raise", "seated_row", "one_arm_row"]
    (tmp_path / "clip.json").write_text(json.dumps({"exercise": "seated_row"}))
    assert media.exercise_of(tmp_path / "clip.mp4", ids) == "seated_row"
    assert media.exercise_of(tmp_path / "hip_raise_good.mp4", ids) == "hip_raise"
    assert media.exercise_of(tmp_path / "squat.mp4", ids) is None


def test_pick_source_prefers_good_form_samples_and_falls_back_to_real_clips(tmp_path: Path) -> None:
    samples, real = tmp_path / "samples", tmp_path / "real"
    samples.mkdir()
    real.mkdir()
    with pytest.raises(FileNotFoundError):
        media.pick_source(["hip_raise"], samples, real)
    (real / "seated_row_a.mp4").write_bytes(b"x")
    assert media.pick_source(["hip_raise"], samples, real) == media.Clip(real / "seated_row_a.mp4", "seated_row")
    for name in ("hip_raise_faults.mp4", "hip_raise_good.mp4", "unknown.mp4", ".good.mp4"):
        (samples / name).write_bytes(b"x")
    (samples / ".good.json").write_text(json.dumps({"exercise": "hip_raise"}))  # hidden: still being rendered
    assert media.pick_source(["hip_raise"], samples, real) == media.Clip(samples / "hip_raise_good.mp4", "hip_raise")


def test_looped_clip_has_the_asked_length_and_is_reused(tmp_path: Path) -> None:
    frames = [np.full((480, 640, 3), 40 * i, dtype=np.uint8) for i in range(4)]
    path = media.looped_clip(frames, 0.5, tmp_path, "t")
    capture = cv2.VideoCapture(str(path))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 15
    assert (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (640, 480)
    capture.release()
    stamp = path.stat().st_mtime_ns
    assert media.looped_clip(frames, 0.5, tmp_path, "t") == path and path.stat().st_mtime_ns == stamp


def test_quick_settings_shrink_every_length() -> None:
    full, quick = run.parse_args([]), run.parse_args(["--quick"])
    assert quick.long_minutes < full.long_minutes and quick.overhead_seconds < full.overhead_seconds
    assert run.parse_args(["--only", "memory"]).only == ["memory"]


def test_table_renders_every_row() -> None:
    from rich.console import Console

    rows = [run.Row("a", "overhead", 1.05, "x", "<= 1.1x", True), run.Row("b", "lite", None, "x", "-", None, "why")]
    console = Console(width=120, record=True)
    run.render(rows, console)
    text = console.export_text()
    assert "1.05 x" in text and "met" in text and "why" in text and "n/a" in text


@pytest.mark.skipif(not (REALWORLD / "hip_raise_a.mp4").is_file(), reason="../shared/realworld is absent")
def test_analyze_child_reports_frames_and_peak_memory(tmp_path: Path) -> None:
    frames = media.load_frames(REALWORLD / "hip_raise_a.mp4", limit=20)
    video = media.looped_clip(frames, 1.0, tmp_path, "hip_raise_a")
    report = tmp_path / "r.json"
    done = run.run_child(
        "analyze", {"video": str(video), "exercise": "hip_raise", "reports": [str(report)], "stride": 3}
    )
    assert done.result["frames"] == 30
    assert json.loads(report.read_text())["source"]["frames"] == 30
    assert done.maxrss_mb >= done.result["peak_rss_mb"] * 0.9 > 50
    with pytest.raises(run.ChildFailed):
        run.run_child("analyze", {"video": str(tmp_path / "missing.mp4"), "exercise": "hip_raise", "reports": []})

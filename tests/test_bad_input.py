"""Bad and unusual video files: a clear one-line error with exit code 2, or a correct analysis (exit 0).

Every case runs the real command line (`python -m formcheck analyze ...`) on media built on the fly.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from formcheck.errors import EXIT_BAD_INPUT, EXIT_NO_PERSON, EXIT_OK
from formcheck.io.source import VideoFileSource
from tests.media import (
    H264,
    assert_clean_error,
    cut,
    ffmpeg,
    one_line,
    read_frames,
    real_clip,
    rotated_by_metadata,
    run_formcheck,
    truncated,
    variable_frame_rate,
    vfr_expected_times_ms,
    wall,
    write_frames,
)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad_input")


@pytest.fixture(scope="module")
def bridge(media: Path) -> Path:
    """Two seconds of a real hip raise, 320 px wide, with the index at the front (faststart)."""
    src = real_clip("hip_raise_a.mp4")
    out = media / "bridge.mp4"
    ffmpeg("-t", "2", "-i", src, "-vf", "scale=320:-2", *H264, "-movflags", "+faststart", out)
    return out


def analyze(video: Path | str, tmp_path: Path, *extra: str, exercise: str = "hip_raise") -> tuple[Any, Path]:
    report = tmp_path / "report.json"
    proc = run_formcheck("analyze", video, "-e", exercise, "-q", "--report", report, *extra)
    return proc, report


def load(report: Path) -> dict:
    return json.loads(report.read_text(encoding="utf-8"))


# -- files that are not videos -------------------------------------------------------------------------
def test_missing_path(tmp_path: Path) -> None:
    proc, report = analyze(tmp_path / "nope.mp4", tmp_path)
    assert_clean_error(proc, EXIT_BAD_INPUT, "nope.mp4", "no such file")
    assert not report.exists()


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    proc, report = analyze(folder, tmp_path)
    assert_clean_error(proc, EXIT_BAD_INPUT, "clips", "directory")
    assert not report.exists()


def test_empty_file(tmp_path: Path) -> None:
    video = tmp_path / "empty.mp4"
    video.write_bytes(b"")
    proc, _ = analyze(video, tmp_path)
    assert_clean_error(proc, EXIT_BAD_INPUT, "empty.mp4", "empty")


def test_text_file_renamed_mp4(tmp_path: Path) -> None:
    video = tmp_path / "notes.mp4"
    video.write_text("shopping list: eggs, milk\n" * 20, encoding="utf-8")
    proc, report = analyze(video, tmp_path)
    assert_clean_error(proc, EXIT_BAD_INPUT, "notes.mp4", "not a readable video")
    assert not report.exists()


def test_zero_frame_video(tmp_path: Path) -> None:
    video = tmp_path / "zero.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=320x240:r=30", "-frames:v", "0", *H264, video)
    assert video.stat().st_size > 0
    proc, _ = analyze(video, tmp_path)
    assert_clean_error(proc, EXIT_BAD_INPUT, "zero.mp4")


def test_truncated_mp4_with_index_at_the_end(media: Path, bridge: Path, tmp_path: Path) -> None:
    """Cut half way, a file whose index (moov) was to come at the end cannot be read at all."""
    whole = cut(bridge, media / "moov_at_end.mp4")  # ffmpeg's default: index last
    video = truncated(whole, tmp_path / "half.mp4")
    proc, report = analyze(video, tmp_path)
    assert_clean_error(proc, EXIT_BAD_INPUT, "half.mp4", "not a readable video")
    assert not report.exists()


def test_truncated_mp4_with_index_first_is_analysed_up_to_the_cut(bridge: Path, tmp_path: Path) -> None:
    """With the index first, the frames before the cut are analysed; the report says the video stops early."""
    total = sum(1 for _ in read_frames(bridge))
    video = truncated(bridge, tmp_path / "half.mp4")
    proc, report = analyze(video, tmp_path)
    line = one_line(proc.stderr)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert "warning" in line and "stops early" in line
    data = load(report)
    assert 0 < data["source"]["frames"] < 0.8 * total
    assert data["complete"] is False
    assert "stops early" in data["interruption"]


# -- unusual but valid videos --------------------------------------------------------------------------
def test_one_frame_of_a_wall(tmp_path: Path) -> None:
    video = write_frames(tmp_path / "one.mp4", [wall(320, 240)])
    proc, report = analyze(video, tmp_path)
    assert_clean_error(proc, EXIT_NO_PERSON, "nobody")
    data = load(report)
    assert data["source"]["frames"] == 1 and data["rep_count"] == 0


def test_one_frame_of_a_person(bridge: Path, tmp_path: Path) -> None:
    first = next(read_frames(bridge))
    video = write_frames(tmp_path / "one.mp4", [first])
    proc, report = analyze(video, tmp_path)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert "Traceback" not in proc.stderr
    data = load(report)
    assert data["source"]["frames"] == 1
    assert data["person"]["frames_with_person"] == 1
    assert data["rep_count"] == 0 and data["findings"] == []


def test_4k_video(media: Path, tmp_path: Path) -> None:
    """Two seconds of a real clip upscaled to 3840x2160: analysed at full size like any other."""
    src = real_clip("hip_raise_a.mp4")
    video = media / "uhd.mp4"
    ffmpeg("-t", "2", "-i", src, "-vf", "scale=3840:2160", *H264, "-crf", "35", video)
    proc, report = analyze(video, tmp_path)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert "Traceback" not in proc.stderr
    data = load(report)
    assert (data["source"]["width"], data["source"]["height"]) == (3840, 2160)
    assert data["source"]["frames"] == 60
    assert data["person"]["detected_fraction"] > 0.9
    assert data["camera"]["view"] == "side"


def test_variable_frame_rate_timestamps_follow_the_container(media: Path, bridge: Path, tmp_path: Path) -> None:
    """Frame gaps alternate 1/60 s and 1/15 s: timestamps are the real presentation times, not index / fps."""
    video = variable_frame_rate(bridge, media / "vfr.mp4")
    source = VideoFileSource(video)
    stamps = [frame.timestamp_ms for frame in source]
    expected = vfr_expected_times_ms(len(stamps))
    assert len(stamps) == 60
    assert np.all(np.diff(stamps) > 0)
    assert np.max(np.abs(np.array(stamps) - np.array(expected))) <= 1.0
    proc, report = analyze(video, tmp_path)
    assert proc.returncode == EXIT_OK, proc.stderr
    data = load(report)
    assert data["source"]["frames"] == 60
    assert data["source"]["duration_s"] == pytest.approx(expected[-1] / 1000, abs=0.1)
    assert data["person"]["detected_fraction"] > 0.9


@pytest.fixture(scope="module")
def portrait(media: Path) -> Path:
    """Two seconds of the portrait two-person clip (people standing), 240 px wide."""
    return cut(real_clip("row_two_people_handheld.mp4"), media / "portrait.mp4", duration_s=2, width=240)


def test_rotated_phone_video_frames_come_out_upright(media: Path, portrait: Path) -> None:
    """Stored sideways with a rotation in its metadata: VideoFileSource delivers what a player shows."""
    video = rotated_by_metadata(portrait, media / "rotated.mp4")
    source = VideoFileSource(video)
    frames = [frame.image for frame in source]
    originals = list(read_frames(portrait))
    assert len(frames) == len(originals)
    assert frames[0].shape == originals[0].shape  # portrait, not landscape
    assert frames[0].shape[0] > frames[0].shape[1]
    for got, want in zip(frames[::10], originals[::10], strict=False):
        error = np.abs(got.astype(np.int16) - want.astype(np.int16)).mean()
        turned = np.abs(np.rot90(got, 2).astype(np.int16) - want.astype(np.int16)).mean()
        assert error < 6 < turned, (error, turned)


def test_rotated_phone_video_is_analysed_with_the_person_upright(media: Path, portrait: Path, tmp_path: Path) -> None:
    video = rotated_by_metadata(portrait, media / "rotated2.mp4")
    landmarks = tmp_path / "landmarks.csv"
    proc, report = analyze(video, tmp_path, "--landmarks", str(landmarks), exercise="seated_row")
    assert proc.returncode == EXIT_OK, proc.stderr
    data = load(report)
    assert data["source"]["width"] < data["source"]["height"]
    with open(landmarks, newline="", encoding="utf-8") as file:
        rows = [r for r in csv.DictReader(file) if r["nose_y"]]
    assert len(rows) > 0.8 * data["source"]["frames"]
    upright = [float(r["nose_y"]) < (float(r["left_hip_y"]) + float(r["right_hip_y"])) / 2 for r in rows]
    assert np.mean(upright) > 0.9  # head above hips: the person stands upright in the analysed frames


# -- the command line itself ---------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["--help"], ["analyze", "--help"]])
def test_help_documents_exit_codes(args: list[str]) -> None:
    proc = run_formcheck(*args)
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    for code in ("0 done", "2 bad input", "3 nobody in view", "130 interrupted"):
        assert code in text, code


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["analyze", "x.mp4", "--bogus"], "--bogus"),
        (["analyze"], "video"),
        (["analyze", "x.mp4", "-e", "push_up"], "unknown exercise"),
        (["analyze", "x.mp4", "-e", "hip_raise", "--report", "r.docx"], "unknown report format"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], fragment: str) -> None:
    proc = run_formcheck(*args)
    assert_clean_error(proc, EXIT_BAD_INPUT, fragment)

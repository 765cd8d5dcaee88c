"""`--annotate` writes H.264 MP4 that a web browser plays (issue 19, item 4); mp4v only as a warned fallback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.io.writer import H264, MP4V, AnnotatedVideoWriter
from tests.browser import ARTIFACTS, chromium_or_skip, play_video
from tests.media import cut, ffmpeg_exe, read_frames, run_formcheck

SAMPLE = Path(__file__).resolve().parent.parent / "sample_videos" / "hip_raise_good.mp4"


def halves(width: int, height: int) -> np.ndarray:
    """A frame whose left half is white and right half black: easy to recognise after decoding."""
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 2] = 255
    return image


def write_halves(path: Path, frames: int = 30, size: tuple[int, int] = (320, 240), fps: float = 25.0,
                 warnings: list[str] | None = None) -> AnnotatedVideoWriter:  # fmt: skip
    with AnnotatedVideoWriter(path, fps, warn=(warnings if warnings is not None else []).append) as writer:
        for _ in range(frames):
            writer.write(halves(*size))
    return writer


def codec_of(video: Path) -> str:
    """The video codec ffmpeg reports for the file's first stream (e.g. "h264", "mpeg4")."""
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(video)], capture_output=True, text=True)
    line = next(line for line in done.stderr.splitlines() if "Video:" in line)
    return line.split("Video:")[1].split()[0].strip(",")


def test_the_annotated_video_is_h264_and_keeps_every_frame(tmp_path: Path) -> None:
    warnings: list[str] = []
    writer = write_halves(tmp_path / "out.mp4", frames=37, warnings=warnings)
    assert writer.codec == H264 and warnings == []
    assert codec_of(tmp_path / "out.mp4") == "h264"
    frames = list(read_frames(tmp_path / "out.mp4"))
    assert len(frames) == 37 and frames[0].shape == (240, 320, 3)
    assert frames[10][:, :150].mean() > 200 and frames[10][:, 170:].mean() < 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]  # no temporary file left


def test_odd_frame_sizes_are_padded_to_even_for_h264(tmp_path: Path) -> None:
    write_halves(tmp_path / "odd.mp4", frames=5, size=(321, 241))
    frames = list(read_frames(tmp_path / "odd.mp4"))
    assert len(frames) == 5 and frames[0].shape == (242, 322, 3)  # one black row and column added


def test_the_annotated_video_plays_in_chromium(tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    video = tmp_path / "annotated.mp4"
    write_halves(video, frames=50)
    state = play_video(chromium, video, tmp_path, at_s=0.8)
    assert state["state"] == "playing", state
    assert (state["width"], state["height"]) == (320, 240)
    assert state["time"] >= 0.8 and state["duration"] == pytest.approx(2.0, abs=0.05)
    assert state["left"] > 200 and state["right"] < 50, "the decoded picture is the one written"


def test_without_an_h264_encoder_it_falls_back_to_mp4v_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", "/bin/false")  # an "ffmpeg" that cannot encode anything
    warnings: list[str] = []
    writer = write_halves(tmp_path / "out.mp4", frames=12, warnings=warnings)
    assert writer.codec == MP4V
    assert len(warnings) == 1 and "no H.264 encoder" in warnings[0] and "mp4v" in warnings[0]
    assert len(list(read_frames(tmp_path / "out.mp4"))) == 12


def test_chromium_refuses_mp4v_so_the_play_test_can_fail(tmp_path: Path) -> None:
    """The check itself works: the MPEG-4 Part 2 file that formcheck used to write does not play."""
    chromium = chromium_or_skip()
    video = tmp_path / "old.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 25.0, (320, 240))
    for _ in range(50):
        writer.write(halves(320, 240))
    writer.release()
    state = play_video(chromium, video, tmp_path)
    assert state["state"] == "error" and state["code"] == 4, state  # MEDIA_ERR_SRC_NOT_SUPPORTED


@pytest.mark.slow
def test_analyze_annotate_output_plays_in_chromium(tmp_path: Path) -> None:
    """End to end: `analyze --annotate` on 8 s of a sample; the file is H.264 and plays (screenshot in
    tests/artifacts)."""
    chromium = chromium_or_skip()
    clip, video = cut(SAMPLE, tmp_path / "clip.mp4", start_s=10.0, duration_s=8.0), tmp_path / "annotated.mp4"
    done = run_formcheck("analyze", clip, "-e", "hip_raise", "-q", "--annotate", video)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    assert codec_of(video) == "h264"
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "annotated_video_chromium.png"
    state = play_video(chromium, video, tmp_path, at_s=4.0, png=png)
    assert state["state"] == "playing", state
    capture = cv2.VideoCapture(str(SAMPLE))
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    capture.release()
    assert (state["width"], state["height"]) == size
    shot = cv2.imread(str(png))
    assert shot is not None and float(shot.std()) > 20, "the screenshot shows the video, not a blank page"

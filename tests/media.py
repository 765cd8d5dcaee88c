"""Test helpers: build test media on the fly into tmp dirs, and run the `formcheck` command line.

Nothing here is committed media: clips are cut, scaled, spliced and re-encoded from the real clips in
`../shared/realworld/` (tests skip when they are absent) or drawn from scratch, at low resolution.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
REALWORLD = REPO.parent / "shared" / "realworld"
CLI_TIMEOUT_S = 300


# -- the command line ---------------------------------------------------------------------------------
def run_formcheck(*args: str | Path, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """Run `python -m formcheck ARGS` in a clean environment and capture its output."""
    env = {k: v for k, v in os.environ.items() if k != "FORMCHECK_DEBUG"}
    env.setdefault("COLUMNS", "80")
    return subprocess.run(
        [sys.executable, "-m", "formcheck", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def ctrl_c_as_in_a_terminal() -> None:
    """For a child process (``preexec_fn``): Ctrl-C handled by default, as in a terminal.

    A test run started as a background job (``cmd &``, as CI scripts may) inherits SIGINT ignored, and so would
    every formcheck it starts: the Ctrl-C tests would then test nothing.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen_formcheck(*args: str | Path) -> subprocess.Popen[str]:
    """Start `python -m formcheck ARGS` without waiting (for signals)."""
    env = {k: v for k, v in os.environ.items() if k != "FORMCHECK_DEBUG"}
    return subprocess.Popen(
        [sys.executable, "-m", "formcheck", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO, stdin=subprocess.DEVNULL,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )  # fmt: skip


def one_line(stderr: str) -> str:
    """Assert stderr is exactly one non-empty line with no traceback, and return it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{stderr}"
    return lines[0]


def assert_clean_error(proc: subprocess.CompletedProcess[str], exit_code: int, *fragments: str) -> str:
    """Assert the exit code and a one-line error that contains every fragment (case-insensitive)."""
    line = one_line(proc.stderr)
    assert proc.returncode == exit_code, f"exit {proc.returncode}, stderr: {proc.stderr}"
    for fragment in fragments:
        assert fragment.lower() in line.lower(), f"{fragment!r} not in {line!r}"
    return line


# -- media sources ------------------------------------------------------------------------------------
def real_clip(name: str) -> Path:
    """A real clip of `../shared/realworld/`; skips the test when it is absent."""
    path = REALWORLD / name
    if not path.is_file():
        pytest.skip(f"real clip {name} not available ({REALWORLD})")
    return path


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped by the imageio-ffmpeg package; skips when it is not installed."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg(*args: str | Path) -> None:
    """Run ffmpeg quietly, failing loudly on error."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *map(str, args)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {' '.join(cmd)}\n{done.stderr}")


H264 = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-an")


def cut(src: Path, dst: Path, *, start_s: float = 0.0, duration_s: float | None = None,
        width: int = -2, height: int = -2, fps: float | None = None) -> Path:  # fmt: skip
    """A part of a clip, scaled (-2 keeps the aspect ratio) and optionally resampled, as H.264 MP4."""
    filters = [f"scale={width}:{height}"] + ([f"fps={fps}"] if fps else [])
    length = ("-t", str(duration_s)) if duration_s else ()
    ffmpeg("-ss", str(start_s), *length, "-i", src, "-vf", ",".join(filters), *H264, dst)
    return dst


def write_frames(path: Path, frames: Iterable[np.ndarray], fps: float = 30.0) -> Path:
    """Encode BGR frames (all the same size) into an MP4 with OpenCV (no ffmpeg needed)."""
    writer: cv2.VideoWriter | None = None
    try:
        for image in frames:
            if writer is None:
                height, width = image.shape[:2]
                writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
                assert writer.isOpened(), "OpenCV cannot write MP4 here"
            writer.write(image)
    finally:
        if writer is not None:
            writer.release()
    return path


def read_frames(path: Path) -> Iterator[np.ndarray]:
    """Decode a video with OpenCV, frame by frame."""
    capture = cv2.VideoCapture(str(path))
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                return
            yield image
    finally:
        capture.release()


def wall(width: int, height: int, seed: int = 0) -> np.ndarray:
    """A textured, empty wall: smooth grey noise, nobody in view."""
    rng = np.random.default_rng(seed)
    small = rng.integers(90, 170, size=(max(1, height // 16), max(1, width // 16), 3), dtype=np.uint8)
    return cv2.GaussianBlur(cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR), (0, 0), 3)


def blank_wall_video(path: Path, seconds: float = 2.0, size: tuple[int, int] = (320, 240), fps: float = 30.0) -> Path:
    """A video of an empty wall with a slight camera shake."""
    width, height = size
    base = wall(width + 8, height + 8)
    frames = (base[(i % 5): (i % 5) + height, (i % 3): (i % 3) + width].copy() for i in range(round(seconds * fps)))
    return write_frames(path, frames, fps)


def with_gap(src: Path, dst: Path, *, at_s: float, gap_s: float) -> Path:
    """The clip with `gap_s` seconds of an empty (black) picture spliced in at `at_s`: the person leaves."""
    capture = cv2.VideoCapture(str(src))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    capture.release()

    def frames() -> Iterator[np.ndarray]:
        for index, image in enumerate(read_frames(src)):
            if index == round(at_s * fps):
                yield from (np.zeros_like(image) for _ in range(round(gap_s * fps)))
            yield image

    return write_frames(dst, frames(), fps)


def side_by_side(big: Path, small: Path, dst: Path, *, height: int = 360, small_scale: float = 0.55,
                 big_crop: tuple[float, float] = (0.0, 1.0)) -> float:  # fmt: skip
    """Two clips next to each other: `big` (cropped to a span of its width) on the left at full height, `small`
    shrunk to `small_scale` of the height on the right, standing on the same floor line. Frames pair up in order.

    Returns where the two meet, as a fraction of the width of the result.
    """
    split: list[float] = []

    def fit(image: np.ndarray, h: int) -> np.ndarray:
        w = round(image.shape[1] * h / image.shape[0])
        return cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)

    def frames() -> Iterator[np.ndarray]:
        for left, right in zip(read_frames(big), read_frames(small), strict=False):
            left = fit(left, height)
            left = left[:, round(big_crop[0] * left.shape[1]): round(big_crop[1] * left.shape[1])]
            right = fit(right, round(height * small_scale))
            canvas = np.full((height, left.shape[1] + right.shape[1], 3), 128, dtype=np.uint8)
            canvas[:, : left.shape[1]] = left
            canvas[height - right.shape[0]:, left.shape[1]:] = right
            split.append(left.shape[1] / canvas.shape[1])
            yield canvas

    capture = cv2.VideoCapture(str(big))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    capture.release()
    write_frames(dst, frames(), fps)
    return split[0]


def rotated_by_metadata(src: Path, dst: Path) -> Path:
    """A phone-style clip: the pixels are stored turned 90° clockwise, with a display matrix saying to turn them back.

    A correct player (and formcheck) shows exactly the picture of `src`.
    """
    stored = dst.with_name(dst.stem + "_stored.mp4")
    ffmpeg("-i", src, "-vf", "transpose=clock", *H264, stored)
    # -display_rotation is counter-clockwise: turning the stored picture 90° back anticlockwise restores src.
    ffmpeg("-display_rotation", "90", "-i", stored, "-c", "copy", dst)
    stored.unlink()
    return dst


def variable_frame_rate(src: Path, dst: Path) -> Path:
    """The clip re-timed so that frame gaps alternate between 1/60 s and 1/20 s (mean 30 fps), kept as VFR."""
    # time base 1/600 s: 1/15 s is 40 ticks, 1/60 s is 10 ticks
    ffmpeg("-i", src, "-vf", "fps=30,settb=1/600,setpts=floor(N/2)*40+mod(N\\,2)*10", "-fps_mode", "passthrough",
           "-enc_time_base", "1/600", "-video_track_timescale", "600", *H264, dst)  # fmt: skip
    return dst


def vfr_expected_times_ms(count: int) -> list[float]:
    """The presentation times that :func:`variable_frame_rate` gives its frames."""
    return [(n // 2) * 1000 / 15 + (n % 2) * 1000 / 60 for n in range(count)]


def truncated(src: Path, dst: Path, fraction: float = 0.5) -> Path:
    """The first `fraction` of the bytes of a file (a download that stopped half way)."""
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


def rss_bytes() -> int | None:
    """Resident memory of this process (Linux), or None where /proc is not available."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def blank_left(src: Path, dst: Path, *, upto: float, start_s: float, end_s: float) -> Path:
    """The clip with its left part (up to `upto` of the width) blacked out from `start_s` to `end_s`."""
    capture = cv2.VideoCapture(str(src))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    capture.release()

    def frames() -> Iterator[np.ndarray]:
        for index, image in enumerate(read_frames(src)):
            if start_s <= index / fps < end_s:
                image[:, : round(upto * image.shape[1])] = 0
            yield image

    return write_frames(dst, frames(), fps)


def hip_centres_x(landmarks_csv: Path) -> list[float | None]:
    """Per frame, the x of the hip centre (normalised to the image width) in a `--landmarks` CSV; None when unseen."""
    import csv

    with open(landmarks_csv, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    xs: list[float | None] = []
    for row in rows:
        left, right = row["left_hip_x"], row["right_hip_x"]
        xs.append((float(left) + float(right)) / 2 if left and right else None)
    return xs

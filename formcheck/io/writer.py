"""Annotated video output: H.264 MP4 that browsers play, written to a temporary file and renamed into place.

Frames go to the ffmpeg binary that the imageio-ffmpeg package ships (libx264, yuv420p, index at the front), so
the file plays in Chromium, Safari and Firefox, in an email or on a web page. Only if that encoder cannot run
does the writer fall back to OpenCV's MPEG-4 Part 2 (``mp4v``), which most browsers cannot play, and say so.
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import BadInputError, FormcheckError

H264, MP4V = "h264", "mp4v"
X264 = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p")
FASTSTART = ("-movflags", "+faststart")  # the index at the front: a browser starts playing before the download ends
EVEN_SIZE = "pad=ceil(iw/2)*2:ceil(ih/2)*2"  # yuv420p needs even sides: odd ones get one black pixel row/column
PROBE_TIMEOUT_S = 30


def ffmpeg_exe() -> str | None:
    """The ffmpeg binary of imageio-ffmpeg (or ``$IMAGEIO_FFMPEG_EXE``), None when there is none."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


@functools.lru_cache(maxsize=4)
def h264_problem(exe: str | None) -> str | None:
    """Why ``exe`` cannot encode H.264 (None when it can): a 2-frame test encode, checked once per process."""
    if exe is None:
        return "the imageio-ffmpeg package is not installed"
    command = [exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
               "color=c=gray:s=64x48:r=10", "-frames:v", "2", *X264, "-f", "null", "-"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        return f"cannot run {exe}: {error}"
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or [f"{exe} exited with {done.returncode}"])[-1]
    return None


class AnnotatedVideoWriter:
    """Writes BGR frames to ``path`` (MP4); the file appears under its name only when ``close`` succeeds.

    ``codec`` is "h264" (the default, browser-playable) or "mp4v" after a fallback, which ``warn`` is told about.
    """

    def __init__(self, path: Path, fps: float, warn: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
        if self.path.suffix.lower() != ".mp4":
            raise BadInputError(f"{self.path}: annotated video must be an .mp4 file")
        if not self.path.parent.is_dir():
            raise BadInputError(f"{self.path}: folder {self.path.parent} does not exist")
        if not os.access(self.path.parent, os.W_OK | os.X_OK):
            raise BadInputError(f"{self.path}: cannot write here (permission denied)")
        self.fps = fps
        self.frames = 0
        exe = ffmpeg_exe()
        problem = h264_problem(exe)
        self.codec = MP4V if problem else H264
        if problem and warn is not None:
            warn(f"{self.path}: no H.264 encoder ({problem}); writing MPEG-4 Part 2 (mp4v), "
                 "which web browsers do not play")  # fmt: skip
        self._exe = exe
        self._encoder: subprocess.Popen[bytes] | None = None
        self._log: tempfile._TemporaryFileWrapper[bytes] | None = None
        self._writer: cv2.VideoWriter | None = None
        self._size: tuple[int, int] | None = None
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".mp4", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)

    def write(self, image: np.ndarray) -> None:
        """Append one frame (all frames are made the size of the first)."""
        height, width = image.shape[:2]
        if self._size is None:
            self._size = (width, height)
            self._open()
        elif (width, height) != self._size:
            image = cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
        if self._encoder is not None:
            self._send(image)
        else:
            assert self._writer is not None
            self._writer.write(image)
        self.frames += 1

    def close(self) -> None:
        """Finish the video and move it into place (nothing is written if no frame was)."""
        if self._size is None:
            self.discard()
            return
        if self._encoder is not None:
            self._finish_encoder()
        elif self._writer is not None:
            self._writer.release()
            self._writer = None
        os.chmod(self._tmp, 0o644)
        os.replace(self._tmp, self.path)
        self._size = None

    def discard(self) -> None:
        """Drop the unfinished video."""
        if self._encoder is not None:
            self._encoder.kill()
            self._encoder.wait()
            self._encoder = None
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        self._close_log()
        self._tmp.unlink(missing_ok=True)
        self._size = None

    # -- the two encoders ------------------------------------------------------------------------------
    def _open(self) -> None:
        assert self._size is not None
        width, height = self._size
        if self.codec == H264:
            assert self._exe is not None
            rate = Fraction(self.fps).limit_denominator(1001)
            command = [self._exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                       "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-framerate", str(rate),
                       "-i", "-", "-an", "-vf", EVEN_SIZE, *X264, *FASTSTART, "-f", "mp4", str(self._tmp)]  # fmt: skip
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _finish_encoder / discard)
            self._encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                             stderr=self._log)  # fmt: skip
            return
        self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*MP4V), self.fps, self._size)
        if not self._writer.isOpened():
            self.discard()
            raise BadInputError(f"{self.path}: OpenCV cannot write MP4 video here")

    def _send(self, image: np.ndarray) -> None:
        assert self._encoder is not None and self._encoder.stdin is not None
        try:
            self._encoder.stdin.write(np.ascontiguousarray(image, dtype=np.uint8).tobytes())
        except (BrokenPipeError, OSError):
            self._encoder.wait()
            reason = self._encoder_log()
            self.discard()
            raise FormcheckError(f"{self.path}: the H.264 encoder stopped ({reason})") from None

    def _finish_encoder(self) -> None:
        assert self._encoder is not None and self._encoder.stdin is not None
        with contextlib.suppress(OSError):  # a dead encoder is reported by its exit code below
            self._encoder.stdin.close()
        code = self._encoder.wait()
        if code != 0:
            reason = self._encoder_log()
            self._encoder = None
            self.discard()
            raise FormcheckError(f"{self.path}: the H.264 encoder failed ({reason})")
        self._encoder = None
        self._close_log()

    def _encoder_log(self) -> str:
        if self._log is None:
            return "no message"
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "no message"

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()

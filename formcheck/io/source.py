"""Frame sources: video files, cameras and image folders, all yielding timestamped frames."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import BadInputError

# FFmpeg (inside OpenCV) prints decoder complaints about damaged files straight to stderr; formcheck reports
# such files itself, in one line. Read when OpenCV first opens a video; FORMCHECK_DEBUG or a set value keeps them.
if not os.environ.get("FORMCHECK_DEBUG"):
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}
MAX_FPS = 1000.0
ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass(frozen=True)
class Frame:
    """One decoded frame: its index, its timestamp in milliseconds and its BGR pixels."""

    index: int
    timestamp_ms: int
    image: np.ndarray


class FrameSource:
    """Base class: iterate over frames whose timestamps increase strictly."""

    name: str = ""
    fps: float = 30.0
    frame_count: int | None = None
    is_live: bool = False
    problem: str | None = None  # why the frames stopped before the end of the video, when they did

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or file."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def duration_s(self) -> float | None:
        """Length in seconds when known."""
        return None if self.frame_count is None else self.frame_count / self.fps


class _MonotonicClock:
    """Turns possibly missing or repeated container timestamps into strictly increasing ones."""

    def __init__(self, fps: float) -> None:
        self._step_ms = 1000.0 / fps
        self._last: int | None = None

    def stamp(self, reported_ms: float, index: int) -> int:
        stamp = round(reported_ms) if reported_ms > 0 or index == 0 else round(index * self._step_ms)
        if self._last is not None and stamp <= self._last:
            stamp = self._last + max(1, round(self._step_ms)) if reported_ms <= 0 else self._last + 1
        self._last = stamp
        return stamp


class VideoFileSource(FrameSource):
    """A video file, decoded in order, upright (rotation metadata applied), timed by the container.

    Frames are delivered as a player shows them: a phone clip stored sideways with a rotation in its metadata
    comes out upright. A file that stops decoding well before the frame count in its header (a truncated
    download) ends the iteration early and says so in :attr:`problem`.
    """

    ENDS_EARLY_FRACTION = 0.8  # headers estimate the count (e.g. variable frame rate): allow some slack

    def __init__(self, path: Path) -> None:
        path = Path(path)
        if not path.exists():
            raise BadInputError(f"{path}: no such file")
        if path.is_dir():
            raise BadInputError(f"{path}: is a directory, not a video (image folders need images in them)")
        if path.stat().st_size == 0:
            raise BadInputError(f"{path}: the file is empty")
        self.name = str(path)
        self.path = path
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise BadInputError(f"{path}: not a readable video (no video stream, damaged or unsupported format)")
        self._capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 0.5 < fps < 1000 else 30.0
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.frame_count = count if count > 0 else None
        ok, self._first = self._capture.read()
        if not ok or self._first is None:
            self._capture.release()
            raise BadInputError(f"{path}: the video has no readable frames (empty, truncated or corrupt)")
        self._first_ms = float(self._capture.get(cv2.CAP_PROP_POS_MSEC))

    def __iter__(self) -> Iterator[Frame]:
        clock = _MonotonicClock(self.fps)
        yield Frame(0, clock.stamp(self._first_ms, 0), self._first)
        index = 1
        while True:
            ok, image = self._capture.read()
            if not ok or image is None:
                self._note_early_end(index)
                return
            yield Frame(index, clock.stamp(float(self._capture.get(cv2.CAP_PROP_POS_MSEC)), index), image)
            index += 1

    def _note_early_end(self, decoded: int) -> None:
        if self.frame_count and decoded < self.ENDS_EARLY_FRACTION * self.frame_count:
            self.problem = (f"the video stops early: {decoded} of {self.frame_count} frames could be decoded "
                            "(truncated or damaged file)")  # fmt: skip

    def close(self) -> None:
        self._capture.release()


class ImageFolderSource(FrameSource):
    """A folder of still images in name order, played at a fixed frame rate (``--fps``, 30 by default)."""

    DEFAULT_FPS = 30.0

    def __init__(self, folder: Path, fps: float | None = None) -> None:
        fps = self.DEFAULT_FPS if fps is None else fps
        if not 0 < fps <= MAX_FPS:
            raise BadInputError(f"--fps {fps:g}: must be above 0 and at most {MAX_FPS:g} frames per second")
        self.name = str(folder)
        self.fps = float(fps)
        self._files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise BadInputError(f"{folder}: is a directory with no images in it")
        self.frame_count = len(self._files)

    def __iter__(self) -> Iterator[Frame]:
        for index, file in enumerate(self._files):
            image = cv2.imread(str(file))
            if image is None:
                raise BadInputError(f"{file}: not an image OpenCV can read")
            yield Frame(index, round(index * 1000.0 / self.fps), image)


class CameraSource(FrameSource):
    """A live camera; frames are stamped with the capture time as they arrive."""

    is_live = True

    def __init__(self, index: int) -> None:
        self.name = f"camera {index}"
        self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            raise BadInputError(f"camera {index}: no camera found (is it connected and not used by another app?)")
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 0.5 < fps < 1000 else 30.0
        self._start = time.monotonic()

    def __iter__(self) -> Iterator[Frame]:
        index, last_ms = 0, -1
        while True:
            ok, image = self._capture.read()
            if not ok or image is None:
                return
            stamp = max(last_ms + 1, round((time.monotonic() - self._start) * 1000))
            last_ms = stamp
            yield Frame(index, stamp, image)
            index += 1

    def close(self) -> None:
        self._capture.release()


class RotatedSource(FrameSource):
    """Another source's frames turned clockwise by 90, 180 or 270 degrees (``--rotate``), same timestamps."""

    def __init__(self, inner: FrameSource, degrees: int) -> None:
        if degrees not in ROTATIONS:
            raise BadInputError(f"--rotate {degrees}: turn by 90, 180 or 270 degrees")
        self.inner, self.degrees = inner, degrees
        self.name, self.fps, self.frame_count, self.is_live = inner.name, inner.fps, inner.frame_count, inner.is_live

    @property
    def problem(self) -> str | None:  # type: ignore[override]
        return self.inner.problem

    def __iter__(self) -> Iterator[Frame]:
        code = ROTATIONS[self.degrees]
        for frame in self.inner:
            yield Frame(frame.index, frame.timestamp_ms, cv2.rotate(frame.image, code))

    def close(self) -> None:
        self.inner.close()


def open_source(spec: str | Path, *, fps: float | None = None, rotate: int = 0) -> FrameSource:
    """Open a video file, an image folder, or a camera given by its index ("0").

    ``fps`` is the frame rate of an image folder (a video's own rate comes from the file); ``rotate`` turns
    every frame clockwise by 90, 180 or 270 degrees, for a video filmed sideways without rotation metadata.
    """
    text = str(spec)
    path = Path(text)
    if text.isdigit():
        source: FrameSource = CameraSource(int(text))
    elif path.is_dir() and any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.iterdir()):
        source = ImageFolderSource(path, fps)
    else:
        source = VideoFileSource(path)
    if fps is not None and not isinstance(source, ImageFolderSource):
        source.close()
        raise BadInputError(f"{spec}: --fps is for a folder of images; a video's frame rate comes from the file")
    return RotatedSource(source, rotate) if rotate else source

"""Annotated video output: frames go to a temporary MP4 beside the target, renamed into place when complete."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import BadInputError


class AnnotatedVideoWriter:
    """Writes BGR frames to ``path`` (MP4); the file appears under its name only when ``close`` succeeds."""

    def __init__(self, path: Path, fps: float, fourcc: str = "mp4v") -> None:
        self.path = Path(path)
        if self.path.suffix.lower() != ".mp4":
            raise BadInputError(f"{self.path}: annotated video must be an .mp4 file")
        if not self.path.parent.is_dir():
            raise BadInputError(f"{self.path}: folder {self.path.parent} does not exist")
        if not os.access(self.path.parent, os.W_OK | os.X_OK):
            raise BadInputError(f"{self.path}: cannot write here (permission denied)")
        self.fps = fps
        self.frames = 0
        self._fourcc = cv2.VideoWriter_fourcc(*fourcc)
        self._writer: cv2.VideoWriter | None = None
        self._size: tuple[int, int] | None = None
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".mp4", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)

    def write(self, image: np.ndarray) -> None:
        """Append one frame (all frames must have the size of the first)."""
        height, width = image.shape[:2]
        if self._writer is None:
            self._size = (width, height)
            self._writer = cv2.VideoWriter(str(self._tmp), self._fourcc, self.fps, self._size)
            if not self._writer.isOpened():
                self.discard()
                raise BadInputError(f"{self.path}: OpenCV cannot write MP4 video here")
        elif (width, height) != self._size:
            image = cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
        self._writer.write(image)
        self.frames += 1

    def close(self) -> None:
        """Finish the video and move it into place (nothing is written if no frame was)."""
        if self._writer is None:
            self.discard()
            return
        self._writer.release()
        self._writer = None
        os.chmod(self._tmp, 0o644)
        os.replace(self._tmp, self.path)

    def discard(self) -> None:
        """Drop the unfinished video."""
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()

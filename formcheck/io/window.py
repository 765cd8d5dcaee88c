"""The preview window (OpenCV HighGUI): show frames, read keys. Only this module opens windows."""

from __future__ import annotations

import os
import sys

import cv2
import numpy as np

from formcheck.errors import BadInputError

KEY_ESC = 27
KEY_SPACE = 32


def has_display() -> bool:
    """True when a window can be opened (on Linux: an X or Wayland display is set)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def fit(image: np.ndarray, max_width: int, max_height: int) -> np.ndarray:
    """A copy of ``image`` scaled down (never up) to fit in max_width x max_height."""
    height, width = image.shape[:2]
    scale = min(1.0, max_width / width, max_height / height)
    if scale >= 1.0:
        return image.copy()
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


class PreviewWindow:
    """One window showing annotated frames; ``show`` returns the key pressed (or None)."""

    def __init__(self, title: str = "formcheck", max_width: int = 1280, max_height: int = 720) -> None:
        if not has_display():
            raise BadInputError("no screen to show the live window (DISPLAY is not set)")
        self.title, self.max_width, self.max_height = title, max_width, max_height
        self._open = False

    def prepare(self, image: np.ndarray, mirror: bool = False) -> np.ndarray:
        """The frame as it will be shown: scaled to fit the window, mirrored for a selfie view."""
        shown = fit(image, self.max_width, self.max_height)
        return cv2.flip(shown, 1) if mirror else shown

    def show(self, image: np.ndarray, wait_ms: int = 1) -> int | None:
        """Display a frame; returns the key pressed during ``wait_ms`` (lower-case code) or None."""
        if not self._open:
            cv2.namedWindow(self.title, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)
            self._open = True
        cv2.imshow(self.title, image)
        key = cv2.waitKey(max(1, wait_ms))
        if key == -1:
            return KEY_ESC if self.closed_by_user() else None
        return key & 0xFF

    def closed_by_user(self) -> bool:
        """True when the window was closed with the mouse."""
        try:
            return self._open and cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1
        except cv2.error:
            return True

    def close(self) -> None:
        """Close the window."""
        if self._open:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)
            self._open = False

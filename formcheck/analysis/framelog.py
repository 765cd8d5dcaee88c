"""The per-frame log of a set: time, the rep signal and every cue's measure, for both sides."""

from __future__ import annotations

import numpy as np

from formcheck.pose.measures import SIDES

SEEN = "signal_seen"   # the rep signal measured only on joints the camera sees (visibility-gated)
BOTH = "both"          # FrameLog.column side: the mean of the sides measured in each frame
COUNTED = "counted"    # the value each rep counter followed (for both sides together: one value, logged twice)


class FrameLog:
    """Compact per-frame record: time, the rep signal and each cue's measure for both sides (float32 arrays).

    Rows live in one preallocated array that doubles when full, so an hour of video costs a few MB.
    """

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self._times = np.empty(1024, dtype=np.float64)
        self._rows = np.empty((1024, 2 * len(keys)), dtype=np.float32)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    @property
    def times(self) -> np.ndarray:
        """Timestamps in seconds of every logged frame."""
        return self._times[: self._size]

    def latest(self) -> np.ndarray | None:
        """The newest row, or None before the first frame."""
        return self._rows[self._size - 1] if self._size else None

    def append(self, t_s: float, row: np.ndarray) -> None:
        if self._size == len(self._times):
            self._times = np.concatenate([self._times, np.empty_like(self._times)])
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._times[self._size] = t_s
        self._rows[self._size] = row
        self._size += 1

    def window(self, start_s: float, end_s: float) -> slice:
        times = self.times
        return slice(int(np.searchsorted(times, start_s, "left")), int(np.searchsorted(times, end_s, "right")))

    def column(self, key: str, side: str, span: slice) -> np.ndarray:
        """One side's values over ``span``; for ``side="both"`` the mean of the sides measured in each frame."""
        first = self.keys.index(key) * 2
        if side == BOTH:
            pair = self._rows[: self._size][span, first : first + 2].astype(np.float64)
            measured = ~np.isnan(pair)
            count = measured.sum(axis=1)
            with np.errstate(invalid="ignore"):
                return np.where(count > 0, np.where(measured, pair, 0.0).sum(axis=1) / count, np.nan)
        return self._rows[: self._size][span, first + SIDES.index(side)].astype(np.float64)

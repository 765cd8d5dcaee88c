"""Real-time frame feeds: a capture thread keeps only the newest frame, so analysis never builds a backlog.

A video file can stand in for a camera: it is played at its own pace (by frame timestamps) and frames the
analysis cannot keep up with are dropped, exactly as a camera's would be. A file can be paused (its first frame
still comes through, to be shown); a camera cannot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import cv2

from formcheck.io.source import Frame, FrameSource, open_source


def open_quietly(spec: str) -> FrameSource:
    """``open_source`` without OpenCV's multi-line warnings when no camera answers (the error says it in one)."""
    logging = cv2.utils.logging
    level = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)
    try:
        return open_source(spec)
    finally:
        logging.setLogLevel(level)


class LatestFrameGrabber:
    """Reads ``source`` in a background thread; ``next`` returns the newest frame not yet taken."""

    def __init__(self, source: FrameSource, pace: bool | None = None) -> None:
        self.source = source
        self.pace = (not source.is_live) if pace is None else pace
        self.grabbed = 0
        self.dropped = 0
        self.ended = False
        self.error: BaseException | None = None
        self.captured_at = 0.0                # monotonic time the last taken frame was grabbed
        self._latest: tuple[Frame, float] | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._paused_at: float | None = None
        self._shift = 0.0                      # time spent paused, added to the playback clock
        self._thread = threading.Thread(target=self._run, name="formcheck-capture", daemon=True)

    @property
    def lost(self) -> bool:
        """True when a live camera stopped delivering frames (unplugged, taken by another app)."""
        return self.ended and self.source.is_live and not self._stop.is_set()

    def start(self) -> LatestFrameGrabber:
        self._thread.start()
        return self

    def next(self, timeout_s: float | None = None) -> Frame | None:
        """The newest frame (waiting for one); None once the source has ended (or after ``timeout_s``)."""
        with self._cond:
            ok = self._cond.wait_for(lambda: self._latest is not None or self.ended, timeout_s)
            if not ok or self._latest is None:
                return None
            frame, self.captured_at = self._latest
            self._latest = None
            return frame

    def peek(self, timeout_s: float | None = None) -> Frame | None:
        """The newest frame without taking it (to show it while nothing is analysed); None if none came."""
        with self._cond:
            self._cond.wait_for(lambda: self._latest is not None or self.ended, timeout_s)
            return self._latest[0] if self._latest is not None else None

    def join(self, timeout_s: float | None = None) -> None:
        """Wait until the capture thread has read the whole source (a file) or stopped."""
        self._thread.join(timeout_s)

    def pause(self, paused: bool) -> None:
        """Pause a played file (a camera keeps running; its frames are dropped meanwhile)."""
        with self._cond:
            now = time.monotonic()
            if paused and self._paused_at is None:
                self._paused_at = now
            elif not paused and self._paused_at is not None:
                self._shift += now - self._paused_at
                self._paused_at = None
            self._cond.notify_all()

    def stop(self) -> None:
        """Stop reading and release the source."""
        self._stop.set()
        self.pause(False)
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.source.close()

    # -- capture thread ------------------------------------------------------------------------------
    def _run(self) -> None:
        start: float | None = None
        try:
            for frame in self.source:
                if self._stop.is_set():
                    break
                if self.pace and start is None:      # the first frame comes at once, even when paused
                    start = time.monotonic() - frame.timestamp_ms / 1000.0
                    with self._cond:
                        if self._paused_at is not None:   # a pause from before the start counts from here
                            self._paused_at = time.monotonic()
                elif self.pace:
                    self._wait_until(start, frame.timestamp_ms / 1000.0)
                    if self._stop.is_set():
                        break
                self._publish(frame)
        except Exception as error:  # reported to the reader, never lost in the thread
            self.error = error
        finally:
            with self._cond:
                self.ended = True
                self._cond.notify_all()

    def _wait_until(self, start: float, t_s: float) -> None:
        with self._cond:
            while not self._stop.is_set():
                if self._paused_at is not None:
                    self._cond.wait(0.05)
                    continue
                delay = start + self._shift + t_s - time.monotonic()
                if delay <= 0:
                    return
                self._cond.wait(min(delay, 0.05))

    def _publish(self, frame: Frame) -> None:
        with self._cond:
            if self._latest is not None:
                self.dropped += 1
            self._latest = (frame, time.monotonic())
            self.grabbed += 1
            self._cond.notify_all()


class LiveFeed(FrameSource):
    """One set's view of a grabber, usable as a FrameSource by ``run_analysis``; ``end`` stops the set only."""

    def __init__(self, grabber: LatestFrameGrabber) -> None:
        self.grabber = grabber
        self.name = grabber.source.name
        self.fps = grabber.source.fps
        self.is_live = True
        self.reason: str | None = None

    def end(self, reason: str) -> None:
        """End this set at the next frame (the camera keeps running)."""
        if self.reason is None:
            self.reason = reason

    def __iter__(self) -> Iterator[Frame]:
        while self.reason is None:
            frame = self.grabber.next()
            if frame is None:
                self.reason = "lost" if self.grabber.lost else "ended"
                if self.grabber.error is not None:
                    raise self.grabber.error
                return
            yield frame

"""One set from a frame source: poses -> (recognition) -> set analysis -> a frozen SetResult.

`analyze`, `live` and `batch` all run their sets through :func:`run_analysis`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from formcheck.analysis.camera_advice import PoseSample, advise
from formcheck.analysis.recognize import ExerciseRecognizer, RecognizingAnalyzer, contradiction
from formcheck.analysis.result import RepResult, SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.errors import FormcheckError, InterruptedAnalysis
from formcheck.io.atomic import atomic_path
from formcheck.io.images import encode_jpeg, resize_to_width
from formcheck.io.source import Frame, FrameSource
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck.rules.loader import load_all
from formcheck.rules.model import ExerciseRules

THUMBNAIL_WIDTH = 240


class LandmarkCsv:
    """Streams per-frame landmarks to CSV (frame, t, then x, y, z, visibility of the 33 points), atomically."""

    def __init__(self, path: Path) -> None:
        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(path))
        self._file = self._stack.enter_context(open(self._tmp, "w", newline="", encoding="utf-8"))  # noqa: SIM115
        self._writer = csv.writer(self._file)
        header = ["frame", "t"]
        for landmark in Landmark:
            name = landmark.name.lower()
            header += [f"{name}_x", f"{name}_y", f"{name}_z", f"{name}_visibility"]
        self._writer.writerow(header)

    def write(self, index: int, pose: PoseFrame) -> None:
        values = np.column_stack([pose.xyz, pose.visibility]).ravel()
        cells = ["" if np.isnan(v) else f"{v:.5f}" for v in values]
        self._writer.writerow([index, f"{pose.t:.3f}", *cells])

    def close(self) -> None:
        """Finish the file (it appears under its name only now)."""
        self._file.flush()
        self._stack.close()

    def discard(self) -> None:
        """Drop the unfinished file: nothing appears under its name, no temporary file stays behind."""
        self._file.close()
        error = RuntimeError("analysis failed")
        self._stack.__exit__(type(error), error, None)


class SetRecorder:
    """What one set keeps of its frames besides the analysis: the report's key frames (a thumbnail at each rep's
    top) and a bounded pose sample for the camera advice; then freezes the set into a SetResult."""

    def __init__(self) -> None:
        self.sample = PoseSample()   # bounded, so memory does not grow with the video's length
        self.keyframes: dict[int, tuple[bytes, PoseFrame]] = {}
        self._best: dict[str | None, tuple[float, np.ndarray, PoseFrame]] = {}
        self.count, self.width, self.height = 0, 0, 0
        self.last_t = 0.0

    def add(self, frame: Frame, pose: PoseFrame, analyzer: SetAnalyzer | RecognizingAnalyzer | None,
            events: list) -> None:  # fmt: skip
        """Note one analysed frame and the attempts that ended with it."""
        self.seen(frame, pose)
        self.judged(frame, pose, analyzer, events)

    def seen(self, frame: Frame, pose: PoseFrame) -> None:
        """Count a frame as analysed (as soon as its pose is known: the landmark export has its row then)."""
        self.count += 1
        self.height, self.width = frame.image.shape[:2]
        self.last_t = pose.t
        self.sample.add(pose)

    def judged(self, frame: Frame, pose: PoseFrame, analyzer: SetAnalyzer | RecognizingAnalyzer | None,
               events: list) -> None:  # fmt: skip
        """After the analysis took the frame: key frames of the reps that ended, the peak of the one going on."""
        self.note(events)
        if analyzer is not None:
            _keep_peak_frame(analyzer, frame, pose, self._best)

    def note(self, events: list) -> None:
        """Keep the key frame of every counted rep among ``events``."""
        for event in events:
            if isinstance(event, RepResult) and event.counted and event.side in self._best:
                self.keyframes[event.index] = _keyframe(self._best.pop(event.side))

    def result(
        self,
        analyzer: SetAnalyzer | RecognizingAnalyzer,
        name: str,
        fps: float,
        *,
        complete: bool,
        interruption: str | None,
        exercise_check: dict | None = None,
        start_s: float = 0.0,
    ) -> SetResult:
        """The frozen set (its recognition, camera advice and key frames included); it lasts from ``start_s``."""
        duration = self.last_t - start_s + 1.0 / fps if self.count else 0.0
        info = SourceInfo(name, fps, self.count, round(duration, 3), self.width, self.height)
        recognition = getattr(analyzer, "recognition", None)
        analysed = analyzer.inner if isinstance(analyzer, RecognizingAnalyzer) else analyzer
        attempts = len(analysed.reps) + len(analysed.partials)
        return summarize(
            analysed,
            info,
            complete=complete,
            interruption=interruption,
            analysed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            keyframes=self.keyframes,
            recognition=recognition.to_dict() if recognition is not None else None,
            camera_advice=tuple(advise(analysed.rules, analysed.view, self.sample.poses, analysed.rep_count, attempts)),
            exercise_check=exercise_check,
        )


def stream(
    source: FrameSource,
    poses: Callable[[Frame], PoseFrame],
    step: Callable[[Frame, PoseFrame], None],
    *,
    exporter: LandmarkCsv | None = None,
    frames: Callable[[Iterator[Frame]], Iterator[Frame]] | None = None,
    seen: Callable[[Frame, PoseFrame], None] | None = None,
) -> tuple[bool, str | None]:
    """Feed every frame's pose to ``step`` (and to the landmark CSV); Ctrl-C stops early. Returns (complete,
    interruption); the source is closed, and on an error the unfinished CSV is dropped.

    ``seen`` counts the frame right before its landmark row is written, so that on Ctrl-C the export holds
    exactly the frames counted (the analysis of the frame in ``step`` may be cut short)."""
    complete, interruption = True, None
    iterator = frames(iter(source)) if frames else iter(source)
    try:
        for frame in iterator:
            pose = poses(frame)
            if seen:
                seen(frame, pose)
            if exporter:
                exporter.write(frame.index, pose)
            step(frame, pose)
    except KeyboardInterrupt:
        complete, interruption = False, "interrupted by the user (Ctrl-C)"
    except BaseException:
        if exporter:
            exporter.discard()
        raise
    finally:
        source.close()
    return complete, interruption


def run_analysis(
    source: FrameSource,
    poses: Callable[[Frame], PoseFrame],
    rules: ExerciseRules | None,
    *,
    catalogue: dict[str, ExerciseRules] | None = None,
    landmarks_csv: Path | None = None,
    frames: Callable[[Iterator[Frame]], Iterator[Frame]] | None = None,
    on_pose: Callable[[Frame, PoseFrame, SetAnalyzer, list], None] | None = None,
    view: str | None = None,
    analyzer: SetAnalyzer | RecognizingAnalyzer | None = None,
) -> SetResult:
    """Analyse every frame of ``source``; Ctrl-C stops early and returns what was analysed (complete=False).

    ``poses`` turns a frame into a PoseFrame (the MediaPipe adapter). Without ``rules`` the exercise is
    recognised first among ``catalogue`` (the bundled exercises by default). ``frames`` may wrap the frame
    iterator (e.g. in a progress bar); ``on_pose`` sees every analysed frame (e.g. to draw an annotated video).
    ``analyzer`` replaces the one built from ``rules`` (e.g. to keep its state across calls).
    """
    if analyzer is None:
        analyzer = SetAnalyzer(rules, view=view) if rules else RecognizingAnalyzer(catalogue or load_all(), view)
    recorder = SetRecorder()
    named = analyzer.rules.id if isinstance(analyzer, SetAnalyzer) else None
    check = ExerciseRecognizer(catalogue or load_all()) if named else None  # is the named exercise what is seen?
    exporter = LandmarkCsv(landmarks_csv) if landmarks_csv else None

    def step(frame: Frame, pose: PoseFrame) -> None:
        if check is not None:
            check.add(pose)
            check.poses.clear()  # the check needs the features only, not the poses for a replay
        events = analyzer.update(pose)
        recorder.judged(frame, pose, analyzer, events)
        if on_pose:
            on_pose(frame, pose, analyzer, events)

    complete, interruption = stream(source, poses, step, exporter=exporter, frames=frames, seen=recorder.seen)
    try:
        recorder.note(analyzer.finish())
    except FormcheckError:  # e.g. the exercise could not be recognised: nothing to report
        if exporter:
            exporter.discard()
        if interruption:
            raise InterruptedAnalysis(f"{interruption} before the exercise was recognised; nothing to report") from None
        raise
    if exporter:
        exporter.close()
    if complete and getattr(source, "problem", None):  # e.g. a truncated file: analysed up to where it breaks
        complete, interruption = False, source.problem
    exercise_check = contradiction(named, check.decide()) if check is not None and named else None
    return recorder.result(analyzer, source.name, source.fps, complete=complete, interruption=interruption,
                           exercise_check=exercise_check)  # fmt: skip


def _keyframe(best: tuple[float, np.ndarray, PoseFrame]) -> tuple[bytes, PoseFrame]:
    """A rep's key frame as kept for the report: JPEG thumbnail and pose (a few kB per rep)."""
    _, thumbnail, pose = best
    return encode_jpeg(thumbnail), pose


def _keep_peak_frame(
    analyzer: SetAnalyzer, frame: Frame, pose: PoseFrame, best: dict[str | None, tuple[float, np.ndarray, PoseFrame]]
) -> None:
    """Remember, per side, the frame where the rep in progress is at its highest (for report thumbnails)."""
    for side, counter in analyzer.counters.items():
        if not counter.in_rep or counter.value is None:
            if not counter.in_rep:
                best.pop(side, None)
            continue
        if side not in best or counter.value > best[side][0]:
            best[side] = (counter.value, resize_to_width(frame.image, THUMBNAIL_WIDTH), pose)

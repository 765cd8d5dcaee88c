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
    sample = PoseSample()  # for the camera advice; bounded, so memory does not grow with the video's length
    named = analyzer.rules.id if isinstance(analyzer, SetAnalyzer) else None
    check = ExerciseRecognizer(catalogue or load_all()) if named else None  # is the named exercise what is seen?
    exporter = LandmarkCsv(landmarks_csv) if landmarks_csv else None
    keyframes: dict[int, tuple[bytes, PoseFrame]] = {}
    best: dict[str | None, tuple[float, np.ndarray, PoseFrame]] = {}
    count, width, height, last_t = 0, 0, 0, 0.0
    complete, interruption = True, None
    iterator = frames(iter(source)) if frames else iter(source)
    try:
        for frame in iterator:
            pose = poses(frame)
            count += 1
            height, width = frame.image.shape[:2]
            last_t = pose.t
            sample.add(pose)
            if check is not None:
                check.add(pose)
                check.poses.clear()  # the check needs the features only, not the poses for a replay
            if exporter:
                exporter.write(frame.index, pose)
            events = analyzer.update(pose)
            for event in events:
                if isinstance(event, RepResult) and event.counted and event.side in best:
                    keyframes[event.index] = _keyframe(best.pop(event.side))
            _keep_peak_frame(analyzer, frame, pose, best)
            if on_pose:
                on_pose(frame, pose, analyzer, events)
    except KeyboardInterrupt:
        complete, interruption = False, "interrupted by the user (Ctrl-C)"
    except BaseException:
        if exporter:
            exporter.discard()
        raise
    finally:
        source.close()
    try:
        final_events = analyzer.finish()
    except FormcheckError:  # e.g. the exercise could not be recognised: nothing to report
        if exporter:
            exporter.discard()
        if interruption:
            raise InterruptedAnalysis(f"{interruption} before the exercise was recognised; nothing to report") from None
        raise
    for event in final_events:
        if isinstance(event, RepResult) and event.counted and event.side in best:
            keyframes[event.index] = _keyframe(best.pop(event.side))
    if exporter:
        exporter.close()
    if complete and getattr(source, "problem", None):  # e.g. a truncated file: analysed up to where it breaks
        complete, interruption = False, source.problem
    fps = source.fps
    duration = last_t + 1.0 / fps if count else 0.0
    info = SourceInfo(source.name, fps, count, round(duration, 3), width, height)
    recognition = getattr(analyzer, "recognition", None)
    exercise_check = contradiction(named, check.decide()) if check is not None and named else None
    analysed = analyzer.inner if isinstance(analyzer, RecognizingAnalyzer) else analyzer
    attempts = len(analysed.reps) + len(analysed.partials)
    return summarize(
        analysed,
        info,
        complete=complete,
        interruption=interruption,
        analysed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        keyframes=keyframes,
        recognition=recognition.to_dict() if recognition is not None else None,
        camera_advice=tuple(advise(analyzer.rules, analyzer.view, sample.poses, analyzer.rep_count, attempts)),
        exercise_check=exercise_check,
    )


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

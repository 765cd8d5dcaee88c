"""The one adapter between the benchmark and the analysis layer: stored poses (+ exercise) -> report dict.

It runs the set exactly as ``formcheck analyze`` does (``formcheck.session.run_analysis``: recognition when no
exercise is named, the camera advice, the frozen SetResult, then ``build_report``), with the stored poses in place
of the video and MediaPipe. When the analysis API changes, only this function needs to follow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bench.accuracy.store import StoredPoses
from formcheck.analysis.recognize import ExerciseUnclearError
from formcheck.errors import NoPersonError
from formcheck.io.source import Frame, FrameSource
from formcheck.report.build import build_report
from formcheck.rules.loader import load_all
from formcheck.rules.model import ExerciseRules
from formcheck.session import run_analysis


class ReplaySource(FrameSource):
    """Frames of the stored clip's size and timestamps (black pixels: only their shape and times are used)."""

    def __init__(self, stored: StoredPoses, name: str) -> None:
        self.name, self.fps, self.frame_count = name, stored.fps, len(stored.poses)
        self._stamps = [p.timestamp_ms for p in stored.poses]
        self._image = np.zeros((stored.height, stored.width, 3), dtype=np.uint8)

    def __iter__(self) -> Iterator[Frame]:
        for index, stamp in enumerate(self._stamps):
            yield Frame(index, stamp, self._image)


@lru_cache(maxsize=4)
def _all_rules(extra: Path | None = None) -> dict[str, ExerciseRules]:
    return load_all(extra)


def replay(
    stored: StoredPoses, exercise: str | None, name: str = "replay", rules: Path | None = None
) -> dict[str, Any]:
    """The report dict of the stored poses analysed as ``exercise`` (None: recognise it first); ``rules`` is a
    folder of extra rule files (``formcheck analyze --rules``).

    When the exercise cannot be recognised (``formcheck analyze`` then exits with code 2), or nobody is seen,
    the dict has ``exercise`` None, ``rep_count`` 0, no reps, and the recognition.
    """
    catalogue = _all_rules(rules)
    named = catalogue[exercise] if exercise else None
    poses = iter(stored.poses)
    try:
        result = run_analysis(ReplaySource(stored, name), lambda frame: next(poses), named, catalogue=catalogue)
    except (ExerciseUnclearError, NoPersonError) as exc:
        recognition = getattr(exc, "recognition", None)
        return {"exercise": None, "rep_count": 0, "reps_by_side": None, "reps": [], "partial_reps": [],
                "cues": {}, "findings": [], "error": str(exc),
                "recognition": recognition.to_dict() if recognition is not None else None}  # fmt: skip
    return build_report(result)

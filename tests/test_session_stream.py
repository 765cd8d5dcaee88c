"""Ctrl-C while a frame is being analysed: the landmark export and the report count the same frames."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.io.source import Frame, FrameSource
from formcheck.pose.frame import PoseFrame
from formcheck.rules.loader import find_exercise
from formcheck.session import run_analysis


class Frames(FrameSource):
    name, fps, frame_count = "frames", 30.0, 60

    def __iter__(self):
        for i in range(self.frame_count):
            yield Frame(i, round(i * 1000 / 30), np.zeros((48, 64, 3), np.uint8))


class InterruptedOnFrame20(SetAnalyzer):
    """Ctrl-C lands while the analysis takes frame 20 (its pose is known and exported by then)."""

    def update(self, pose: PoseFrame) -> list:
        if pose.timestamp_ms == round(20 * 1000 / 30):
            raise KeyboardInterrupt
        return super().update(pose)


def test_ctrl_c_during_the_analysis_of_a_frame_keeps_export_and_report_in_step(tmp_path: Path) -> None:
    csv_path = tmp_path / "landmarks.csv"
    rules = find_exercise("hip_raise")
    result = run_analysis(Frames(), lambda f: PoseFrame.empty(f.timestamp_ms, (64, 48)), rules,
                          landmarks_csv=csv_path, analyzer=InterruptedOnFrame20(rules))  # fmt: skip
    with open(csv_path, newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert not result.complete and "Ctrl-C" in (result.interruption or "")
    assert len(rows) == result.source.frames == 21

"""Real people filmed by others (../shared/realworld): rep counts within one of the label."""

from __future__ import annotations

import csv

import pytest

from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.rules.loader import find_exercise
from tests.conftest import REALWORLD

LABELS = REALWORLD / "labels.csv"
ROWS = list(csv.DictReader(LABELS.open(encoding="utf-8"))) if LABELS.exists() else []
COUNTED = [r for r in ROWS if r["closest_exercise"] and r["reps"]]


def count_reps(poses: list, exercise: str) -> int:
    analyzer = SetAnalyzer(find_exercise(exercise))
    for pose in poses:
        analyzer.update(pose)
    analyzer.finish()
    return analyzer.rep_count


@pytest.mark.skipif(not COUNTED, reason="../shared/realworld is not here")
@pytest.mark.parametrize("row", COUNTED, ids=[r["file"] for r in COUNTED])
def test_rep_count_within_one_of_the_label(row: dict, poses_of) -> None:
    counted = count_reps(poses_of(REALWORLD / row["file"]), row["closest_exercise"])
    assert abs(counted - int(row["reps"])) <= 1, f"{row['file']}: counted {counted}, label {row['reps']}"

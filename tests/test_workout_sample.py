"""Acceptance of a whole workout on the rendered workout sample (several exercises, rests between them, the
one-arm row on both sides): `analyze` without --exercise finds every set with its exercise and rep count, and
with --plan it reports adherence. (`live --plan` fed the video as a camera: tests/test_live_window.py, which has
a screen.)"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import SAMPLES
from tests.media import run_formcheck
from tools.synth.workout import load_workout_truth

VIDEO = SAMPLES / "back_workout.mp4"
TRUTH = SAMPLES / "back_workout.truth.json.gz"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not VIDEO.exists(), reason="workout sample not rendered")]


def _truth_sets() -> list[tuple[str, int, dict | None]]:
    return [(s["exercise"], s["reps"], s["reps_by_side"]) for s in load_workout_truth(TRUTH)["sets"]]


def _found(report: dict) -> list[tuple[str, int, dict | None]]:
    return [(s["exercise"], s["rep_count"], s["reps_by_side"]) for s in report["sets"]]


def test_the_truth_describes_the_video() -> None:
    import cv2

    truth = load_workout_truth(TRUTH)
    capture = cv2.VideoCapture(str(VIDEO))
    assert round(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == truth["frames"]
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(truth["fps"])
    exercises = [s["exercise"] for s in truth["sets"]]
    assert len(set(exercises)) >= 3 and "one_arm_row" in exercises
    row = next(s for s in truth["sets"] if s["exercise"] == "one_arm_row")
    assert row["reps_by_side"]["left"] > 0 and row["reps_by_side"]["right"] > 0
    assert all(a["end_s"] <= b["start_s"] for a, b in zip(truth["sets"], truth["sets"][1:], strict=False))


def test_analyze_without_exercise_finds_every_set(tmp_path: Path) -> None:
    out = tmp_path / "workout.json"
    proc = run_formcheck("analyze", VIDEO, "--plan", "back-routine", "--report", out, "--report",
                         tmp_path / "workout.html", "--no-history")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert report["kind"] == "workout" and _found(report) == _truth_sets()
    schema = json.loads((Path(__file__).resolve().parents[1] / "formcheck/report/schema.json").read_text())
    for entry in report["sets"]:
        jsonschema.Draft202012Validator(schema).validate(entry["report"])   # each set: a full set report
    statuses = {p["exercise"]: p["status"] for p in report["adherence"]["sets"]}
    assert statuses == {"reverse_fly": "short", "seated_row": "short", "hip_raise": "short",
                        "bent_over_lateral_raise": "short", "one_arm_row": "short"}  # fewer reps than 10
    html = (tmp_path / "workout.html").read_text()
    assert html.count("<rect") == len(report["sets"]) and "Against the plan" in html
    plain = run_formcheck("analyze", VIDEO, "--report", tmp_path / "plain.json", "--no-history")
    assert plain.returncode == 0, plain.stderr
    assert _found(json.loads((tmp_path / "plain.json").read_text())) == _truth_sets()   # no plan needed

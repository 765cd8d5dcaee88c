"""A camera moved mid-set: the view is judged again, and counting follows the new view.

The clips are two stored rendered cases of one exercise filmed from two views, played as one
(``bench.accuracy.cuts``): the athlete's poses as MediaPipe tracked them, no rendering.
"""

from __future__ import annotations

import json

import pytest

from bench.accuracy.cuts import joined
from bench.accuracy.extract import CASES_DIR
from bench.accuracy.replay import replay
from formcheck.analysis.set_analyzer import REVIEW_HOLD_S, REVIEW_WINDOW_S, SetAnalyzer
from formcheck.pose.view import MOVED_DEG, moved_view
from formcheck.rules.loader import find_exercise


def test_the_view_changes_only_when_the_yaw_turned_by_most_of_a_view_step() -> None:
    aways = [False] * 9
    assert moved_view("side", 75.0, [40.0] * 9, aways) == "three_quarter"  # side to 45 degrees
    assert moved_view("three_quarter", 45.0, [85.0] * 9, aways) == "side"
    assert moved_view("three_quarter", 45.0, [5.0] * 9, aways) == "front"
    assert moved_view("three_quarter", 33.0, [20.0] * 9, aways) is None  # across the boundary, by 13 degrees only
    assert moved_view("front", 20.0, [20.0 + MOVED_DEG - 1] * 9, aways) is None
    assert moved_view("side", 62.0, [95.0] * 9, aways) is None  # turned, but still from the side


def counts(first: str, second: str, review: bool) -> tuple[int, list[tuple[float, str]], dict]:
    """(reps, the analyzer's views, the joined truth) of two stored cases played as one clip."""
    stored, truth = joined(CASES_DIR / f"{first}.truth.json", CASES_DIR / f"{second}.truth.json")
    analyzer = SetAnalyzer(find_exercise(truth["exercise"]), review_view=review)
    for pose in stored.poses:
        analyzer.update(pose)
    analyzer.finish()
    return analyzer.rep_count, analyzer.views, truth


@pytest.mark.parametrize(("first", "second"), [("reverse_fly_az045_0", "reverse_fly_azm090_0"),
                                               ("hip_raise_az045_0", "hip_raise_az090_0")])  # fmt: skip
def test_a_set_filmed_from_45_degrees_then_from_the_side_counts_every_rep(first: str, second: str) -> None:
    reps, views, truth = counts(first, second, review=True)
    cut_s = truth["reps"][len(json.loads((CASES_DIR / f"{first}.truth.json").read_text())["reps"])]["start_s"]
    assert [view for _, view in views] == ["three_quarter", "side"]
    assert 0 < views[1][0] - cut_s < REVIEW_WINDOW_S + REVIEW_HOLD_S + 1.0  # soon after the cut
    assert reps == truth["rep_count"]
    judged_once, _, _ = counts(first, second, review=False)
    assert judged_once < reps  # judged once, from the first second, reps after the cut were lost


def test_a_view_named_by_the_caller_is_not_judged_again() -> None:
    stored, _ = joined(CASES_DIR / "reverse_fly_az045_0.truth.json", CASES_DIR / "reverse_fly_azm090_0.truth.json")
    analyzer = SetAnalyzer(find_exercise("reverse_fly"), view="three_quarter")
    for pose in stored.poses:
        analyzer.update(pose)
    analyzer.finish()
    assert analyzer.views == [(0.0, "three_quarter")] and analyzer.view == "three_quarter"


def test_the_report_says_where_the_camera_moved() -> None:
    stored, _ = joined(CASES_DIR / "hip_raise_az045_0.truth.json", CASES_DIR / "hip_raise_az090_0.truth.json")
    camera = replay(stored, "hip_raise")["camera"]
    assert [v["view"] for v in camera["views"]] == ["three_quarter", "side"] and camera["view"] == "side"
    moved_at = round(camera["views"][1]["from_s"])
    assert camera["view_label"] == f"from 45° (three-quarter), then from the side from {moved_at} s"


@pytest.mark.parametrize("case", ["reverse_fly_az045_0", "one_arm_row_azm090_0", "seated_row_az090_0",
                                  "hip_raise_az090_0", "bent_over_lateral_raise_az030_0"])  # fmt: skip
def test_a_camera_that_stays_put_keeps_its_view(case: str) -> None:
    camera = replay(*_stored(case))["camera"]
    assert len(camera["views"]) == 1


def _stored(case: str):
    from bench.accuracy.store import load_poses

    return load_poses(CASES_DIR / f"{case}.npz"), json.loads((CASES_DIR / f"{case}.truth.json").read_text())["exercise"]


def test_after_a_new_set_is_started_a_moved_camera_is_still_followed() -> None:
    """Live starts the next set with the same view (key r); the camera can still move during it."""
    stored, _ = joined(CASES_DIR / "hip_raise_az045_0.truth.json", CASES_DIR / "hip_raise_az090_0.truth.json")
    first_reps = len(json.loads((CASES_DIR / "hip_raise_az045_0.truth.json").read_text())["reps"])
    analyzer = SetAnalyzer(find_exercise("hip_raise"))
    poses = iter(stored.poses)
    for pose in poses:
        analyzer.update(pose)
        if analyzer.rep_count == first_reps:  # the first camera's reps are done: a new set
            break
    analyzer.reset()
    assert analyzer.view == "three_quarter" and analyzer.review_view
    for pose in poses:
        analyzer.update(pose)
    assert [view for _, view in analyzer.views] == ["three_quarter", "side"]

"""People in view: nobody, somebody who leaves and comes back, two people, and cues a view cannot judge."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import EXIT_NO_PERSON, EXIT_OK
from tests.media import (
    assert_clean_error,
    blank_left,
    blank_wall_video,
    cut,
    hip_centres_x,
    real_clip,
    run_formcheck,
    side_by_side,
    with_gap,
)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("people")


@pytest.fixture(scope="module")
def bridge(media: Path) -> Path:
    """A real hip raise (3 reps in 10 s), 480 px wide at 15 fps."""
    return cut(real_clip("hip_raise_b.mp4"), media / "bridge.mp4", width=480, fps=15)


def analyze(video: Path, tmp_path: Path, exercise: str, *extra: str) -> tuple[int, str, dict]:
    report = tmp_path / "report.json"
    proc = run_formcheck("analyze", video, "-e", exercise, "-q", "--report", report, *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return proc.returncode, proc.stderr, data


def assert_unjudged_cues_have_no_faults(data: dict) -> None:
    """A cue that was not checked says why and never reports a fault."""
    for cue_id, cue in data["cues"].items():
        if not cue["checked"]:
            assert cue["not_checked_reason"], cue_id
            assert cue["fault"] is False and cue["message"] is None, cue_id
    unchecked = {cue_id for cue_id, cue in data["cues"].items() if not cue["checked"]}
    assert not [f for f in data["findings"] if f["cue"] in unchecked]
    for rep in data["reps"]:
        assert not set(rep["faults"]) & unchecked


def test_nobody_in_the_whole_video(tmp_path: Path) -> None:
    """A blank wall: exit 3 with one line, and the report is still written, saying nobody was seen."""
    video = blank_wall_video(tmp_path / "wall.mp4", seconds=2.0)
    report = tmp_path / "report.json"
    proc = run_formcheck("analyze", video, "-e", "seated_row", "-q", "--report", report)
    assert_clean_error(proc, EXIT_NO_PERSON, "nobody")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["complete"] is True
    assert data["source"]["frames"] == 60
    assert data["person"]["frames_with_person"] == 0 and data["person"]["detected_fraction"] == 0
    assert data["rep_count"] == 0 and data["reps"] == [] and data["findings"] == [] and data["score"] is None
    assert data["camera"]["view"] is None
    for cue in data["cues"].values():
        assert cue["checked"] is False and cue["fault"] is False
        assert "nobody" in cue["not_checked_reason"]


def test_person_leaves_and_comes_back(bridge: Path, media: Path, tmp_path: Path) -> None:
    """Two seconds of empty picture spliced between reps: counting goes on after it, and the gap is reported."""
    video = with_gap(bridge, media / "bridge_gap.mp4", at_s=4.5, gap_s=2.0)
    code, stderr, data = analyze(video, tmp_path, "hip_raise")
    assert code == EXIT_OK, stderr
    gaps = data["person"]["gaps"]
    assert len(gaps) == 1, gaps
    assert gaps[0]["start_s"] == pytest.approx(4.5, abs=0.3)
    assert gaps[0]["end_s"] == pytest.approx(6.5, abs=0.3)
    before = [r for r in data["reps"] if r["end_s"] <= gaps[0]["start_s"]]
    after = [r for r in data["reps"] if r["start_s"] >= gaps[0]["end_s"]]
    assert len(before) >= 1 and len(after) >= 2, data["reps"]
    assert data["rep_count"] == len(before) + len(after)  # no rep spans the gap


@pytest.fixture(scope="module")
def two_people(media: Path) -> tuple[Path, float]:
    """A seated row (large, left) next to another seated row (small, right); returns the video and the border."""
    big = cut(real_clip("seated_row_a.mp4"), media / "big.mp4", duration_s=4, height=360, fps=15)
    small = cut(real_clip("seated_row_b.mp4"), media / "small.mp4", duration_s=4, height=360, fps=15)
    video = media / "two.mp4"
    split = side_by_side(big, small, video, big_crop=(0.2, 0.8))
    return video, split


def test_two_people_follows_the_most_prominent(two_people: tuple[Path, float], tmp_path: Path) -> None:
    video, split = two_people
    landmarks = tmp_path / "landmarks.csv"
    code, stderr, _ = analyze(video, tmp_path, "seated_row", "--landmarks", str(landmarks))
    assert code == EXIT_OK, stderr
    xs = [x for x in hip_centres_x(landmarks) if x is not None]
    assert len(xs) > 50
    assert max(xs) < split, "the tracked hips went over to the smaller person"


def test_two_people_no_jump_when_the_followed_one_vanishes(
    two_people: tuple[Path, float], media: Path, tmp_path: Path
) -> None:
    """The larger person is blacked out for a second: formcheck reports nobody rather than switching to the
    other person, and picks the first person up again when they reappear."""
    video, split = two_people
    gap_video = blank_left(video, media / "two_gap.mp4", upto=split, start_s=1.5, end_s=2.5)
    landmarks = tmp_path / "landmarks.csv"
    code, stderr, _ = analyze(gap_video, tmp_path, "seated_row", "--landmarks", str(landmarks))
    assert code == EXIT_OK, stderr
    xs = hip_centres_x(landmarks)
    fps = 15
    seen = [x for x in xs if x is not None]
    assert max(seen) < split, "followed the other person"
    assert all(x is None for x in xs[round(1.6 * fps): round(2.4 * fps)])  # blacked out: nobody followed
    assert sum(x is not None for x in xs[round(2.7 * fps):]) > fps  # and found again afterwards


def test_real_two_person_clip_does_not_jump(media: Path, tmp_path: Path) -> None:
    """A lifter and a coach, filmed handheld: the followed hip centre moves smoothly, never hops between them."""
    video = cut(real_clip("row_two_people_handheld.mp4"), media / "coach.mp4", duration_s=5, width=240, fps=15)
    landmarks = tmp_path / "landmarks.csv"
    code, stderr, _ = analyze(video, tmp_path, "seated_row", "--landmarks", str(landmarks))
    assert code == EXIT_OK, stderr
    xs = np.array([x for x in hip_centres_x(landmarks) if x is not None])
    assert len(xs) > 30
    assert np.max(np.abs(np.diff(xs))) < 0.15, np.round(xs, 2)


def test_cue_the_view_cannot_judge_is_reported_not_checked(media: Path, tmp_path: Path) -> None:
    """A seated row filmed from the side: the elbow-flare cue needs a front or 45° view, so it is not checked
    and says why; it raises no fault."""
    video = cut(real_clip("seated_row_a.mp4"), media / "row_side.mp4", width=400, fps=15)
    code, stderr, data = analyze(video, tmp_path, "seated_row")
    assert code == EXIT_OK, stderr
    assert data["camera"]["view"] == "side"
    elbows = data["cues"]["elbows_back"]
    assert elbows["checked"] is False
    assert "side" in elbows["not_checked_reason"] and "film" in elbows["not_checked_reason"]
    assert data["rep_count"] >= 1
    assert any(cue["checked"] for cue in data["cues"].values())
    assert_unjudged_cues_have_no_faults(data)


def test_wrong_exercise_for_the_video(bridge: Path, tmp_path: Path) -> None:
    """A hip raise analysed as a seated row: whatever cannot be judged is marked so, with a reason, no false faults."""
    code, stderr, data = analyze(bridge, tmp_path, "seated_row")
    assert code == EXIT_OK, stderr
    assert any(not cue["checked"] for cue in data["cues"].values())
    assert_unjudged_cues_have_no_faults(data)

"""A workout split into sets: stored poses of single sets joined into one stream, with the person leaving the
picture or resting between them (no MediaPipe: the poses were tracked once by the accuracy benchmark)."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bench.accuracy.extract import CASES_DIR
from bench.accuracy.store import load_poses
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.workout import ABSENT_S, REST_S, SetEnded, WorkoutSplitter
from formcheck.pose.frame import PoseFrame
from formcheck.rules.loader import find_exercise, load_all
from tools.synth.workout import load_workout_truth

FLY, HIP, ROW = "reverse_fly_azm045_1", "hip_raise_azm090_2", "one_arm_row_azm045_0"


def _truth(case: str) -> dict:
    return json.loads((CASES_DIR / f"{case}.truth.json").read_text())


def _shifted(case: str, start_ms: int) -> list[PoseFrame]:
    stored = load_poses(CASES_DIR / f"{case}.npz")
    return [replace(p, timestamp_ms=p.timestamp_ms + start_ms) for p in stored.poses]


def _gap(start_ms: int, seconds: float, size: tuple[int, int], still: PoseFrame | None = None) -> list[PoseFrame]:
    """Nobody in the picture (or ``still`` held without moving) for ``seconds``, at 24 frames a second."""
    frames = int(seconds * 24)
    if still is None:
        return [PoseFrame.empty(start_ms + round(i * 1000 / 24), size) for i in range(frames)]
    return [replace(still, timestamp_ms=start_ms + round(i * 1000 / 24)) for i in range(frames)]


def _workout(cases: list[str], rest_s: float, in_view: bool) -> list[PoseFrame]:
    stream: list[PoseFrame] = []
    for i, case in enumerate(cases):
        start = stream[-1].timestamp_ms + 42 if stream else 0
        stream += _shifted(case, start)
        if i < len(cases) - 1:
            last = stream[-1]
            still = next(p for p in reversed(stream) if not p.is_empty) if in_view else None
            stream += _gap(last.timestamp_ms + 42, rest_s, last.image_size, still)
    return stream


def _split(stream: list[PoseFrame]) -> list[SetEnded]:
    splitter = WorkoutSplitter(load_all())
    events = [e for pose in stream for e in splitter.update(pose)] + splitter.finish()
    return [e for e in events if isinstance(e, SetEnded)]


@pytest.mark.skipif(not (CASES_DIR / f"{FLY}.npz").exists(), reason="stored bench cases missing")
def test_sets_split_where_the_person_leaves_the_picture() -> None:
    cases = [FLY, HIP, ROW]
    sets = _split(_workout(cases, ABSENT_S + 1.0, in_view=False))
    assert [s.analyzer.rules.id for s in sets] == [_truth(c)["exercise"] for c in cases]
    assert [s.analyzer.rep_count for s in sets] == [_truth(c)["rep_count"] for c in cases]
    assert sets[2].analyzer.reps_by_side() == _truth(ROW)["reps_by_side"]
    assert [s.reason for s in sets] == ["left the picture", "left the picture", "ended"]
    assert all(a.end_s < b.start_s for a, b in itertools.pairwise(sets))


@pytest.mark.skipif(not (CASES_DIR / f"{FLY}.npz").exists(), reason="stored bench cases missing")
def test_a_rest_in_view_longer_than_any_pause_in_a_set_ends_it() -> None:
    sets = _split(_workout([FLY, HIP], REST_S + 5.0, in_view=True))
    assert [(s.analyzer.rules.id, s.analyzer.rep_count) for s in sets] == [
        ("reverse_fly", _truth(FLY)["rep_count"]), ("hip_raise", _truth(HIP)["rep_count"])]
    assert sets[0].reason == "rested"


@pytest.mark.skipif(not (CASES_DIR / f"{FLY}.npz").exists(), reason="stored bench cases missing")
def test_a_short_absence_within_a_set_does_not_split_it() -> None:
    stream = _shifted(FLY, 0)
    cut = len(stream) // 2   # the person is lost for a second in the middle of the set
    lost = [PoseFrame.empty(p.timestamp_ms, p.image_size) for p in stream[cut:cut + 24]]
    sets = _split(stream[:cut] + lost + stream[cut + 24:])
    assert len(sets) == 1 and sets[0].analyzer.rules.id == "reverse_fly"


@pytest.mark.skipif(not (CASES_DIR / f"{FLY}.npz").exists(), reason="stored bench cases missing")
def test_the_plan_names_the_exercise_when_recognition_is_unsure() -> None:
    """A fly filmed 60° off the front: the forearms' rise is unclear, so alone it is no set; planned, the fly is
    its best and likely candidate and is analysed."""
    case = "reverse_fly_az060_0"
    assert _split(_shifted(case, 0)) == []
    splitter = WorkoutSplitter(load_all(), expected=["reverse_fly"])
    events = [e for pose in _shifted(case, 0) for e in splitter.update(pose)] + splitter.finish()
    planned = [e for e in events if isinstance(e, SetEnded)]
    assert [(s.analyzer.rules.id, s.planned) for s in planned] == [("reverse_fly", "reverse_fly")]
    assert planned[0].analyzer.rep_count == _truth(case)["rep_count"]


@pytest.mark.skipif(not (CASES_DIR / f"{FLY}.npz").exists(), reason="stored bench cases missing")
def test_the_plan_does_not_make_a_negative_a_set() -> None:
    """A hip hinge with hanging arms is no fly, even when the plan expects one (it is not even likely)."""
    splitter = WorkoutSplitter(load_all(), expected=["reverse_fly"])
    events = [e for pose in _shifted("hip_hinge_az045_0", 0) for e in splitter.update(pose)] + splitter.finish()
    assert [e for e in events if isinstance(e, SetEnded)] == []


WORKOUT_POSES = Path(__file__).resolve().parents[1] / "bench" / "accuracy" / "workouts" / "back_workout.npz"
WORKOUT_TRUTH = Path(__file__).resolve().parents[1] / "sample_videos" / "back_workout.truth.json.gz"


@pytest.mark.skipif(not WORKOUT_POSES.exists(), reason="stored workout poses missing")
def test_the_workout_sample_splits_into_its_sets() -> None:
    """The rendered workout's stored poses (tracked once from sample_videos/back_workout.mp4)."""
    truth = load_workout_truth(WORKOUT_TRUTH)
    sets = _split(load_poses(WORKOUT_POSES).poses)
    assert [(s.analyzer.rules.id, s.analyzer.rep_count, s.analyzer.reps_by_side()) for s in sets] == [
        (t["exercise"], t["reps"], t["reps_by_side"]) for t in truth["sets"]]
    for found, true in zip(sets, truth["sets"], strict=True):
        assert true["start_s"] <= found.start_s and found.end_s <= true["end_s"]


@pytest.mark.skipif(not WORKOUT_POSES.exists(), reason="stored workout poses missing")
def test_getting_up_after_hip_raises_is_not_a_rep() -> None:
    """Standing up from the floor straightens the shoulder-hip-knee line as a bridge does; the torso rising past
    halfway to upright shows it is getting up (the hip raise is done lying down)."""
    truth = next(t for t in load_workout_truth(WORKOUT_TRUTH)["sets"] if t["exercise"] == "hip_raise")
    poses = [p for p in load_poses(WORKOUT_POSES).poses if truth["start_s"] <= p.t < truth["end_s"]]
    lying = find_exercise("hip_raise")
    unchecked = replace(lying, rep=replace(lying.rep, max_torso_rise=None))
    counts = []
    for rules in (lying, unchecked):
        analyzer = SetAnalyzer(rules)
        for pose in poses:
            analyzer.update(pose)
        analyzer.finish()
        counts.append(analyzer.rep_count)
    assert counts == [truth["reps"], truth["reps"] + 1]


@pytest.mark.skipif(not (CASES_DIR / f"{FLY}.npz").exists(), reason="stored bench cases missing")
@pytest.mark.parametrize("cases", [
    ("reverse_fly_azm045_0", "bent_over_lateral_raise_azm045_0"),   # the same posture, another arm movement
    ("hip_raise_azm090_0", "seated_row_azm060_0"),                    # lying, then sitting
    ("seated_row_azm045_0", "one_arm_row_azm045_0"),
])  # fmt: skip
def test_a_change_of_exercise_without_a_rest_starts_a_new_set(cases: tuple[str, str]) -> None:
    """One set straight after the other, no rest and nobody leaving: the second exercise, recognised for a while
    in the set's last seconds, starts a set of its own, and each set keeps its own reps."""
    sets = _split(_workout(list(cases), 0.0, in_view=True))
    assert [(s.analyzer.rules.id, s.analyzer.rep_count, s.analyzer.reps_by_side()) for s in sets] == [
        (_truth(c)["exercise"], _truth(c)["rep_count"], _truth(c)["reps_by_side"]) for c in cases]
    assert sets[0].reason == "changed exercise" and sets[0].end_s <= sets[1].start_s


@pytest.mark.skipif(not (CASES_DIR / f"{FLY}.npz").exists(), reason="stored bench cases missing")
def test_a_workout_without_rests_is_reported_set_by_set() -> None:
    """The whole path `analyze` takes (run_workout: each set frozen with its own frames) on sets that follow one
    another straight away, then after the person left the picture."""
    from formcheck.io.source import Frame, FrameSource
    from formcheck.workout_session import run_workout

    cases = ["reverse_fly_azm045_0", "bent_over_lateral_raise_azm045_0", "hip_raise_azm090_2"]
    stream = _workout(cases[:2], 0.0, in_view=True)
    stream += _gap(stream[-1].timestamp_ms + 42, ABSENT_S + 1.0, stream[-1].image_size)
    stream += _shifted(cases[2], stream[-1].timestamp_ms + 42)

    class Replay(FrameSource):
        name, fps, frame_count = "joined", 24.0, len(stream)

        def __iter__(self):
            for i, pose in enumerate(stream):
                yield Frame(i, pose.timestamp_ms, np.zeros((480, 640, 3), np.uint8))

    poses = iter(stream)
    workout = run_workout(Replay(), lambda frame: next(poses), load_all())
    assert [(s.result.rules.id, s.result.rep_count, s.ended_by) for s in workout.sets] == [
        ("reverse_fly", _truth(cases[0])["rep_count"], "changed exercise"),
        ("bent_over_lateral_raise", _truth(cases[1])["rep_count"], "left the picture"),
        ("hip_raise", _truth(cases[2])["rep_count"], "ended")]
    assert sum(s.result.source.frames for s in workout.sets) >= len(stream) * 0.8   # every set has its frames
    assert all(s.result.source.frames > 0 and s.result.keyframes for s in workout.sets)

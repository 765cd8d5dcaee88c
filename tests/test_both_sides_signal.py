"""The one signal counted for an exercise done with both sides together."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.framelog import COUNTED
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.rules.loader import find_exercise
from tests.posebuild import make_pose


def counted(view: str, signal: tuple[float, float], seen: tuple[float, float]) -> float:
    """The value the counter followed for one frame with these per-side readings."""
    analyzer = SetAnalyzer(find_exercise("reverse_fly"), view=view)
    row = np.full(2 * len(analyzer.measure_keys()), np.nan)
    row[0:4] = [*signal, *seen]
    analyzer.advance(0.0, row)
    return float(analyzer.log.column(COUNTED, "left", analyzer.log.window(0.0, 0.0))[0])


@pytest.mark.parametrize("view", ["front", "back", "side", "three_quarter"])
def test_two_seen_sides_count_as_their_mean(view: str) -> None:
    """A camera above the shoulders reads the arm swinging toward it lower and the other higher: the mean cancels."""
    assert counted(view, (0.8, 0.4), (0.8, 0.4)) == pytest.approx(0.6)


def counted_series(view: str, frames: list[tuple[tuple[float, float], tuple[float, float]]]) -> list[float]:
    """The values the counter followed for frames (30 fps) of (signal left, right), (seen left, right)."""
    analyzer = SetAnalyzer(find_exercise("reverse_fly"), view=view)
    for i, (signal, seen) in enumerate(frames):
        row = np.full(2 * len(analyzer.measure_keys()), np.nan)
        row[0:4] = [*signal, *seen]
        analyzer.advance(i / 30, row)
    return list(analyzer.log.column(COUNTED, "left", analyzer.log.window(0.0, 1e9)))


@pytest.mark.parametrize("view", ["side", "three_quarter"])
def test_from_the_side_a_far_side_the_camera_does_not_see_is_left_out(view: str) -> None:
    """The near side (here the left) alone, while the far side's landmarks are a guess behind the body."""
    values = counted_series(view, [((0.8, 0.4), (0.8, np.nan))] * 60)
    assert values[-1] == pytest.approx(0.8)


@pytest.mark.parametrize("view", ["side", "three_quarter"])
def test_a_far_side_passing_behind_the_body_shifts_nothing(view: str) -> None:
    """Seen until now and hidden for a moment (an arm behind the body at the top of a rep): the mix stays."""
    values = counted_series(view, [((0.8, 0.4), (0.8, 0.4))] * 150 + [((0.8, 0.4), (0.8, np.nan))] * 3)
    assert values[149] == pytest.approx(0.6)
    assert abs(values[-1] - values[149]) < 0.01


def test_from_the_front_both_sides_in_the_picture_count_even_when_not_clearly_seen() -> None:
    """Seen from behind, wrists have a low visibility but are in the picture (presence): both count."""
    assert counted("back", (0.8, 0.4), (np.nan, np.nan)) == pytest.approx(0.6)
    assert counted("back", (np.nan, 0.4), (np.nan, np.nan)) == pytest.approx(0.4)


def test_cues_of_a_two_sided_exercise_are_judged_on_the_mean_of_the_seen_sides() -> None:
    """Filmed at 45 degrees from above, the near arm reads 50 degrees and the far one 100 at the top of a full fly:
    judged on their mean the height is kept; with the far side hidden, the near side alone decides."""

    def fly(far_arm: float) -> list[str]:
        analyzer = SetAnalyzer(find_exercise("reverse_fly"), view="three_quarter")
        keys = analyzer.measure_keys()
        faults: list[str] = []
        for t in np.arange(0.0, 6.0, 1 / 30):
            lift = float(np.clip(np.sin(np.pi * (t - 1.0) / 2.0), 0.0, 1.0)) if 1.0 <= t <= 3.0 else 0.0
            row = np.full(2 * len(keys), np.nan)
            row[0:4] = [lift, lift, lift, lift]
            for key, value in (("torso_angle", 45.0), ("elbows_soft", 160.0), ("wrists_below_elbows", -0.3),
                               ("shoulders_down", 0.3), ("raise_height", None)):  # fmt: skip
                if key in keys:
                    i = 2 * keys.index(key)
                    row[i : i + 2] = (50 * lift, far_arm * lift) if value is None else (value, value)
            faults += [f for rep in analyzer.advance(float(t), row) for f in rep.faults]
        faults += [f for rep in analyzer.finish() for f in rep.faults]
        return faults

    assert "raise_height" not in fly(far_arm=100.0)
    assert "raise_height" in fly(far_arm=np.nan)


@pytest.mark.parametrize(("view", "expected"), [("side", 0.0), ("three_quarter", 0.0), ("front", -90.0)])
def test_a_side_plane_signal_is_read_from_the_picture_unless_the_camera_sees_the_plane_edge_on(
    view: str, expected: float
) -> None:
    """The hip raise's line: a picture keeps straight lines straight from the side and at 3/4 (where MediaPipe's
    depth of a lying body is poor); from the feet end the side plane is edge-on and only depth can tell."""
    straight = {f"{side}_{joint}": (100.0 * i, 500.0) for side in ("left", "right")
                for i, joint in enumerate(("shoulder", "hip", "knee"))}  # fmt: skip
    # in 3D the hips sag a right angle below the line (MediaPipe world: y down)
    sagging = {"shoulder": (0.0, 0.0, 0.0), "hip": (0.3, 0.0, 0.0), "knee": (0.3, -0.3, 0.0)}
    folded = {f"{side}_{joint}": point for side in ("left", "right") for joint, point in sagging.items()}
    pose = make_pose(image=straight, world=folded)
    analyzer = SetAnalyzer(find_exercise("hip_raise"), view=view)
    analyzer.update(pose)
    signal = analyzer.log.column("signal", "left", analyzer.log.window(0.0, 1e9))
    assert float(signal[0]) == pytest.approx(expected, abs=1e-6)

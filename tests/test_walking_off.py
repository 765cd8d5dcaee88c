"""A movement made while the person walks across the picture (e.g. off at the end of a set) is no rep."""

from __future__ import annotations

import numpy as np

from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.pose.frame import PoseFrame
from formcheck.rules.loader import find_exercise
from tests.posebuild import make_pose

FPS = 30


def seated_row_pose(pull: float, shift_px: float, t_s: float) -> PoseFrame:
    """Both arms ``pull`` of the way from reaching out (0) to the ribcage (1), the body ``shift_px`` to the right."""
    reach = {"elbow": (600.0, 200.0), "wrist": (700.0, 200.0)}
    pulled = {"elbow": (440.0, 280.0), "wrist": (540.0, 280.0)}
    joints: dict[str, tuple[float, float]] = {}
    for side in ("left", "right"):
        joints[f"{side}_shoulder"] = (500.0 + shift_px, 200.0)
        joints[f"{side}_hip"] = (500.0 + shift_px, 500.0)
        for joint in ("elbow", "wrist"):
            (x0, y0), (x1, y1) = reach[joint], pulled[joint]
            joints[f"{side}_{joint}"] = (x0 + pull * (x1 - x0) + shift_px, y0 + pull * (y1 - y0))
    return make_pose(image=joints, size=(2000, 1000), t_ms=round(1000 * t_s))


def rep_profile(t: float) -> float:
    """One 5 s rep: 1 s rest, 1 s pull, 2 s hold, 1 s release."""
    return float(np.interp(t, [0, 1, 2, 4, 5], [0, 0, 1, 1, 0]))


def test_a_pull_made_while_walking_off_is_not_counted() -> None:
    analyzer = SetAnalyzer(find_exercise("seated_row"), view="side")
    frames = 5 * FPS
    for rep in range(4):
        walking = rep == 3  # the last "rep": the arms move while the body crosses two torso lengths of picture
        for i in range(frames):
            t = rep * 5 + i / FPS
            shift = 600.0 * i / frames if walking else 0.0
            analyzer.update(seated_row_pose(rep_profile(i / FPS), shift, t))
    analyzer.finish()
    assert analyzer.rep_count == 3
    assert not analyzer.partials


def test_the_same_pull_in_place_is_counted() -> None:
    analyzer = SetAnalyzer(find_exercise("seated_row"), view="side")
    for rep in range(4):
        for i in range(5 * FPS):
            analyzer.update(seated_row_pose(rep_profile(i / FPS), 0.0, rep * 5 + i / FPS))
    analyzer.finish()
    assert analyzer.rep_count == 4

"""A sixth exercise (a hip hinge) added as one rule file through --rules: listed, recognised and analysed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis.recognize import recognize
from formcheck.io.source import Frame, FrameSource
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.report.build import build_report
from formcheck.rules.loader import load_all
from formcheck.session import run_analysis
from tests.media import run_formcheck

CUSTOM = Path(__file__).parent / "custom_rules"
FPS = 30.0
SIZE = (640, 480)


def hinge_angle(t_s: float, reps: int = 10, period_s: float = 3.0) -> float:
    """Torso tipped forward (degrees) over time: 1 s standing, then ``reps`` hinges to 75 degrees and back."""
    if t_s < 1.0 or t_s >= 1.0 + reps * period_s:
        return 0.0
    phase = (t_s - 1.0) % period_s
    return float(np.interp(phase, [0.0, 1.0, 1.4, 2.4, period_s], [0.0, 75.0, 75.0, 0.0, 0.0]))


def hinge_pose(t_s: float) -> PoseFrame:
    """A person seen from the side (facing +x) hinging at the hips with the arms hanging straight down."""
    h = math.radians(hinge_angle(t_s))
    shoulder = np.array([0.5 * math.sin(h), -0.5 * math.cos(h)])  # metres, y down, hips at the origin
    head = shoulder + 0.25 * np.array([math.sin(h), -math.cos(h)])
    joints = {"SHOULDER": shoulder, "ELBOW": shoulder + np.array([0.0, 0.3]),
              "WRIST": shoulder + np.array([0.0, 0.55]),
              "HIP": np.zeros(2), "KNEE": np.array([0.05, 0.45]), "ANKLE": np.array([0.0, 0.9]),
              "HEEL": np.array([-0.05, 0.93]), "FOOT_INDEX": np.array([0.15, 0.93]),
              "EAR": head - np.array([0.05, 0.0]), "EYE": head + np.array([0.03, 0.0])}  # fmt: skip
    world = np.zeros((NUM_LANDMARKS, 3))
    for landmark in Landmark:
        part = landmark.name.removeprefix("LEFT_").removeprefix("RIGHT_")
        xy = joints.get(part, joints.get(part.split("_")[0], head))
        depth = -0.15 if landmark.name.startswith("LEFT_") else 0.15 if landmark.name.startswith("RIGHT_") else 0.0
        world[landmark] = (xy[0], xy[1], depth)
    xyz = np.column_stack([(320 + 250 * world[:, 0]) / SIZE[0], (200 + 250 * world[:, 1]) / SIZE[1],
                           world[:, 2]])  # fmt: skip
    seen = np.ones(NUM_LANDMARKS)
    return PoseFrame(xyz, world, seen, seen.copy(), round(t_s * 1000), SIZE)


class HingeVideo(FrameSource):
    """Grey frames with the timestamps of a 35 s, 30 fps clip; the poses come from :func:`hinge_pose`."""

    name, fps, frame_count, is_live = "hinge.mp4", FPS, int(35 * FPS), False

    def __iter__(self):
        image = np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)
        for i in range(self.frame_count):
            yield Frame(i, round(i * 1000 / FPS), image)


def analyse(exercise_rules=None, catalogue=None) -> dict:
    result = run_analysis(HingeVideo(), lambda frame: hinge_pose(frame.timestamp_ms / 1000), exercise_rules,
                          catalogue=catalogue)  # fmt: skip
    return build_report(result)


def test_the_exercise_is_one_rule_file_added_to_the_bundled_ones() -> None:
    catalogue = load_all(CUSTOM)
    assert "hip_hinge" in catalogue
    assert {"reverse_fly", "seated_row", "hip_raise", "bent_over_lateral_raise", "one_arm_row"} <= set(catalogue)
    assert catalogue["hip_hinge"].recognisable


def test_named_exercise_is_counted_and_judged() -> None:
    report = analyse(load_all(CUSTOM)["hip_hinge"])
    assert report["exercise"] == "hip_hinge"
    assert report["rep_count"] == 10
    assert report["cues"]["hinge_depth"]["checked"] and not report["cues"]["hinge_depth"]["fault"]


def test_without_exercise_it_is_recognised_among_the_six() -> None:
    poses = [hinge_pose(i / FPS) for i in range(int(12 * FPS))]
    assert recognize(poses, load_all(CUSTOM)).exercise == "hip_hinge"
    report = analyse(catalogue=load_all(CUSTOM))
    assert report["exercise"] == "hip_hinge" and report["rep_count"] == 10
    assert report["recognition"]["exercise"] == "hip_hinge"


def test_without_its_rule_file_a_hinge_is_none_of_the_five() -> None:
    poses = [hinge_pose(i / FPS) for i in range(int(12 * FPS))]
    assert recognize(poses).exercise is None  # a hinge with hanging arms is no fly, raise or row


def test_an_exercise_without_recognition_criteria_is_never_guessed(tmp_path: Path) -> None:
    text = (CUSTOM / "hip_hinge.toml").read_text(encoding="utf-8")
    (tmp_path / "hip_hinge.toml").write_text(text[: text.index("[[recognize]]")], encoding="utf-8")
    catalogue = load_all(tmp_path)
    assert not catalogue["hip_hinge"].recognisable
    poses = [hinge_pose(i / FPS) for i in range(int(12 * FPS))]
    assert recognize(poses, catalogue).exercise is None


def test_cli_lists_the_custom_exercise_with_its_cues() -> None:
    result = run_formcheck("exercises", "--rules", str(CUSTOM))
    assert result.returncode == 0, result.stderr
    assert "hip_hinge" in result.stdout and "hinge_depth" in result.stdout
    assert "reverse_fly" in result.stdout


def test_a_named_exercise_that_is_clearly_something_else_is_questioned() -> None:
    report = analyse(load_all(CUSTOM)["hip_hinge"], catalogue=load_all(CUSTOM))
    assert report["exercise_check"] is None  # the hinge is what was named
    wrong = analyse(load_all()["hip_raise"], catalogue=load_all(CUSTOM))  # a standing hinge named a hip raise
    assert wrong["exercise_check"]["named"] == "hip_raise"
    assert wrong["exercise_check"]["looks_like"] == "hip_hinge"


@pytest.mark.slow
def test_cli_analyses_a_rendered_hinge_with_and_without_exercise(tmp_path: Path) -> None:
    from tools.synth.config import SynthConfig
    from tools.synth.video import render

    video = tmp_path / "hinge.mp4"
    render(SynthConfig(exercise="hip_hinge", reps=4), video)
    for named in ([], ["--exercise", "hip_hinge"]):
        report = tmp_path / f"report{len(named)}.json"
        done = run_formcheck("analyze", video, "--rules", CUSTOM, "--report", report, "--no-history", *named)
        assert done.returncode == 0, done.stderr
        result = json.loads(report.read_text(encoding="utf-8"))
        assert result["exercise"] == "hip_hinge" and result["rep_count"] == 4

"""Wrong or missing advice (issue 19, item 7): a rotated picture, the body part actually cut off, image folders'
frame rate.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.analysis.camera_advice import advise, framing_advice, rotation_advice, rotation_hint
from formcheck.errors import BadInputError
from formcheck.io.source import ImageFolderSource, RotatedSource, open_source
from formcheck.pose.frame import PoseFrame
from formcheck.pose.orientation import legs_point, rotate_pose, upright_turn
from formcheck.rules.loader import load_all
from tests.media import H264, assert_clean_error, ffmpeg, run_formcheck, write_frames
from tests.posebuild import make_pose
from tests.test_recognize import synthetic

RULES = load_all()
STANDING = ("reverse_fly", "bent_over_lateral_raise", "one_arm_row")
SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"


# -- turning poses as the picture turns ----------------------------------------------------------------------
@pytest.mark.parametrize(("degrees", "code"), [(90, cv2.ROTATE_90_CLOCKWISE), (180, cv2.ROTATE_180),
                                               (270, cv2.ROTATE_90_COUNTERCLOCKWISE)])  # fmt: skip
def test_a_turned_pose_lands_where_the_turned_picture_puts_the_joint(degrees: int, code: int) -> None:
    width, height = 64, 48
    pose = make_pose({"nose": (10, 5), "left_ankle": (50, 40)}, size=(width, height))
    turned = rotate_pose(pose, degrees)
    for name, (x, y) in (("NOSE", (10, 5)), ("LEFT_ANKLE", (50, 40))):
        picture = np.zeros((height, width), np.uint8)
        picture[y, x] = 255
        row, col = np.argwhere(cv2.rotate(picture, code))[0]
        from formcheck.pose.landmarks import Landmark

        assert turned.image_size == cv2.rotate(picture, code).shape[::-1]
        assert np.allclose(turned.pixels(Landmark[name]), (col, row), atol=1.0)
    assert rotate_pose(pose, 0) is pose
    assert np.allclose(rotate_pose(rotate_pose(pose, 90), 270).xyz, pose.xyz, atol=1e-6)


# -- a standing exercise seen lying down: the picture is rotated -----------------------------------------------
@pytest.mark.parametrize("exercise", STANDING)
def test_standing_exercises_as_filmed_stand_upright(exercise: str) -> None:
    for view in RULES[exercise].views:
        poses = synthetic(exercise, view)
        assert legs_point(poses) == "up" and upright_turn(poses) == 0
        assert rotation_advice(RULES[exercise], poses) == []


@pytest.mark.parametrize("exercise", STANDING)
@pytest.mark.parametrize("turned_by", [90, 180, 270])
def test_a_rotated_standing_exercise_says_the_picture_looks_rotated(exercise: str, turned_by: int) -> None:
    poses = [rotate_pose(p, turned_by) for p in synthetic(exercise, RULES[exercise].views[0])]
    back = (360 - turned_by) % 360
    advice = advise(RULES[exercise], "side", poses)
    assert len(advice) == 1 and "picture looks rotated" in advice[0] and f"--rotate {back}" in advice[0], advice
    hint = rotation_hint(poses, RULES)
    assert hint is not None and f"--rotate {back}" in hint and RULES[exercise].name in hint


@pytest.mark.parametrize("exercise", ["hip_raise", "seated_row"])
def test_lying_and_sitting_exercises_are_not_called_rotated(exercise: str) -> None:
    poses = synthetic(exercise, "side")
    assert legs_point(poses) in ("left", "right")  # their legs lie along the floor ...
    assert rotation_advice(RULES[exercise], poses) == []  # ... as they should
    assert rotation_hint(poses, RULES) is None


# -- framing: name the body part that is cut off --------------------------------------------------------------
def portrait_crop(poses: tuple[PoseFrame, ...], x0: float, x1: float) -> list[PoseFrame]:
    """The poses as seen in a tall crop of the picture from ``x0`` to ``x1`` (fractions of the width)."""
    out = []
    for p in poses:
        width, height = p.image_size
        xyz = p.xyz.copy()
        xyz[:, 0] = (xyz[:, 0] - x0) / (x1 - x0)
        size = (round(width * (x1 - x0)), height)
        out.append(PoseFrame(xyz, p.world_xyz, p.visibility, p.presence, p.timestamp_ms, size))
    return out


def _hip_x(poses: tuple[PoseFrame, ...]) -> float:
    return float(np.median([(p.xyz[23, 0] + p.xyz[24, 0]) / 2 for p in poses]))


def test_a_tight_portrait_crop_cutting_the_hips_names_the_hips() -> None:
    """A hip raise cropped tall around the legs: hips (and head) cut at the side, not "step back so the head ..."."""
    poses = synthetic("hip_raise", "side")
    feet = float(np.median([max(p.xyz[27, 0], p.xyz[28, 0]) for p in poses]))
    hips = _hip_x(poses)
    head_on_left = float(np.median([p.xyz[0, 0] for p in poses])) < hips
    x0, x1 = (hips + 0.03, feet + 0.05) if head_on_left else (feet - 0.05, hips - 0.03)
    cropped = portrait_crop(poses, x0, x1)
    assert cropped[0].image_size[1] > cropped[0].image_size[0], "a portrait picture"
    advice = framing_advice(cropped)
    assert advice and "the hips" in advice[0], advice
    assert advice[0].startswith("turn the camera to landscape"), advice
    assert "step back so the head is in frame" not in advice


def test_a_crop_cutting_only_the_hips_of_a_bent_over_exercise_is_told() -> None:
    poses = synthetic("bent_over_lateral_raise", "side")
    hips = _hip_x(poses)
    head = float(np.median([p.xyz[0, 0] for p in poses]))
    x0, x1 = (hips + 0.03, head + 0.08) if head > hips else (head - 0.08, hips - 0.03)
    advice = framing_advice(portrait_crop(poses, x0, x1))
    assert any("the hips" in a for a in advice), advice
    assert not any("head" in a for a in advice), advice


# -- --rotate and --fps ----------------------------------------------------------------------------------------
def _marked(width: int = 64, height: int = 48) -> np.ndarray:
    image = np.zeros((height, width, 3), np.uint8)
    image[2:10, 2:12] = 255  # a white block in the top-left corner
    return image


def test_rotate_turns_every_frame_clockwise_and_keeps_the_timestamps(tmp_path: Path) -> None:
    video = write_frames(tmp_path / "v.mp4", [_marked()] * 5, fps=25.0)
    plain = list(open_source(video))
    turned = list(open_source(video, rotate=90))
    assert [f.timestamp_ms for f in turned] == [f.timestamp_ms for f in plain]
    assert turned[0].image.shape == (64, 48, 3)
    assert turned[0].image[:12, -10:].mean() > 150  # top-left corner turned clockwise: now top-right
    with pytest.raises(BadInputError, match="90, 180 or 270"):
        RotatedSource(open_source(video), 45)


def test_fps_sets_the_frame_rate_of_an_image_folder(tmp_path: Path) -> None:
    for i in range(4):
        cv2.imwrite(str(tmp_path / f"f{i:02d}.png"), _marked())
    assert [f.timestamp_ms for f in open_source(tmp_path)] == [0, 33, 67, 100]  # 30 fps unless told
    source = open_source(tmp_path, fps=10)
    assert source.fps == 10 and [f.timestamp_ms for f in source] == [0, 100, 200, 300]
    with pytest.raises(BadInputError, match="--fps"):
        ImageFolderSource(tmp_path, fps=0)


def test_fps_for_a_video_file_is_refused(tmp_path: Path) -> None:
    video = write_frames(tmp_path / "v.mp4", [_marked()] * 3)
    done = run_formcheck("analyze", video, "-e", "hip_raise", "--fps", "12")
    assert_clean_error(done, 2, "--fps", "folder of images")


def test_rotate_rejects_other_angles(tmp_path: Path) -> None:
    done = run_formcheck("analyze", tmp_path / "v.mp4", "--rotate", "45")
    assert_clean_error(done, 2, "--rotate")


@pytest.mark.slow
def test_a_sideways_video_is_told_to_rotate_and_then_counts_right(tmp_path: Path) -> None:
    """A sample filmed sideways (turned 90° clockwise, no metadata): the error names --rotate 270; with it the
    exercise is recognised and the reps counted as in the upright sample."""
    import gzip

    sample = SAMPLES / "reverse_fly_faults.mp4"
    with gzip.open(sample.with_name("reverse_fly_faults.truth.json.gz"), "rt", encoding="utf-8") as file:
        truth = json.load(file)
    sideways = tmp_path / "sideways.mp4"
    ffmpeg("-i", sample, "-vf", "transpose=1", *H264, sideways)
    done = run_formcheck("analyze", sideways, "-q", timeout=900)
    line = assert_clean_error(done, 2, "picture looks rotated", "--rotate 270")
    assert "Reverse fly" in line
    report = tmp_path / "r.json"
    done = run_formcheck("analyze", sideways, "-q", "--rotate", "270", "--report", report, timeout=900)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["exercise"] == "reverse_fly"
    assert data["rep_count"] == len(truth["reps"])
    assert not any("rotated" in a for a in data["camera"]["advice"])

"""Measures against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.pose.geometry import elevation, joint_angle, signed_distance_to_line
from formcheck.pose.measures import MEASURES, Body, get_measure
from tests.posebuild import make_pose


def image_body(**joints: tuple[float, float]) -> Body:
    return Body(make_pose(image=joints), "image")


def world_body(**joints: tuple[float, float, float]) -> Body:
    return Body(make_pose(world=joints), "world")


def test_joint_angle_right_angle_and_straight_line() -> None:
    assert joint_angle(np.array([1.0, 0, 0]), np.zeros(3), np.array([0, 1.0, 0])) == pytest.approx(90.0)
    assert joint_angle(np.array([-1.0, 0, 0]), np.zeros(3), np.array([2.0, 0, 0])) == pytest.approx(180.0)


def test_elevation_and_signed_distance() -> None:
    assert elevation(np.array([1.0, 1.0, 0.0])) == pytest.approx(45.0)
    assert elevation(np.array([0.0, -2.0, 0.0])) == pytest.approx(-90.0)
    a, b = np.array([0.0, 0, 0]), np.array([10.0, 0, 0])
    assert signed_distance_to_line(np.array([5.0, 3, 0]), a, b) == pytest.approx(3.0)
    assert signed_distance_to_line(np.array([5.0, -2, 0]), a, b) == pytest.approx(-2.0)


def test_torso_incline_45_degrees_in_image() -> None:
    body = image_body(left_shoulder=(400, 400), left_hip=(500, 500))  # shoulder up and forward by equal amounts
    assert get_measure("torso_incline")(body, "left") == pytest.approx(45.0)


def test_torso_incline_is_nan_when_joints_unseen() -> None:
    body = image_body(left_shoulder=(400, 400))
    assert math.isnan(get_measure("torso_incline")(body, "left"))


def test_knee_angle_90() -> None:
    body = image_body(right_hip=(300, 500), right_knee=(500, 500), right_ankle=(500, 700))
    assert get_measure("knee_angle")(body, "right") == pytest.approx(90.0)


def test_elbow_angle_and_flexion() -> None:
    # shoulder-elbow along x, elbow-wrist at 60 degrees above the line back: inner angle 120.
    body = image_body(left_shoulder=(0, 500), left_elbow=(100, 500), left_wrist=(150, 500 - 50 * math.sqrt(3)))
    assert get_measure("elbow_angle")(body, "left") == pytest.approx(120.0, abs=1e-3)
    assert get_measure("elbow_flexion")(body, "left") == pytest.approx(60.0, abs=1e-3)


def test_hip_line_sag_is_negative_arch_positive() -> None:
    drop = 100 * math.tan(math.radians(10))  # hip 10 degrees off the line at each end: a 20 degree bend
    sag = image_body(left_shoulder=(0, 500), left_hip=(100, 500 + drop), left_knee=(200, 500))
    arch = image_body(left_shoulder=(0, 500), left_hip=(100, 500 - drop), left_knee=(200, 500))
    assert get_measure("hip_line")(sag, "left") == pytest.approx(-20.0, abs=1e-3)
    assert get_measure("hip_line")(arch, "left") == pytest.approx(20.0, abs=1e-3)


def test_hip_lift_of_a_bridge() -> None:
    body = image_body(left_shoulder=(100, 800), left_hip=(100 + 300 * math.cos(math.radians(30)), 800 - 150))
    assert get_measure("hip_lift")(body, "left") == pytest.approx(30.0, abs=1e-3)


def test_arm_raise_hanging_and_at_shoulder_height() -> None:
    hanging = world_body(left_shoulder=(0, 0, 0), left_elbow=(0, 0.3, 0))  # world y points down
    level = world_body(left_shoulder=(0, 0, 0), left_elbow=(0, 0, -0.3))  # arm pointing at the camera
    assert get_measure("arm_raise")(hanging, "left") == pytest.approx(0.0, abs=1e-4)
    assert get_measure("arm_raise")(level, "left") == pytest.approx(90.0, abs=1e-4)


def test_wrist_above_elbow_in_torso_lengths() -> None:
    body = image_body(left_shoulder=(500, 300), left_hip=(500, 700), left_elbow=(600, 400), left_wrist=(650, 300))
    assert get_measure("wrist_above_elbow")(body, "left") == pytest.approx(0.25)


def test_elbow_lift_above_shoulder() -> None:
    body = world_body(right_shoulder=(0, 0, 0), right_hip=(0.5, 0, 0), right_elbow=(0.1, -0.1, 0))
    assert get_measure("elbow_lift")(body, "right") == pytest.approx(0.2)


def test_hand_to_ribcage() -> None:
    body = image_body(left_shoulder=(500, 200), left_hip=(500, 500), left_wrist=(560, 380))
    # the torso line is x = 500; the wrist is 60 px in front of it, a torso is 300 px long
    assert get_measure("hand_to_ribcage")(body, "left") == pytest.approx(0.2)


def test_torso_lean_sign() -> None:
    # sitting, knees toward +x: shoulder behind the hip (-x) is leaning back
    back = image_body(left_shoulder=(450, 300), left_hip=(500, 500), left_knee=(700, 450))
    forward = image_body(left_shoulder=(550, 300), left_hip=(500, 500), left_knee=(700, 450))
    lean = math.degrees(math.atan2(50, 200))
    assert get_measure("torso_lean")(back, "left") == pytest.approx(lean, abs=1e-3)
    assert get_measure("torso_lean")(forward, "left") == pytest.approx(-lean, abs=1e-3)


def test_elbow_flare_tucked_and_flared() -> None:
    torso = {"left_shoulder": (-0.2, -0.5, 0), "right_shoulder": (0.2, -0.5, 0), "left_hip": (-0.15, 0, 0),
             "right_hip": (0.15, 0, 0)}  # fmt: skip
    tucked = world_body(**torso, right_elbow=(0.2, -0.4, 0.3))   # elbow straight back
    flared = world_body(**torso, right_elbow=(0.2 + 0.3, -0.4, 0.3 * 0.0))  # elbow straight out to the side
    assert get_measure("elbow_flare")(tucked, "right") == pytest.approx(0.0, abs=1e-3)
    expected = 90 - math.degrees(math.atan2(0.1, 0.3))  # the upper arm also drops 0.1 m while going 0.3 m out
    assert get_measure("elbow_flare")(flared, "right") == pytest.approx(expected, abs=1e-3)


def test_head_drop_positive_when_head_hangs() -> None:
    # back parallel to the floor, hip at x=0, shoulder at x=400 (image, y down)
    hanging = image_body(left_hip=(0, 500), left_shoulder=(400, 500), left_ear=(500, 600))
    neutral = image_body(left_hip=(0, 500), left_shoulder=(400, 500), left_ear=(500, 500))
    assert get_measure("head_drop")(hanging, "left") == pytest.approx(45.0)
    assert get_measure("head_drop")(neutral, "left") == pytest.approx(0.0)


def test_every_measure_is_nan_on_an_empty_pose() -> None:
    from formcheck.pose.frame import PoseFrame

    body = Body(PoseFrame.empty(0, (640, 480)), "world")
    for name, measure in MEASURES.items():
        assert math.isnan(measure(body, "left")), name


def test_unknown_measure_lists_valid_names() -> None:
    with pytest.raises(ValueError, match=r"valid measures: .*arm_raise"):
        get_measure("elbow_wiggle")


def test_arm_raise_in_a_side_view_uses_the_elbow_height() -> None:
    # torso 400 px; the arm points at the camera, so it looks 50 px long, but the elbow is level with the shoulder
    level = image_body(left_shoulder=(500, 300), left_hip=(900, 300), left_elbow=(450, 300))
    hanging = image_body(left_shoulder=(500, 300), left_hip=(900, 300), left_elbow=(500, 540))
    half = image_body(left_shoulder=(500, 300), left_hip=(900, 300), left_elbow=(480, 300 + 0.55 * 400 * 0.5))
    assert get_measure("arm_raise")(level, "left") == pytest.approx(90.0)
    assert get_measure("arm_raise")(hanging, "left") == pytest.approx(0.0)
    assert get_measure("arm_raise")(half, "left") == pytest.approx(60.0, abs=0.01)


def test_elbow_rise_is_linear_in_height_from_hanging_to_shoulder_level() -> None:
    # torso 200 px, upper arm 120 px (> 0.55 torso lengths, so its own length is used)
    hanging = image_body(left_shoulder=(500, 300), left_hip=(500, 500), left_elbow=(500, 420))
    level = image_body(left_shoulder=(500, 300), left_hip=(500, 500), left_elbow=(380, 300))
    at_45 = image_body(left_shoulder=(500, 300), left_hip=(500, 500),
                       left_elbow=(500 - 120 * math.sin(math.pi / 4), 300 + 120 * math.cos(math.pi / 4)))
    rise = get_measure("elbow_rise")
    assert rise(hanging, "left") == pytest.approx(0.0, abs=1e-9)
    assert rise(level, "left") == pytest.approx(1.0)
    assert rise(at_45, "left") == pytest.approx(1 - math.cos(math.pi / 4))


def test_elbow_rise_ignores_a_lean_more_than_the_arm_angle_does() -> None:
    lean = math.radians(25)  # the arm hangs 25 degrees off the vertical, as in a hinge or a sway
    body = image_body(left_shoulder=(500, 300), left_hip=(500, 500),
                      left_elbow=(500 + 120 * math.sin(lean), 300 + 120 * math.cos(lean)))
    assert get_measure("arm_raise")(body, "left") == pytest.approx(25.0, abs=1e-4)  # pixels are float32
    assert get_measure("elbow_rise")(body, "left") == pytest.approx(1 - math.cos(lean))  # 0.094


def test_elbow_rise_takes_a_foreshortened_arm_at_its_anthropometric_length() -> None:
    # the arm points at the camera: it looks 30 px long, but is at least 0.55 torso lengths (110 px)
    body = image_body(left_shoulder=(500, 300), left_hip=(500, 500), left_elbow=(500, 330))
    assert get_measure("elbow_rise")(body, "left") == pytest.approx(1 - 30 / 110)


def test_hip_extension_takes_the_straighter_side_so_a_lifted_knee_is_not_a_lowered_hip() -> None:
    straight = {"left_shoulder": (0, 500), "left_hip": (100, 450), "left_knee": (200, 400),
                "right_shoulder": (0, 510), "right_hip": (100, 460)}
    marching = image_body(**straight, right_knee=(150, 300))  # the right knee lifted toward the chest
    assert get_measure("hip_line")(marching, "right") < -30
    assert get_measure("hip_extension")(marching, "right") == pytest.approx(0.0, abs=1e-6)


def test_hip_extension_follows_the_middle_of_a_body_filmed_from_above() -> None:
    """From above, one side's line mixes shoulder width (wide) and hip width (narrow) into the bend; the line
    through the middle of the body is straight when the bridge is."""
    # a straight bridge along x; the body's width shows as y offsets: shoulders +-60 px, hips and knees +-30 px
    top_view = image_body(left_shoulder=(0, 440), right_shoulder=(0, 560), left_hip=(100, 470),
                          right_hip=(100, 530), left_knee=(200, 470), right_knee=(200, 530))  # fmt: skip
    assert abs(get_measure("hip_line")(top_view, "left")) > 10
    assert get_measure("hip_extension")(top_view, "left") == pytest.approx(0.0, abs=1e-6)


def test_hand_pull_is_the_share_of_the_arm_drawn_in() -> None:
    # torso upright along x = 500 (300 px), upper arm and forearm 100 px each
    reaching = image_body(left_shoulder=(500, 200), left_hip=(500, 500), left_elbow=(600, 200), left_wrist=(700, 200))
    assert get_measure("hand_pull")(reaching, "left") == pytest.approx(0.0)
    # elbow drawn back and down, hand 40 px in front of the torso line: 1 - 40 / 200
    pulled = image_body(left_shoulder=(500, 200), left_hip=(500, 500), left_elbow=(440, 280), left_wrist=(540, 280))
    assert get_measure("hand_pull")(pulled, "left") == pytest.approx(0.8)

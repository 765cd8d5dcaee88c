"""Measures: pure functions of one pose, looked up by name from the rule files.

Every measure takes a :class:`Body` and the side to use ("left" or "right") and returns a float, or NaN when
the joints it needs are not visible enough. Angles are in degrees; lengths are in torso lengths (shoulder to
hip on the same side), so they do not depend on the image size or the person's height.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.geometry import UP, angle_between, elevation, joint_angle, signed_distance_to_line
from formcheck.pose.landmarks import Landmark

Side = Literal["left", "right"]
Space = Literal["image", "world"]
Gate = Literal["visibility", "presence"]
SIDES: tuple[Side, Side] = ("left", "right")
MIN_VISIBILITY = 0.5
UPPER_ARM_TO_TORSO = 0.55  # shoulder-elbow over shoulder-hip length in adults (anthropometric tables: ~0.55-0.65)
NAN = float("nan")


class Body:
    """A pose seen in one coordinate space, with y pointing up.

    ``image`` space is pixels (true angles in the picture plane, best from a side view); ``world`` space is
    MediaPipe's metric 3D estimate around the hips (needed when limbs move toward the camera).
    """

    def __init__(self, frame: PoseFrame, space: Space, gate: Gate = "visibility") -> None:
        self.frame = frame
        self.space = space
        # Cues are judged on joints the camera sees (visibility); the rep signal needs joints that are in the
        # picture (presence): seen from behind, wrists have visibility under 0.1 and presence above 0.8.
        self._confidence = frame.presence if gate == "presence" else frame.visibility
        if space == "image":
            xy = frame.pixel_xy()
            self._points = np.column_stack([xy[:, 0], -xy[:, 1], np.zeros(len(xy))]).astype(np.float64)
        else:
            self._points = frame.world_xyz.astype(np.float64) * np.array([1.0, -1.0, -1.0])

    def visible(self, *landmarks: Landmark) -> bool:
        """True when all the landmarks are seen (or, with the presence gate, in the picture) confidently enough."""
        return bool(np.all(self._confidence[list(landmarks)] >= MIN_VISIBILITY))

    def p(self, landmark: Landmark) -> np.ndarray:
        """Position of a landmark in this space (y up)."""
        return self._points[landmark]

    def joint(self, side: Side, name: str) -> np.ndarray:
        """Position of a side's joint, e.g. ``joint("left", "elbow")``."""
        return self._points[Landmark[f"{side.upper()}_{name.upper()}"]]

    def torso_length(self, side: Side) -> float:
        """Shoulder-to-hip distance on one side."""
        return float(np.linalg.norm(self.joint(side, "shoulder") - self.joint(side, "hip")))


def _lm(side: Side, name: str) -> Landmark:
    return Landmark[f"{side.upper()}_{name.upper()}"]


def _needs(body: Body, side: Side, *names: str) -> bool:
    return body.visible(*(_lm(side, name) for name in names))


def torso_incline(body: Body, side: Side) -> float:
    """Torso angle above the horizontal: 0 parallel to the floor, 90 upright."""
    if not _needs(body, side, "shoulder", "hip"):
        return NAN
    return elevation(body.joint(side, "shoulder") - body.joint(side, "hip"))


def hip_hinge(body: Body, side: Side) -> float:
    """How far the torso is tipped forward from upright: 0 standing tall, 90 parallel to the floor."""
    return 90.0 - torso_incline(body, side)


def torso_lean(body: Body, side: Side) -> float:
    """Torso angle from vertical when sitting, positive leaning back (away from the knees)."""
    if not _needs(body, side, "shoulder", "hip", "knee"):
        return NAN
    torso = body.joint(side, "shoulder") - body.joint(side, "hip")
    forward = body.joint(side, "knee") - body.joint(side, "hip")
    forward_flat = forward - np.dot(forward, UP) * UP
    lean = angle_between(torso, UP)
    return lean if np.dot(torso, forward_flat) < 0 else -lean


def knee_angle(body: Body, side: Side) -> float:
    """Hip-knee-ankle angle: 180 with a straight leg."""
    if not _needs(body, side, "hip", "knee", "ankle"):
        return NAN
    return joint_angle(body.joint(side, "hip"), body.joint(side, "knee"), body.joint(side, "ankle"))


def elbow_angle(body: Body, side: Side) -> float:
    """Shoulder-elbow-wrist angle: 180 with a straight arm."""
    if not _needs(body, side, "shoulder", "elbow", "wrist"):
        return NAN
    return joint_angle(body.joint(side, "shoulder"), body.joint(side, "elbow"), body.joint(side, "wrist"))


def elbow_flexion(body: Body, side: Side) -> float:
    """How far the elbow is bent: 0 with a straight arm."""
    return 180.0 - elbow_angle(body, side)


def hip_line(body: Body, side: Side) -> float:
    """Bend at the hip away from the shoulder-knee line: negative when the hips sag, positive when arched."""
    if not _needs(body, side, "shoulder", "hip", "knee"):
        return NAN
    return _signed_hip_bend(*(body.joint(side, n) for n in ("shoulder", "hip", "knee")))


def _signed_hip_bend(shoulder: np.ndarray, hip: np.ndarray, knee: np.ndarray) -> float:
    """The hip's bend away from the shoulder-knee line, negative when the hip lies below it."""
    bend = 180.0 - joint_angle(shoulder, hip, knee)
    return bend if signed_distance_to_line(hip, shoulder, knee) >= 0 else -bend


def hip_lift(body: Body, side: Side) -> float:
    """Angle of the shoulder-to-hip line above the floor (0 lying flat, larger as the hips rise)."""
    if not _needs(body, side, "shoulder", "hip"):
        return NAN
    return elevation(body.joint(side, "hip") - body.joint(side, "shoulder"))


def arm_raise(body: Body, side: Side) -> float:
    """Upper arm angle from hanging straight down: 0 hanging, 90 at shoulder height.

    In image space (side views) an arm raised sideways points at the camera and looks short, so the angle comes
    from how far the elbow hangs below the shoulder compared with the arm's length, which is at least
    ``UPPER_ARM_TO_TORSO`` torso lengths: height survives the projection, length does not.
    """
    if not _needs(body, side, "shoulder", "elbow"):
        return NAN
    upper_arm = body.joint(side, "elbow") - body.joint(side, "shoulder")
    if body.space == "world":
        return angle_between(upper_arm, -UP)
    if not _needs(body, side, "hip"):
        return NAN
    length = max(float(np.linalg.norm(upper_arm)), UPPER_ARM_TO_TORSO * body.torso_length(side))
    drop = -float(upper_arm[1])
    return float(np.degrees(np.arccos(np.clip(drop / length, -1.0, 1.0))))


def elbow_rise(body: Body, side: Side) -> float:
    """How far the elbow has risen from hanging below the shoulder, in upper-arm lengths: 0 hanging, 1 level
    with the shoulder (the top of a fly, a T raise or a row).

    Height is linear in the lift, 1 - cos of the upper arm's angle: an arm leaning 25 degrees off the vertical
    (a hinge, a sway) reads 0.09, a raise to shoulder height 1.0, so only raising the arm moves it. The upper arm's
    length is its measured length, at least ``UPPER_ARM_TO_TORSO`` torso lengths (an arm pointing at the camera
    looks short in the picture; its height survives the projection).
    """
    if not _needs(body, side, "shoulder", "elbow", "hip"):
        return NAN
    upper_arm = body.joint(side, "elbow") - body.joint(side, "shoulder")
    length = max(float(np.linalg.norm(upper_arm)), UPPER_ARM_TO_TORSO * body.torso_length(side))
    return 1.0 + float(upper_arm[1]) / length


def _midline_hip_line(body: Body, side: Side) -> float:
    """``hip_line`` through the middle of the body: mid-shoulder, mid-hip, and this side's knee shifted to the
    middle by the hip's offset (knees are about hip-width apart).

    A camera above a lying body sees its width from above, so one side's line mixes shoulder width and hip
    width into the bend (measured: +10 degrees for a straight bridge filmed from head height); the middle line
    has no such offset. Falls back to the side's own line when the other side is not seen.
    """
    other: Side = "right" if side == "left" else "left"
    if not _needs(body, other, "shoulder", "hip"):
        return hip_line(body, side)
    if not _needs(body, side, "shoulder", "hip", "knee"):
        return NAN
    shoulder = (body.joint(side, "shoulder") + body.joint(other, "shoulder")) / 2
    hip = (body.joint(side, "hip") + body.joint(other, "hip")) / 2
    knee = body.joint(side, "knee") - (body.joint(side, "hip") - hip)
    return _signed_hip_bend(shoulder, hip, knee)


def hip_extension(body: Body, side: Side) -> float:
    """The straighter of the two shoulder-hip-knee lines, through the middle of the body (as ``hip_line``;
    0 straight, negative sagging).

    Lifting one knee (a bridge march) bends only that leg's line, so the hips held up still read as up.
    """
    values = [v for v in (_midline_hip_line(body, "left"), _midline_hip_line(body, "right")) if not np.isnan(v)]
    return max(values) if values else NAN


def wrist_above_elbow(body: Body, side: Side) -> float:
    """Height of the wrist above the elbow in torso lengths (negative: wrist below elbow)."""
    if not _needs(body, side, "shoulder", "hip", "elbow", "wrist"):
        return NAN
    rise = float(body.joint(side, "wrist")[1] - body.joint(side, "elbow")[1])
    return rise / body.torso_length(side)


def elbow_lift(body: Body, side: Side) -> float:
    """Height of the elbow above the shoulder in torso lengths (positive: pulled past the back)."""
    if not _needs(body, side, "shoulder", "hip", "elbow"):
        return NAN
    rise = float(body.joint(side, "elbow")[1] - body.joint(side, "shoulder")[1])
    return rise / body.torso_length(side)


def hand_to_ribcage(body: Body, side: Side) -> float:
    """How far the wrist is from the body: distance to the shoulder-hip line, in torso lengths.

    Hands touching the ribcage sit about half a chest depth in front of that line (~0.3); arms straight out in
    front put the wrist about an arm's length (~1.2) away.
    """
    if not _needs(body, side, "shoulder", "hip", "wrist"):
        return NAN
    shoulder, hip = body.joint(side, "shoulder"), body.joint(side, "hip")
    axis = (shoulder - hip) / body.torso_length(side)
    offset = body.joint(side, "wrist") - hip
    return float(np.linalg.norm(offset - np.dot(offset, axis) * axis)) / body.torso_length(side)


def hand_pull(body: Body, side: Side) -> float:
    """How far a row has drawn the hand in, as a share of the arm's length: 0 with the arm reaching straight out
    in front, about 0.8 with the hand at the ribcage (half a chest depth, about 0.1 m, in front of the
    shoulder-hip line, against an arm of about 0.55 m).

    Linear in the hand's travel, unlike the elbow's bend: a pull that gets a third of the way bends the elbow
    to about 85 degrees, two thirds of its final bend. Both lengths shrink alike when the arm points at the
    camera, so the ratio survives the picture better than either.
    """
    if not _needs(body, side, "shoulder", "hip", "elbow", "wrist"):
        return NAN
    shoulder, elbow, wrist = (body.joint(side, n) for n in ("shoulder", "elbow", "wrist"))
    arm = float(np.linalg.norm(elbow - shoulder) + np.linalg.norm(wrist - elbow))
    if arm == 0.0:
        return NAN
    return 1.0 - hand_to_ribcage(body, side) * body.torso_length(side) / arm


def elbow_flare(body: Body, side: Side) -> float:
    """Angle of the upper arm out of the body's front-back plane (0: elbow tucked, pointing back)."""
    if not _needs(body, side, "shoulder", "elbow"):
        return NAN
    lateral = body.p(Landmark.RIGHT_SHOULDER) - body.p(Landmark.LEFT_SHOULDER)
    spine = (body.p(Landmark.LEFT_SHOULDER) + body.p(Landmark.RIGHT_SHOULDER)) / 2 - (
        body.p(Landmark.LEFT_HIP) + body.p(Landmark.RIGHT_HIP)
    ) / 2
    lateral = lateral - np.dot(lateral, spine) / max(np.dot(spine, spine), 1e-9) * spine
    upper_arm = body.joint(side, "elbow") - body.joint(side, "shoulder")
    return 90.0 - angle_between(upper_arm, lateral) if side == "right" else angle_between(upper_arm, lateral) - 90.0


def neck_length(body: Body, side: Side) -> float:
    """Shoulder-to-ear distance in torso lengths; it shrinks when the shoulders hunch up to the ears."""
    if not _needs(body, side, "shoulder", "hip", "ear"):
        return NAN
    return float(np.linalg.norm(body.joint(side, "ear") - body.joint(side, "shoulder"))) / body.torso_length(side)


def head_drop(body: Body, side: Side) -> float:
    """How far the head drops below the line of the back, in degrees (a visible sign of a rounded spine).

    The camera sees no vertebrae, so a straight spine is judged by its visible ends: hip, shoulder and ear
    stay roughly in line; rounding the upper back drops the shoulders and the head towards the floor.
    """
    if not _needs(body, side, "shoulder", "hip", "ear"):
        return NAN
    hip, shoulder, ear = (body.joint(side, n) for n in ("hip", "shoulder", "ear"))
    bend = angle_between(shoulder - hip, ear - shoulder)
    return bend if signed_distance_to_line(ear, hip, shoulder) < 0 else -bend


Measure = Callable[[Body, Side], float]

MEASURES: dict[str, Measure] = {
    "torso_incline": torso_incline,
    "torso_lean": torso_lean,
    "hip_hinge": hip_hinge,
    "knee_angle": knee_angle,
    "elbow_angle": elbow_angle,
    "elbow_flexion": elbow_flexion,
    "hip_line": hip_line,
    "hip_lift": hip_lift,
    "arm_raise": arm_raise,
    "elbow_rise": elbow_rise,
    "hip_extension": hip_extension,
    "wrist_above_elbow": wrist_above_elbow,
    "elbow_lift": elbow_lift,
    "hand_to_ribcage": hand_to_ribcage,
    "hand_pull": hand_pull,
    "elbow_flare": elbow_flare,
    "neck_length": neck_length,
    "head_drop": head_drop,
}

UNITS: dict[str, str] = {name: "°" for name in MEASURES} | {
    "wrist_above_elbow": "torso lengths",
    "elbow_rise": "upper-arm lengths",
    "elbow_lift": "torso lengths",
    "hand_to_ribcage": "torso lengths",
    "hand_pull": "arm lengths",
    "neck_length": "torso lengths",
}


def get_measure(name: str) -> Measure:
    """Look a measure up by name; unknown names raise ValueError listing the valid ones."""
    try:
        return MEASURES[name]
    except KeyError:
        raise ValueError(f"unknown measure {name!r}; valid measures: {', '.join(sorted(MEASURES))}") from None

"""The mannequin: turns a posed skeleton into shaded primitives (skin, clothes, face, dumbbells, props)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.synth.body import SIDES, BodyDims, Skeleton, face_points
from tools.synth.geometry import X, Y, frame_up, lerp, unit
from tools.synth.render import Box, Capsule, Color, Ellipsoid, Primitive, hex_color

DARK: Color = (0.16, 0.16, 0.17)
BENCH: Color = hex_color("#59606b")
BAND: Color = hex_color("#2e8b57")
POST: Color = hex_color("#777777")
LIPS: Color = hex_color("#8a3b3b")
EYE_WHITE: Color = (0.93, 0.93, 0.93)
PUPIL: Color = (0.08, 0.06, 0.05)


@dataclass(frozen=True)
class Appearance:
    """Colours of the mannequin (BGR floats)."""

    skin: Color
    shirt: Color
    shorts: Color
    hair: Color
    shoes: Color

    @classmethod
    def from_hex(cls, skin: str, shirt: str, shorts: str, hair: str, shoes: str) -> Appearance:
        return cls(hex_color(skin), hex_color(shirt), hex_color(shorts), hex_color(hair), hex_color(shoes))


def _shade(c: Color, k: float) -> Color:
    return (c[0] * k, c[1] * k, c[2] * k)


def _ell(
    c: np.ndarray, frame: np.ndarray, radii: tuple[float, float, float], color: Color, shadow: bool = True
) -> Ellipsoid:
    return Ellipsoid(c, frame, np.array(radii, dtype=float), color, shadow)


def _head(sk: Skeleton, d: BodyDims, look: Appearance) -> list[Primitive]:
    s = d.s
    hc, hf = sk.p["head"], sk.head
    left, up, fwd = hf[:, 0], hf[:, 1], hf[:, 2]
    face = face_points(hc, hf, d)
    prims: list[Primitive] = [
        _ell(hc, hf, (0.077 * s, 0.102 * s, 0.095 * s), look.skin),
        _ell(hc + s * (0.02 * up - 0.022 * fwd), hf, (0.083 * s, 0.1 * s, 0.093 * s), look.hair),
        _ell(face["nose"] - 0.014 * s * fwd, hf, (0.011 * s, 0.02 * s, 0.016 * s), _shade(look.skin, 0.95), False),
        _ell(
            (face["mouth_left"] + face["mouth_right"]) / 2 - 0.006 * s * fwd,
            hf,
            (0.022 * s, 0.006 * s, 0.008 * s),
            LIPS,
            False,
        ),
    ]
    for side, sg in (("left", 1.0), ("right", -1.0)):
        eye = face[f"{side}_eye"]
        prims.append(_ell(eye - 0.003 * s * fwd, hf, (0.013 * s, 0.008 * s, 0.008 * s), EYE_WHITE, False))
        prims.append(_ell(eye + 0.004 * s * fwd, hf, (0.0055 * s, 0.0055 * s, 0.0055 * s), PUPIL, False))
        prims.append(_ell(eye + s * (0.019 * up), hf, (0.017 * s, 0.0045 * s, 0.008 * s), look.hair, False))
        ear_frame = frame_up(up, fwd)
        prims.append(
            _ell(
                face[f"{side}_ear"] + sg * 0.004 * s * left,
                ear_frame,
                (0.013 * s, 0.028 * s, 0.019 * s),
                _shade(look.skin, 0.9),
                False,
            )
        )
    neck_top = hc - 0.055 * s * up - 0.02 * s * fwd
    prims.append(Capsule(sk.p["neck"], neck_top, 0.052 * d.g, 0.045 * d.g, look.skin))
    return prims


def _torso(sk: Skeleton, d: BodyDims, look: Appearance) -> list[Primitive]:
    s, g = d.s, d.g
    tf = sk.torso
    up, fwd = tf[:, 1], tf[:, 2]
    sm = (sk.p["left_shoulder"] + sk.p["right_shoulder"]) / 2
    hm = (sk.p["left_hip"] + sk.p["right_hip"]) / 2
    prims: list[Primitive] = [
        _ell(sm - 0.14 * s * up + 0.005 * s * fwd, tf, (0.165 * g, 0.17 * s, 0.11 * g), look.shirt),
        _ell(lerp(hm, sm, 0.42), tf, (0.145 * g, 0.19 * s, 0.097 * g), look.shirt),
        _ell(hm + 0.03 * s * up, tf, (d.hip_w / 2 + 0.075 * g, 0.115 * s, 0.1 * g), look.shorts),
        Capsule(sk.p["left_shoulder"], sk.p["right_shoulder"], 0.055 * g, 0.055 * g, look.shirt),
    ]
    return prims


def _arm(sk: Skeleton, d: BodyDims, look: Appearance, side: str) -> list[Primitive]:
    s, g = d.s, d.g
    sh, el, wr = sk.p[f"{side}_shoulder"], sk.p[f"{side}_elbow"], sk.p[f"{side}_wrist"]
    f = unit(wr - el)
    prims: list[Primitive] = [
        Capsule(sh, lerp(sh, el, 0.45), 0.06 * g, 0.052 * g, look.shirt),
        Capsule(sh, el, 0.048 * g, 0.04 * g, look.skin),
        Capsule(el, wr, 0.039 * g, 0.03 * g, look.skin),
    ]
    palm = sk.palm[side]
    hand_frame = frame_up(f, palm if abs(float(np.dot(palm, f))) < 0.95 else unit(np.cross(f, X + Y)))
    grip = sk.grip.get(side)
    if grip is None:  # open hand
        hand = wr + 0.07 * s * f
        prims.append(_ell(hand, hand_frame, (0.042 * s, 0.075 * s, 0.022 * s), look.skin))
    else:  # fist around a dumbbell handle
        hand = wr + 0.05 * s * f
        prims.append(_ell(hand, hand_frame, (0.042 * s, 0.05 * s, 0.03 * s), look.skin))
    thumb_dir = unit(f + 0.9 * hand_frame[:, 2] + 0.5 * hand_frame[:, 0] * (1.0 if side == "right" else -1.0))
    thumb0 = wr + 0.02 * s * f + 0.012 * s * hand_frame[:, 2]
    prims.append(Capsule(thumb0, thumb0 + 0.045 * s * thumb_dir, 0.012 * s, 0.01 * s, look.skin, False))
    if grip is not None:
        bell = frame_up(grip, f)
        prims.append(Capsule(hand - 0.075 * s * grip, hand + 0.075 * s * grip, 0.015 * s, 0.015 * s, DARK))
        for k in (-1.0, 1.0):
            prims.append(_ell(hand + k * 0.08 * s * grip, bell, (0.048 * s, 0.024 * s, 0.048 * s), DARK))
    return prims


def _leg(sk: Skeleton, d: BodyDims, look: Appearance, side: str) -> list[Primitive]:
    s, g = d.s, d.g
    hip, knee, ankle = sk.p[f"{side}_hip"], sk.p[f"{side}_knee"], sk.p[f"{side}_ankle"]
    foot = sk.foot[side]
    shoe_c = ankle + s * (0.07 * foot[:, 2] - 0.048 * foot[:, 1])
    return [
        Capsule(hip, lerp(hip, knee, 0.42), 0.088 * g, 0.078 * g, look.shorts),
        Capsule(hip, knee, 0.078 * g, 0.053 * g, look.skin),
        Capsule(knee, ankle, 0.052 * g, 0.034 * g, look.skin),
        _ell(shoe_c, foot, (0.046 * s, 0.034 * s, 0.12 * s), look.shoes),
    ]


def _bands(sk: Skeleton) -> list[Primitive]:
    return [Capsule(a, b, 0.007, 0.007, BAND, shadow=False) for kind, a, b in sk.props if kind == "band"]


def static_props(sk: Skeleton) -> list[Primitive]:
    """Props that never move (bench, band anchor post), drawn once into the background."""
    return [Box(a, np.eye(3), b, BENCH if kind == "bench" else POST) for kind, a, b in sk.props if kind != "band"]


def build_figure(sk: Skeleton, d: BodyDims, look: Appearance) -> list[Primitive]:
    """Every moving primitive: the posed mannequin, its dumbbells and band (see :func:`static_props`)."""
    prims = _bands(sk) + _torso(sk, d, look) + _head(sk, d, look)
    for side in SIDES:
        prims += _arm(sk, d, look, side) + _leg(sk, d, look, side)
    return prims

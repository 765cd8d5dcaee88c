"""Poses beyond the five exercises: look-alike negatives, and the set-up and leaving around a set.

Negatives: ``hip_hinge`` (a dumbbell deadlift: the torso hinges from upright to about 25 deg above horizontal and
back while the arms hang) and ``bridge_march`` (hips held up in a bridge, one knee lifted toward the chest, then
the other). Both follow the pose-function convention of tools/synth/poses.py (facing +z, left = +x).
"""

from __future__ import annotations

import numpy as np

from tools.synth.body import SIDE_SIGN, SIDES, BodyDims, Skeleton
from tools.synth.geometry import X, Y, Z, frame_up, lerp, unit, vec
from tools.synth.poses import RepParams, _feet_flat, _hinge, _raise_arm, _skeleton, hip_raise

UPRIGHT_DEG = 85.0  # torso above horizontal when standing


def hip_hinge(d: BodyDims, prog: float, rp: RepParams) -> Skeleton:
    """Standing with dumbbells at arm's length (prog 0), hinged at the hips with the arms hanging (prog 1)."""
    p: dict = {}
    torso_deg = lerp(UPRIGHT_DEG, lerp(UPRIGHT_DEG, rp.torso_deg, rp.amp), prog)
    torso, head = _hinge(d, float(torso_deg), p)
    grip, palm = {}, {}
    for side in SIDES:
        f = _raise_arm(d, p, side, 3.0, 5.0, -Z)
        grip[side] = unit(X - np.dot(X, f) * f)
        palm[side] = unit(-Z - np.dot(-Z, f) * f)
    return _skeleton(p, torso, head, _feet_flat(), grip, palm)


def _perp(v: np.ndarray) -> np.ndarray:
    """``v`` (in the y-z plane) turned by -90 deg: from a thigh direction to a shank hanging toward the feet."""
    return vec(0.0, -v[2], v[1])


def bridge_march(d: BodyDims, prog: float, rp: RepParams) -> Skeleton:
    """Hips up in a straight bridge; the ``rp.side`` knee lifts toward the chest (prog 1) and back down."""
    sk = hip_raise(d, 1.0, RepParams(amp=1.0))
    side = rp.side
    hip, knee, ankle = sk.p[f"{side}_hip"], sk.p[f"{side}_knee"], sk.p[f"{side}_ankle"]
    w = prog * rp.amp
    thigh0 = unit(knee - hip)
    thigh = unit(lerp(thigh0, unit(vec(0.0, 1.0, -0.25)), w))
    shank0 = unit(ankle - knee)
    shank = unit(lerp(shank0, _perp(thigh), w))
    knee = hip + d.thigh * thigh
    sk.p[f"{side}_knee"] = knee
    sk.p[f"{side}_ankle"] = knee + d.shank * shank
    sk.foot[side] = frame_up(-shank, unit(lerp(Z, Y, w)))
    return sk


def standing_up(d: BodyDims, at: np.ndarray) -> Skeleton:
    """Standing upright, arms hanging with dumbbells, hips above ``at`` (x, z)."""
    sk = hip_hinge(d, 0.0, RepParams(torso_deg=UPRIGHT_DEG))
    hips = (sk.p["left_hip"] + sk.p["right_hip"]) / 2
    shift = vec(at[0] - hips[0], 0.0, at[2] - hips[2])
    sk.p = {k: v + shift for k, v in sk.p.items()}
    return sk


def hands_on_knees(sk: Skeleton, d: BodyDims) -> Skeleton:
    """A seated-row start pose with the hands resting on the knees (before reaching for the band)."""
    from tools.synth.geometry import two_bone

    out = Skeleton(p=dict(sk.p), head=sk.head, torso=sk.torso, foot=sk.foot, grip=dict(sk.grip), palm=dict(sk.palm),
                   props=[])  # fmt: skip
    up, fwd = sk.torso[:, 1], sk.torso[:, 2]
    for side in SIDES:
        target = sk.p[f"{side}_knee"] + vec(0.0, 0.06 * d.s, -0.08 * d.s)
        pole = unit(-fwd - 0.3 * up + SIDE_SIGN[side] * 0.4 * sk.torso[:, 0])
        elbow, wrist = two_bone(sk.p[f"{side}_shoulder"], target, d.upper_arm, d.forearm, pole)
        out.p[f"{side}_elbow"], out.p[f"{side}_wrist"] = elbow, wrist
        out.palm[side] = -Y
    anchor = next(b for kind, a, b in sk.props if kind == "band")
    for kind, a, b in sk.props:
        if kind != "band":
            out.props.append((kind, a, b))
    for side in SIDES:
        out.props.append(("band", out.p[f"{side}_wrist"] + vec(0.0, -0.03, 0.05) * d.s, anchor))
    return out


def with_props(sk: Skeleton, props: list) -> Skeleton:
    sk.props = props
    return sk

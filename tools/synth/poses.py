"""Kinematic poses of the five exercises as functions of rep progress (0 = start, 1 = top).

Every pose faces +z with the athlete's left on +x; faults arrive as :class:`RepParams` values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from tools.synth.body import SIDE_SIGN, SIDES, BodyDims, Skeleton, mirror
from tools.synth.geometry import X, Y, Z, frame_up, lerp, two_bone, unit, vec


@dataclass(frozen=True)
class RepParams:
    """Per-rep posture and amplitude; fault rules set these away from their ideal values."""

    torso_deg: float = 45.0  # hinge: torso from horizontal
    top_deg: float = 90.0  # arm raise at the top, from hanging
    wrist_up: float = 0.0  # 1 = wrists rise above the elbows (reverse fly fault)
    flare: float = 0.0  # 1 = elbow flared out from the body side (rows)
    pull_short: float = 0.0  # 1 = seated-row hands stop half a torso short of the ribs
    lean_back_deg: float = 0.0  # seated row: lean back reached at the top
    elbow_low: float = 0.0  # 1 = one-arm-row elbow stays below the torso line
    sag_deg: float = 0.0  # hip raise: hip below the shoulder-knee line at the top
    amp: float = 1.0  # amplitude jitter (natural variation)
    side: str = "right"  # working arm (one-arm row)


def blend_params(a: RepParams, b: RepParams, w: float) -> RepParams:
    """Numeric fields interpolated; ``side`` switches at the midpoint."""
    values = {}
    for f in fields(RepParams):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        values[f.name] = (va if w < 0.5 else vb) if isinstance(va, str) else va + (vb - va) * w
    return RepParams(**values)


def _sincos(deg: float) -> tuple[float, float]:
    r = math.radians(deg)
    return math.sin(r), math.cos(r)


def _feet_flat(toe_out_deg: float = 8.0) -> dict[str, np.ndarray]:
    out = {}
    for side in SIDES:
        s, c = _sincos(toe_out_deg)
        out[side] = frame_up(Y, vec(SIDE_SIGN[side] * s, 0, c))
    return out


def _torso(hip_mid: np.ndarray, up: np.ndarray, fwd: np.ndarray, d: BodyDims, p: dict) -> np.ndarray:
    """Place shoulders and head on a torso axis; returns the torso frame."""
    frame = frame_up(up, fwd)
    mid = hip_mid + d.torso * frame[:, 1]
    for side in SIDES:
        p[f"{side}_shoulder"] = mid + SIDE_SIGN[side] * d.shoulder_w / 2 * frame[:, 0]
    p["neck"] = mid + 0.03 * d.s * frame[:, 1]
    return frame


def _head(p: dict, torso: np.ndarray, d: BodyDims, toward_up: float, look: np.ndarray) -> np.ndarray:
    mid = (p["left_shoulder"] + p["right_shoulder"]) / 2
    head_up = unit(lerp(torso[:, 1], Y, toward_up))
    p["head"] = mid + d.head_up * head_up
    return frame_up(head_up, look)


def _standing_legs(d: BodyDims, shank_deg: float, thigh_deg: float, p: dict) -> np.ndarray:
    """Feet hip-width apart at z=0, knees forward; returns the hip midpoint."""
    sa, ca = _sincos(shank_deg)
    sb, cb = _sincos(thigh_deg)
    for side in SIDES:
        ankle = vec(SIDE_SIGN[side] * d.hip_w / 2, d.ankle_h, 0.0)
        knee = ankle + d.shank * vec(0, ca, sa)
        p[f"{side}_ankle"], p[f"{side}_knee"] = ankle, knee
        p[f"{side}_hip"] = knee + d.thigh * vec(0, cb, -sb)
    return (p["left_hip"] + p["right_hip"]) / 2


def _hinge(d: BodyDims, torso_deg: float, p: dict) -> tuple[np.ndarray, np.ndarray]:
    """Standing hip hinge with slightly bent knees; returns (torso frame, head frame)."""
    bend = min(max(90.0 - torso_deg, 0.0), 90.0) / 90.0
    hip_mid = _standing_legs(d, 4 + 7 * bend, 5 + 12 * bend, p)
    s, c = _sincos(torso_deg)
    torso = _torso(hip_mid, vec(0, s, c), vec(0, -c, s), d, p)
    head = _head(p, torso, d, 0.3, torso[:, 2] + 0.8 * Z)
    return torso, head


def _arm_chain(p: dict, side: str, elbow: np.ndarray, wrist: np.ndarray) -> np.ndarray:
    p[f"{side}_elbow"], p[f"{side}_wrist"] = elbow, wrist
    return unit(wrist - elbow)


def _raise_arm(d: BodyDims, p: dict, side: str, phi_deg: float, bend_deg: float, bend_ref: np.ndarray) -> np.ndarray:
    """Arm abducted by ``phi`` in the x-y plane from hanging; forearm bent toward ``bend_ref``."""
    sg = SIDE_SIGN[side]
    s, c = _sincos(phi_deg)
    u = vec(sg * s, -c, 0.0)
    b = unit(bend_ref - np.dot(bend_ref, u) * u)
    sb, cb = _sincos(bend_deg)
    elbow = p[f"{side}_shoulder"] + d.upper_arm * u
    return _arm_chain(p, side, elbow, elbow + d.forearm * (cb * u + sb * b))


def _skeleton(
    p: dict, torso: np.ndarray, head: np.ndarray, feet: dict, grip: dict, palm: dict, props: list | None = None
) -> Skeleton:
    return Skeleton(p=p, head=head, torso=torso, foot=feet, grip=grip, palm=palm, props=props or [])


def reverse_fly(d: BodyDims, prog: float, rp: RepParams) -> Skeleton:
    """Bent-over reverse fly: torso ~45 deg, soft elbows, arms out to shoulder height."""
    p: dict = {}
    torso, head = _hinge(d, rp.torso_deg, p)
    grip, palm = {}, {}
    for side in SIDES:
        sg = SIDE_SIGN[side]
        phi = lerp(6.0, rp.top_deg * rp.amp, prog)
        w = rp.wrist_up * min(1.0, prog * 1.6)
        ref = lerp(vec(-sg * 0.6, -1.0, 0.5), vec(-sg * 0.1, 1.0, 0.2), w)
        f = _raise_arm(d, p, side, phi, lerp(28.0, 60.0, w), ref)
        grip[side] = unit(Z - np.dot(Z, f) * f)
        palm[side] = unit(-sg * X - np.dot(-sg * X, f) * f)
    return _skeleton(p, torso, head, _feet_flat(), grip, palm)


def bent_over_lateral_raise(d: BodyDims, prog: float, rp: RepParams) -> Skeleton:
    """Torso parallel to the floor, straight arms raised sideways into a T."""
    p: dict = {}
    torso, head = _hinge(d, rp.torso_deg, p)
    grip, palm = {}, {}
    for side in SIDES:
        sg = SIDE_SIGN[side]
        phi = lerp(0.0, rp.top_deg * rp.amp, prog)
        _raise_arm(d, p, side, phi, 4.0, Z)
        s, c = _sincos(phi)
        grip[side] = vec(c, sg * s, 0.0)
        palm[side] = Z
    return _skeleton(p, torso, head, _feet_flat(), grip, palm)


def seated_row(d: BodyDims, prog: float, rp: RepParams) -> Skeleton:
    """Sitting on the floor, knees bent; band pulled from straight arms to the ribcage."""
    p: dict = {}
    hip_y = 0.10 * d.g
    knee_deg = 115.0
    reach = math.sqrt(d.thigh**2 + d.shank**2 - 2 * d.thigh * d.shank * math.cos(math.radians(knee_deg)))
    dy = d.ankle_h - hip_y
    dz = math.sqrt(reach**2 - dy**2)
    for side in SIDES:
        hip = vec(SIDE_SIGN[side] * d.hip_w / 2, hip_y, 0.0)
        ankle = hip + vec(0, dy, dz)
        p[f"{side}_hip"], p[f"{side}_ankle"] = hip, ankle
        p[f"{side}_knee"] = two_bone(hip, ankle, d.thigh, d.shank, Y)[0]
    hip_mid = (p["left_hip"] + p["right_hip"]) / 2
    lean = 3.0 - rp.lean_back_deg * prog
    s, c = _sincos(lean)
    torso = _torso(hip_mid, vec(0, c, s), vec(0, -s, c), d, p)
    head = _head(p, torso, d, 0.3, Z)
    left, up, fwd = torso[:, 0], torso[:, 1], torso[:, 2]
    anchor = vec(0.0, p["left_knee"][1], p["left_ankle"][2] + 0.45 * d.s)
    grip, palm, props = {}, {}, []
    for side in SIDES:
        sg = SIDE_SIGN[side]
        sh = p[f"{side}_shoulder"]
        ext = sh + unit(vec(-sg * 0.12, -0.22, 1.0)) * d.arm * 0.995
        pulled = sh - 0.21 * d.s * up + 0.9 * d.chest_depth * fwd - sg * 0.045 * d.s * left
        pulled = pulled + fwd * 0.5 * d.torso * rp.pull_short + sg * left * 0.12 * d.s * rp.flare
        wrist = lerp(ext, lerp(ext, pulled, rp.amp), prog)
        pole = unit(lerp(-fwd - 0.5 * up, sg * left + 0.25 * up - 0.2 * fwd, rp.flare))
        elbow, wrist = two_bone(sh, wrist, d.upper_arm, d.forearm, pole)
        f = _arm_chain(p, side, elbow, wrist)
        grip[side] = None
        palm[side] = unit(-sg * left - np.dot(-sg * left, f) * f)
        props.append(("band", wrist + 0.075 * d.s * f, anchor))
    props.append(("post", anchor * vec(1, 0.5, 1), vec(0.035, anchor[1] / 2 + 0.03, 0.035)))
    return _skeleton(p, torso, head, _feet_flat(4.0), grip, palm, props)


def _hip_raise_config(d: BodyDims, psi_deg: float, ankle_z: float | None) -> tuple[dict, np.ndarray, np.ndarray]:
    p: dict = {}
    sh_y = 0.085 * d.g
    for side in SIDES:
        p[f"{side}_shoulder"] = vec(SIDE_SIGN[side] * d.shoulder_w / 2, sh_y, 0.0)
    s, c = _sincos(psi_deg)
    offset = d.torso * vec(0, s, c)
    for side in SIDES:
        p[f"{side}_hip"] = vec(SIDE_SIGN[side] * d.hip_w / 2, sh_y, 0.0) + offset
    if ankle_z is None:
        hip = p["left_hip"]
        reach = math.hypot(d.thigh, d.shank)
        dy = d.ankle_h - hip[1]
        ankle_z = hip[2] + math.sqrt(reach**2 - dy**2)
    for side in SIDES:
        ankle = vec(SIDE_SIGN[side] * d.hip_w / 2, d.ankle_h, ankle_z)
        p[f"{side}_ankle"] = ankle
        p[f"{side}_knee"] = two_bone(p[f"{side}_hip"], ankle, d.thigh, d.shank, Y + 0.2 * Z)[0]
    return p, vec(0, -s, -c), vec(0, c, -s)


def _hip_bend(d: BodyDims, psi_deg: float, ankle_z: float) -> float:
    """Signed angle (deg) by which the hip sits below the shoulder-knee line."""
    p, _, _ = _hip_raise_config(d, psi_deg, ankle_z)
    sh, hip, knee = p["left_shoulder"], p["left_hip"], p["left_knee"]
    a = math.atan2(hip[1] - sh[1], hip[2] - sh[2])
    b = math.atan2(knee[1] - hip[1], knee[2] - hip[2])
    return math.degrees(b - a)


def hip_raise_top_deg(d: BodyDims, sag_deg: float) -> tuple[float, float, float]:
    """(rest torso angle, top torso angle, ankle z) so that the top shows ``sag_deg`` of hip sag."""
    psi0 = math.degrees(math.asin((0.10 * d.g - 0.085 * d.g) / d.torso))
    ankle_z = float(_hip_raise_config(d, psi0, None)[0]["left_ankle"][2])
    lo, hi = psi0, 80.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if _hip_bend(d, mid, ankle_z) > sag_deg:
            lo = mid
        else:
            hi = mid
    return psi0, (lo + hi) / 2, ankle_z


def hip_raise(d: BodyDims, prog: float, rp: RepParams, legs_out: float = 0.0) -> Skeleton:
    """Lying on the back, knees bent 90 deg; hips lifted into a shoulder-hip-knee line.

    ``legs_out`` (0-1) slides the feet away until the legs are nearly straight (lying down before the set).
    """
    psi0, top, ankle_z = hip_raise_top_deg(d, rp.sag_deg)
    if legs_out:
        hip_z = d.torso * math.cos(math.asin((0.10 * d.g - 0.085 * d.g) / d.torso))
        ankle_z = float(lerp(ankle_z, hip_z + 0.97 * (d.thigh + d.shank), legs_out))
    p, up, fwd = _hip_raise_config(d, lerp(psi0, lerp(psi0, top, rp.amp), prog), ankle_z)
    torso = frame_up(up, fwd)
    mid = (p["left_shoulder"] + p["right_shoulder"]) / 2
    p["neck"] = mid + 0.03 * d.s * up
    p["head"] = vec(0.0, 0.098 * d.s, mid[2] - d.head_up * 0.97)
    head = frame_up(unit(vec(0, 0.12, -1.0)), Y)
    grip, palm = {}, {}
    for side in SIDES:
        sg = SIDE_SIGN[side]
        sh = p[f"{side}_shoulder"]
        elbow = sh + vec(sg * 0.07 * d.s, 0.0, 0.0) + d.upper_arm * unit(vec(sg * 0.2, -0.08, 1.0))
        elbow[1] = max(elbow[1], 0.045 * d.g)
        wrist = elbow + d.forearm * unit(vec(sg * 0.05, 0.0, 1.0))
        wrist[1] = 0.035 * d.g
        _arm_chain(p, side, elbow, wrist)
        grip[side], palm[side] = None, -Y
    return _skeleton(p, torso, head, _feet_flat(5.0), grip, palm)


BENCH_H = 0.42


def _one_arm_row_right(d: BodyDims, prog: float, rp: RepParams) -> Skeleton:
    p: dict = {}
    bench_top = BENCH_H * d.s
    knee = vec(d.hip_w / 2, bench_top + 0.045 * d.g, 0.0)
    p["left_knee"] = knee
    p["left_ankle"] = knee + vec(0.0, 0.015, -d.shank)
    sa, ca = _sincos(6.0)
    p["left_hip"] = knee + d.thigh * vec(0, ca, -sa)
    p["right_hip"] = p["left_hip"] - vec(d.hip_w, 0, 0)
    hip_mid = (p["left_hip"] + p["right_hip"]) / 2
    r_ankle = vec(-d.hip_w / 2 - 0.07 * d.s, d.ankle_h, p["right_hip"][2] + 0.16 * d.s)
    p["right_ankle"] = r_ankle
    p["right_knee"] = two_bone(p["right_hip"], r_ankle, d.thigh, d.shank, Z - 0.3 * X)[0]
    s, c = _sincos(rp.torso_deg)
    torso = _torso(hip_mid, vec(0, s, c), vec(0, -c, s), d, p)
    head = _head(p, torso, d, 0.3, torso[:, 2] + 0.8 * Z)
    # supporting (left) hand on the bench, or on the thigh if the bench is out of reach
    sh = p["left_shoulder"]
    reach = 0.96 * d.arm
    hand_y = bench_top + 0.03 * d.s
    dy = sh[1] - hand_y
    if dy < reach:
        target = vec(sh[0], hand_y, sh[2] + math.sqrt(reach**2 - dy**2))
    else:
        target = lerp(p["left_hip"], knee, 0.45) + vec(0.0, 0.07, 0.09) * d.s
    elbow, wrist = two_bone(sh, target, d.upper_arm, d.forearm, unit(vec(0.3, 0.0, -1.0)))
    _arm_chain(p, "left", elbow, wrist)
    # working (right) arm
    sh = p["right_shoulder"]
    bottom = sh + vec(0.01, -0.97 * d.arm, 0.05 * d.s)
    top = sh + d.s * vec(0.01, -0.06, -0.2)
    low = sh + d.s * vec(0.0, -0.44, -0.04)
    top = lerp(top, low, rp.elbow_low) + vec(-0.1 * d.s, 0.0, 0.0) * rp.flare
    wrist = lerp(bottom, lerp(bottom, top, rp.amp), prog)
    pole = unit(lerp(vec(0.0, 1.0, -0.35), vec(-1.0, 0.45, 0.0), rp.flare))
    elbow, wrist = two_bone(sh, wrist, d.upper_arm, d.forearm, pole)
    f = _arm_chain(p, "right", elbow, wrist)
    grip = {"left": None, "right": unit(Z - np.dot(Z, f) * f)}
    palm = {"left": -Y, "right": unit(X - np.dot(X, f) * f)}
    feet = _feet_flat()
    feet["left"] = frame_up(-Y, -Z)
    z0 = p["left_ankle"][2] - 0.2 * d.s
    z1 = max(p["left_wrist"][2], knee[2]) + 0.2 * d.s
    bench = ("bench", vec(d.hip_w / 2, bench_top / 2, (z0 + z1) / 2), vec(0.19, bench_top / 2, (z1 - z0) / 2))
    return _skeleton(p, torso, head, feet, grip, palm, [bench])


def bench_centre_x(d: BodyDims) -> float:
    """x of the bench centre line (the mirror plane when switching sides)."""
    return d.hip_w / 2


def one_arm_row(d: BodyDims, prog: float, rp: RepParams) -> Skeleton:
    """One knee and hand on a bench, torso parallel; the free arm rows the dumbbell."""
    sk = _one_arm_row_right(d, prog, rp)
    return sk if rp.side == "right" else mirror(sk, bench_centre_x(d))


def standing_beside_bench(d: BodyDims, rp: RepParams, x: float, z: float) -> Skeleton:
    """Upright stance (used while walking around the bench to switch sides)."""
    p: dict = {}
    torso, head = _hinge(d, 88.0, p)
    grip, palm = {}, {}
    for side in SIDES:
        sg = SIDE_SIGN[side]
        f = _raise_arm(d, p, side, 6.0, 8.0, vec(-sg, 0, 0.3))
        grip[side] = unit(Z - np.dot(Z, f) * f) if side == rp.side else None
        palm[side] = -sg * X
    sk = _skeleton(p, torso, head, _feet_flat(), grip, palm)
    shift = vec(x, 0.0, z)
    sk.p = {k: v + shift for k, v in sk.p.items()}
    return sk


def default_params(exercise: str) -> RepParams:
    """Ideal-form parameters of an exercise."""
    torsos = {"reverse_fly": 45.0, "bent_over_lateral_raise": 0.0, "one_arm_row": 3.0, "hip_hinge": 25.0}
    torso = torsos.get(exercise, 0.0)
    return replace(RepParams(), torso_deg=torso)

"""Body proportions and the skeleton (named 3-D points and frames) that poses produce."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.pose.landmarks import Landmark
from tools.synth.geometry import lerp, unit

SIDES = ("left", "right")
# +x is the athlete's left when facing +z (the default facing).
SIDE_SIGN = {"left": 1.0, "right": -1.0}

# Landmarks written to the ground truth, in this order (lower-case formcheck Landmark names).
TRUTH_JOINTS: tuple[Landmark, ...] = (
    Landmark.NOSE,
    Landmark.LEFT_EYE,
    Landmark.RIGHT_EYE,
    Landmark.LEFT_EAR,
    Landmark.RIGHT_EAR,
    Landmark.MOUTH_LEFT,
    Landmark.MOUTH_RIGHT,
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_ELBOW,
    Landmark.RIGHT_ELBOW,
    Landmark.LEFT_WRIST,
    Landmark.RIGHT_WRIST,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
    Landmark.LEFT_HEEL,
    Landmark.RIGHT_HEEL,
    Landmark.LEFT_FOOT_INDEX,
    Landmark.RIGHT_FOOT_INDEX,
)
TRUTH_JOINT_NAMES: tuple[str, ...] = tuple(j.name.lower() for j in TRUTH_JOINTS)


@dataclass(frozen=True)
class BodyDims:
    """Segment lengths and girths in metres, derived from standing height and a girth factor."""

    height: float = 1.75
    girth: float = 1.0

    @property
    def s(self) -> float:
        """Length scale relative to a 1.75 m body."""
        return self.height / 1.75

    @property
    def g(self) -> float:
        """Radius scale (length scale times girth)."""
        return self.s * self.girth

    @property
    def shoulder_w(self) -> float:
        return 0.36 * self.s * (0.85 + 0.15 * self.girth)

    @property
    def hip_w(self) -> float:
        return 0.20 * self.s * (0.8 + 0.2 * self.girth)

    @property
    def upper_arm(self) -> float:
        return 0.30 * self.s

    @property
    def forearm(self) -> float:
        return 0.255 * self.s

    @property
    def thigh(self) -> float:
        return 0.43 * self.s

    @property
    def shank(self) -> float:
        return 0.42 * self.s

    @property
    def ankle_h(self) -> float:
        return 0.075 * self.s

    @property
    def torso(self) -> float:
        return 0.50 * self.s

    @property
    def head_up(self) -> float:
        """Shoulder-mid to head centre."""
        return 0.205 * self.s

    @property
    def chest_depth(self) -> float:
        """Half depth of the chest (front surface from the spine axis)."""
        return 0.11 * self.g

    @property
    def arm(self) -> float:
        return self.upper_arm + self.forearm


@dataclass
class Skeleton:
    """One posed body: named points (``left_shoulder`` ...), orientation frames and props.

    Frames are 3x3 matrices whose columns are (left, up, forward) unit vectors.
    """

    p: dict[str, np.ndarray]
    head: np.ndarray  # head frame
    torso: np.ndarray  # torso frame, up = hips -> shoulders, forward = chest normal
    foot: dict[str, np.ndarray]  # per side: frame with forward = toes, up = sole -> instep
    grip: dict[str, np.ndarray | None]  # per side: dumbbell handle axis, None = empty hand
    palm: dict[str, np.ndarray]  # per side: unit normal of the palm (for hand shape)
    props: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    # props: ("bench" | "post", centre, half sizes) boxes, or ("band", a, b) lines


def face_points(head_c: np.ndarray, head: np.ndarray, dims: BodyDims) -> dict[str, np.ndarray]:
    """Facial landmark positions used by both the renderer and the ground truth."""
    left, up, fwd = head[:, 0], head[:, 1], head[:, 2]
    s = dims.s
    pts = {
        "nose": head_c + s * (0.105 * fwd - 0.012 * up),
        "left_ear": head_c + s * (0.082 * left - 0.01 * fwd),
        "right_ear": head_c + s * (-0.082 * left - 0.01 * fwd),
        "mouth_left": head_c + s * (0.085 * fwd - 0.05 * up + 0.02 * left),
        "mouth_right": head_c + s * (0.085 * fwd - 0.05 * up - 0.02 * left),
    }
    for side, sg in (("left", 1.0), ("right", -1.0)):
        pts[f"{side}_eye"] = head_c + s * (0.083 * fwd + 0.022 * up + sg * 0.034 * left)
    return pts


def foot_points(ankle: np.ndarray, foot: np.ndarray, dims: BodyDims) -> tuple[np.ndarray, np.ndarray]:
    """(heel, foot_index) points of a foot given its ankle and frame."""
    fwd, up = foot[:, 2], foot[:, 1]
    s = dims.s
    heel = ankle - s * (0.055 * fwd + 0.055 * up)
    toe = ankle + s * (0.16 * fwd - 0.06 * up)
    return heel, toe


def truth_points(sk: Skeleton, dims: BodyDims) -> np.ndarray:
    """(J, 3) positions of :data:`TRUTH_JOINTS` for a skeleton."""
    pts = dict(sk.p)
    pts.update(face_points(sk.p["head"], sk.head, dims))
    for side in SIDES:
        heel, toe = foot_points(sk.p[f"{side}_ankle"], sk.foot[side], dims)
        pts[f"{side}_heel"], pts[f"{side}_foot_index"] = heel, toe
    return np.stack([pts[name] for name in TRUTH_JOINT_NAMES])


def swap_side(name: str) -> str:
    """The name of the same joint on the other side (``left_elbow`` <-> ``right_elbow``)."""
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    return name


def mirror(sk: Skeleton, x0: float) -> Skeleton:
    """Mirror image of a skeleton about the plane x = x0, with left and right swapped."""
    m = np.diag([-1.0, 1.0, 1.0])

    def pt(v: np.ndarray) -> np.ndarray:
        return np.array([2 * x0 - v[0], v[1], v[2]])

    def fr(f: np.ndarray) -> np.ndarray:
        return m @ f @ m

    other = {"left": "right", "right": "left"}
    return Skeleton(
        p={swap_side(k): pt(v) for k, v in sk.p.items()},
        head=fr(sk.head),
        torso=fr(sk.torso),
        foot={other[k]: fr(v) for k, v in sk.foot.items()},
        grip={other[k]: (None if v is None else m @ v) for k, v in sk.grip.items()},
        palm={other[k]: m @ v for k, v in sk.palm.items()},
        props=[(kind, pt(a), pt(b) if kind == "band" else b) for kind, a, b in sk.props],
    )


def _blend_frame(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    up = unit(lerp(a[:, 1], b[:, 1], w))
    fwd = lerp(a[:, 2], b[:, 2], w)
    fwd = unit(fwd - np.dot(fwd, up) * up)
    return np.stack([np.cross(up, fwd), up, fwd], axis=1)


def blend(a: Skeleton, b: Skeleton, w: float) -> Skeleton:
    """Joint-wise interpolation between two skeletons (for transitions); props come from the nearer one."""
    near = a if w < 0.5 else b
    return Skeleton(
        p={k: lerp(a.p[k], b.p[k], w) for k in a.p},
        head=_blend_frame(a.head, b.head, w),
        torso=_blend_frame(a.torso, b.torso, w),
        foot={k: _blend_frame(a.foot[k], b.foot[k], w) for k in a.foot},
        grip=near.grip,
        palm={k: unit(lerp(a.palm[k], b.palm[k], w)) for k in a.palm},
        props=near.props,
    )

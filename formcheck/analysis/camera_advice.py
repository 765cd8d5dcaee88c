"""Camera advice: is the view right for the exercise, and is the whole body in frame at a useful size?

Pure functions of the rules, the detected view and some poses; they return short messages for the user.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck.pose.orientation import legs_point, rotate_pose, upright_turn
from formcheck.pose.view import VIEW_LABELS
from formcheck.rules.model import ExerciseRules

EDGE = 0.01            # a joint this close to (or past) the image border is cut off
CUT_FRACTION = 0.3     # advise when a joint group is cut off in at least this share of the frames
ROOM = 0.15            # free space on the other side of the picture that a tilt of the camera could use
HIDDEN_ARM_S = 10.0    # a one-arm set seen this long without a counted rep: the working arm is likely hidden
SMALL_FIGURE = 0.35    # the body's larger extent, as a fraction of the picture, below which to move closer
BODY = [lm for lm in Landmark if lm >= Landmark.LEFT_SHOULDER and lm not in
        (Landmark.LEFT_PINKY, Landmark.RIGHT_PINKY, Landmark.LEFT_INDEX, Landmark.RIGHT_INDEX,
         Landmark.LEFT_THUMB, Landmark.RIGHT_THUMB)]  # fmt: skip
GROUPS: dict[str, tuple[tuple[Landmark, Landmark], ...]] = {  # named in this order: the torso matters most
    "hips": ((Landmark.LEFT_HIP, Landmark.RIGHT_HIP),),
    "shoulders": ((Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),),
    "head": ((Landmark.NOSE, Landmark.NOSE), (Landmark.LEFT_EAR, Landmark.RIGHT_EAR)),
    "knees": ((Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),),
    "feet": ((Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),),
    "hands": ((Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST),),
}


def _outside(xy: np.ndarray) -> np.ndarray:
    """Which image borders a normalized point is cut by: (left, right, top, bottom)."""
    x, y = xy
    return np.array([x < EDGE, x > 1 - EDGE, y < EDGE, y > 1 - EDGE])


def cut_edges(pose: PoseFrame, group: str) -> np.ndarray:
    """Borders (left, right, top, bottom) that cut off a joint group; per pair, the better-seen joint counts."""
    edges = np.zeros(4, dtype=bool)
    for a, b in GROUPS[group]:
        seen = a if pose.visibility[a] >= pose.visibility[b] else b
        edges |= _outside(pose.xyz[seen, :2])
    return edges


def figure_extent(pose: PoseFrame, clip: bool = True) -> tuple[float, float, float, float]:
    """(left, right, top, bottom) of the body's joints in normalized image coordinates, clipped to the image."""
    xy = pose.xyz[BODY, :2]
    xy = np.clip(xy, 0.0, 1.0) if clip else xy
    return float(xy[:, 0].min()), float(xy[:, 0].max()), float(xy[:, 1].min()), float(xy[:, 1].max())


class PoseSample:
    """An even sample of a set's poses with a person, at most ``limit`` of them however long the set.

    When full, every other pose is dropped and from then on only every other one is kept (the stride doubles).
    """

    def __init__(self, limit: int = 600) -> None:
        self.limit, self.stride = limit, 1
        self.poses: list[PoseFrame] = []
        self._seen = 0

    def add(self, pose: PoseFrame) -> None:
        """Offer one pose (empty ones are ignored)."""
        if pose.is_empty:
            return
        if self._seen % self.stride == 0:
            self.poses.append(pose)
            if len(self.poses) >= self.limit:
                self.poses, self.stride = self.poses[::2], self.stride * 2
        self._seen += 1


def view_advice(rules: ExerciseRules, view: str | None) -> list[str]:
    """Advice when the detected view is not one the exercise is checked from."""
    if view is None or view in rules.views:
        return []
    best = VIEW_LABELS.get(rules.views[0], rules.views[0])
    if view in ("front", "back") and "side" in rules.views:
        return [f"turn sideways to the camera: {rules.name} is best filmed {best}"]
    if view in ("front", "back") and "three_quarter" in rules.views:
        return [f"turn about 45° to the camera: {rules.name} is best filmed {best}"]
    if view == "side" and "front" in rules.views:
        return [f"face the camera: {rules.name} is best filmed {best}"]
    return [f"film {best}: {rules.name} is not checked {VIEW_LABELS.get(view, view)}"]


def framing_advice(poses: Sequence[PoseFrame]) -> list[str]:
    """Advice about joints cut off at the picture's edges and a figure too small to measure well."""
    seen = [p for p in poses if not p.is_empty]
    if not seen:
        return []
    top, bottom = np.median([figure_extent(p) for p in seen], axis=0)[2:]
    cut: dict[str, int] = {}  # joint group -> the border (0 left, 1 right, 2 top, 3 bottom) that cuts it most
    for group in GROUPS:
        share = np.array([cut_edges(p, group) for p in seen]).mean(axis=0)
        if share.max() >= CUT_FRACTION:
            cut[group] = int(np.argmax(share))
    if "knees" in cut and cut.get("feet") == cut["knees"]:
        del cut["feet"]  # bringing the knees in brings the feet in too
    both_ends = {2, 3} <= set(cut.values())
    portrait = np.median([p.image_size[1] > p.image_size[0] for p in seen]) > 0.5
    sideways = bool(cut) and set(cut.values()) <= {0, 1}  # cut at the left or right only
    actions: dict[str, list[str]] = {}
    for group, edge in cut.items():
        if portrait and sideways:  # a tall picture of a long (bent-over, lying) body
            action = "turn the camera to landscape (or step back)"
        elif edge == 3 and not both_ends and top > ROOM:
            action = "lower the camera (or tilt it down)"
        elif edge == 2 and not both_ends and 1 - bottom > ROOM:
            action = "raise the camera (or tilt it up)"
        else:
            action = "step back"
        actions.setdefault(action, []).append(f"the {group}")
    advice = [f"{action} so {_and(groups)} {'is' if groups == ['the head'] else 'are'} in frame"
              for action, groups in actions.items()]  # fmt: skip
    whole = np.median([figure_extent(p, clip=False) for p in seen], axis=0)  # a cut figure is not a small one
    size = max(whole[1] - whole[0], whole[3] - whole[2])
    if size < SMALL_FIGURE:
        advice.append(f"move closer: your body fills only {size:.0%} of the picture")
    return advice


def _and(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def working_arm_advice(rules: ExerciseRules, view: str | None, rep_count: int, seen_s: float) -> list[str]:
    """Advice when a one-arm exercise counts nothing in a side-on view: the working arm is probably behind the body."""
    if rules.sides != "alternating" or view not in ("side", "three_quarter") or rep_count or seen_s < HIDDEN_ARM_S:
        return []
    return ["turn so the working arm faces the camera: the arm on the far side is hidden behind the body"]


def unseen_movement_advice(rules: ExerciseRules, view: str | None, attempts: int, seen_s: float) -> list[str]:
    """Advice when a long set shows no movement at all, neither a rep nor a partial one, in a view other than the
    exercise's best: the camera may not see the movement (arms raised straight toward a lens above them)."""
    if attempts or seen_s < HIDDEN_ARM_S or view is None or view == rules.views[0]:
        return []
    best = VIEW_LABELS.get(rules.views[0], rules.views[0])
    return [f"no rep seen in {seen_s:.0f} s: if you were exercising, this camera may not see the movement; film {best}"]


STANDING_ANKLE_DROP = 0.8  # feet this many torso lengths below the hips fit "standing" fully


def is_standing(rules: ExerciseRules) -> bool:
    """True for the exercises done standing: their rule file recognises them by feet well below the hips."""
    return any(c.feature == "ankle_drop" and c.full_lo >= STANDING_ANKLE_DROP for c in rules.recognize)


def rotation_advice(rules: ExerciseRules, poses: Sequence[PoseFrame]) -> list[str]:
    """Advice when a standing exercise shows a person lying on their side (or upside down): a rotated picture."""
    if not is_standing(rules):
        return []
    turn = upright_turn(poses)
    if not turn:
        return []
    return [f"the picture looks rotated: {rules.name} is done standing, but the person appears {_lying(poses)}; "
            f"if the video was filmed sideways, analyse it again with --rotate {turn}"]  # fmt: skip


def _lying(poses: Sequence[PoseFrame]) -> str:
    """How a standing person appears in a rotated picture, in words."""
    feet = {"left": "right", "right": "left"}.get(legs_point(poses) or "")
    return f"to lie on their side, feet to the {feet}" if feet else "upside down"


def rotation_hint(poses: Sequence[PoseFrame], catalogue: dict[str, ExerciseRules]) -> str | None:
    """When no exercise could be recognised: would the picture, turned so the legs stand upright, show one?

    Only a standing exercise recognised in the turned picture counts (a hip raise or a seated row has its legs
    along the floor anyway). Returns one sentence naming the ``--rotate`` to use, or None.
    """
    from formcheck.analysis.recognize import recognize

    turn = upright_turn(poses)
    if not turn:
        return None
    standing = {key: rules for key, rules in catalogue.items() if is_standing(rules)}
    turned = recognize([rotate_pose(p, turn) for p in poses], standing)
    if turned.exercise is None:
        return None
    name = catalogue[turned.exercise].name
    return (f"the picture looks rotated (the person appears {_lying(poses)}): turned upright it looks like "
            f"{name}; if the video was filmed sideways, add --rotate {turn}")  # fmt: skip


def advise(rules: ExerciseRules, view: str | None, poses: Sequence[PoseFrame],
           rep_count: int | None = None, attempts: int | None = None) -> list[str]:  # fmt: skip
    """Short camera messages for the start of a set (or a report): view first, then framing.

    With ``rep_count`` (a finished set), a one-arm exercise that counted nothing also gets the working-arm advice;
    with ``attempts`` (its reps and partial reps), a set in which nothing moved gets the unseen-movement advice.
    """
    seen = [p for p in poses if not p.is_empty]
    rotated = rotation_advice(rules, seen)
    if rotated:  # in a rotated picture the view and the framing advice would only mislead
        return rotated
    seen_s = seen[-1].t - seen[0].t if seen else 0.0
    hidden = working_arm_advice(rules, view, rep_count, seen_s) if rep_count is not None else []
    if not hidden and attempts is not None:
        hidden = unseen_movement_advice(rules, view, attempts, seen_s)
    return view_advice(rules, view) + hidden + framing_advice(poses)

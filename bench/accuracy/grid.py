"""The accuracy benchmark's case grid: synthetic athletes (a SynthConfig each) with the outcome to expect.

Not the full factorial: every exercise is filmed from every azimuth (front 0, 30, 45, 60, side 90, rear 3/4 135,
rear 180, on both sides of the body where that differs), a few cases per exercise x azimuth; the other factors
(camera elevation, body size and girth, colours, frame rate, picture size, form, clip edges) are dealt out over
those cases by a seeded schedule that uses every level about equally often (a covering design). Special cases
follow: the one-arm row on both sides from one fixed camera, and the negatives (a hip hinge with hanging arms
analysed as the reverse fly and the lateral raise, a bridge march analysed as the hip raise).

Azimuths follow tools/synth: 0 = the camera in front of the athlete (for the hip raise: at the feet, for the
one-arm row: at the head), +90 = at the athlete's left, negative = the mirrored side (the athlete's right).
Each case's ``view`` is the view name the rule files use (formcheck/pose/view.py) for its azimuth: rear 3/4 is
``three_quarter`` (``azimuth_deg`` tells it apart).

The expected outcome is the synthetic athlete's truth (tools/synth/truth.py), stored with each case by
``extract``: the counted reps with their faults and sides, the partial reps (reps that fall short: not counted,
their range cue broken), and for a negative no reps at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from tools.synth.config import SynthConfig
from tools.synth.exercises import SHORT, get_exercise

EXERCISE_IDS = ("reverse_fly", "seated_row", "hip_raise", "bent_over_lateral_raise", "one_arm_row")
AZIMUTHS = (0, 30, -30, 45, -45, 60, -60, 90, -90, 135, -135, 180)
CASES_PER_CELL = 2  # per exercise x azimuth ...
THIRD_CASE = (45, -45, 90, -90)  # ... and a third one from these azimuths
SEED = 14  # issue 14


@dataclass(frozen=True)
class Case:
    """One rendered clip and how formcheck should analyse it."""

    id: str
    config: SynthConfig
    azimuth_deg: float
    elevation: str  # "default" (the exercise's usual camera height) or "high" (a camera at head height)
    form: str  # good | faults | short | negative
    edge: str  # none | setup | opens_top | leaves | cut
    analyse_as: tuple[str, ...]  # exercises to name with --exercise (negatives: what they could be taken for)
    negative: bool = False
    batch: int = 0  # extraction order: batch 0 (one case of every cell) first
    tags: tuple[str, ...] = field(default=())

    @property
    def view(self) -> str:
        return view_of(self.azimuth_deg)

    @property
    def exercise(self) -> str:
        """The exercise performed (a synthetic negative's own id, e.g. ``hip_hinge``)."""
        return self.config.exercise


def view_of(azimuth_deg: float) -> str:
    """The rule files' view name for a camera azimuth: front, three_quarter, side or back."""
    a = abs((azimuth_deg + 180.0) % 360.0 - 180.0)
    if a < 22.5:
        return "front"
    if a < 67.5 or 112.5 < a <= 157.5:
        return "three_quarter"
    if a <= 112.5:
        return "side"
    return "back"


# -- the levels of the rotated factors ------------------------------------------------------------------------
BODIES = ((1.55, 0.9), (1.62, 1.15), (1.75, 1.0), (1.85, 1.25), (1.95, 0.95))  # (height m, girth)
SCHEMES = (
    {},  # the renderer's defaults: light-brown skin, blue shirt, beige wall
    dict(skin="#5c3a26", shirt="#b8372c", shorts="#1e1e22", hair="#101010", shoes="#f2f2f2", background="#c9d3da"),
    dict(skin="#efc7a5", shirt="#6f3c8f", shorts="#2f3b4c", hair="#6b4a2b", shoes="#d8d8d8", floor="#6f6a66"),
    dict(skin="#a46f4c", shirt="#d9782d", shorts="#34495e", hair="#1d140e", shoes="#ffffff", background="#e6ddcf"),
    dict(skin="#8d5524", shirt="#2e8b57", shorts="#3b3b3b", hair="#2a1b12", shoes="#bbbbbb", background="#9aa7b0",
         floor="#a08060"),
)
FPS = (24.0, 30.0, 24.0, 30.0, 24.0, 60.0, 24.0, 30.0)  # 60 fps doubles the cost: an eighth of the cases
SIZES = ((640, 480), (480, 640), (640, 480), (1280, 720), (480, 640), (640, 480), (720, 1280), (640, 480))
ELEVATIONS = ("default", "high")
HIGH_CAMERA_M = 1.7  # a phone on a shelf or a tripod at head height (for a 1.75 m athlete; scaled with the body)
FORMS = ("good", "faults", "short", "faults")
EDGES = ("none", "setup", "none", "opens_top", "leaves", "none", "cut")
# A short rep stops at this share of the full range: below every rule file's "halfway" (min_peak is 45-55% of
# the range), so it is a partial rep whatever the camera, and above the level at which a movement is an attempt.
SHORT_RANGES = (0.35, 0.4)


def _deal(levels: Sequence, n: int, rng: np.random.Generator) -> list:
    """``n`` picks that use every level about equally often, in a seeded random order."""
    picks = [levels[i % len(levels)] for i in range(n)]
    return [picks[i] for i in rng.permutation(n)]


def _rep_faults(exercise: str, form: str, reps: int, k: int) -> tuple[tuple[str, ...], ...]:
    """Per-rep faults. Faults: the first rep clean, the exercise's faults by turns on the others. Short: every
    other rep falls short (from the second), or every rep does (one case in three)."""
    if form == "good":
        return ()
    if form == "short":
        if k % 3 == 2:
            return tuple((SHORT,) for _ in range(reps))
        return tuple((SHORT,) if r % 2 == 1 else () for r in range(reps))
    ids = [f for f in get_exercise(exercise).fault_ids if f != SHORT]
    return ((), *tuple((ids[(k + r - 1) % len(ids)],) for r in range(1, reps)))


def _config(exercise: str, azimuth: float, i: int, k: int, picks: dict) -> SynthConfig:
    height, girth = picks["body"][i]
    width, h = picks["size"][i]
    form, edge = picks["form"][i], picks["edge"][i]
    reps = 5 if i % 4 == 0 else 4
    camera = HIGH_CAMERA_M * height / 1.75 if picks["elevation"][i] == "high" else None
    cfg = SynthConfig(
        exercise=exercise,
        reps=reps,
        yaw_deg=float(azimuth),
        camera_height_m=camera,
        fps=picks["fps"][i],
        width=width,
        height=h,
        supersample=1,  # a third of the cost of 2; MediaPipe sees a webcam-like picture either way
        body_height_m=height,
        girth=girth,
        lead_out_s=0.6,
        seed=1000 * (EXERCISE_IDS.index(exercise) + 1) + i,
        short_range=SHORT_RANGES[i % len(SHORT_RANGES)],
        setup_s=3.0 if edge == "setup" else 0.0,
        opens_mid_rep=edge == "opens_top",
        leave={"leaves": "walk", "cut": "cut"}.get(edge, ""),
        **picks["scheme"][i],
    )
    if exercise == "one_arm_row":  # one side (4 reps: switch_sides is then a set fault), or both (3 per side)
        both = i % 2 == 0
        cfg = replace(cfg, reps=3 if both else 4, set_faults=() if both else ("switch_sides",),
                      first_side="left" if i % 4 in (1, 2) else "right", fixed_camera=both and i % 4 == 0)  # fmt: skip
    if exercise == "hip_raise":
        cfg = replace(cfg, reps=4)  # five-second holds make hip raises long
    n_faults = cfg.reps * (2 if exercise == "one_arm_row" and not cfg.set_faults else 1)
    return replace(cfg, faults=_rep_faults(exercise, form, n_faults, k))


def _case_id(prefix: str, azimuth: float, k: int) -> str:
    side = "m" if azimuth < 0 else ""
    return f"{prefix}_az{side}{abs(int(azimuth)):03d}_{k}"


def _cell_cases() -> list[Case]:
    out: list[Case] = []
    for e, exercise in enumerate(EXERCISE_IDS):
        rng = np.random.default_rng(SEED + e)
        cells = [(az, k) for k in range(CASES_PER_CELL) for az in AZIMUTHS]
        cells += [(az, CASES_PER_CELL) for az in THIRD_CASE]
        n = len(cells)
        picks = {
            "body": _deal(BODIES, n, rng),
            "scheme": _deal(SCHEMES, n, rng),
            "fps": _deal(FPS, n, rng),
            "size": _deal(SIZES, n, rng),
            "elevation": _deal(ELEVATIONS, n, rng),
            "form": _deal(FORMS, n, rng),
            "edge": _deal(EDGES, n, rng),
        }
        for i, (azimuth, k) in enumerate(cells):
            cfg = _config(exercise, azimuth, i, k, picks)
            tags = ("both_sides_fixed_camera",) if cfg.fixed_camera else ()
            out.append(Case(_case_id(exercise, azimuth, k), cfg, float(azimuth), picks["elevation"][i],
                            picks["form"][i], picks["edge"][i], (exercise,), batch=k, tags=tags))  # fmt: skip
    return out


def _negative_cases() -> list[Case]:
    """A dumbbell deadlift (hinge, arms hanging) as the fly and the lateral raise; a bridge march as the hip raise."""
    out: list[Case] = []
    as_arm_raise = ("reverse_fly", "bent_over_lateral_raise")
    for j, azimuth in enumerate((0, 45, -45, 90, -90, 135, 180, 60, -90)):
        long_hold = j >= 7  # a long static hinge
        cfg = SynthConfig(exercise="hip_hinge", reps=3 if long_hold else 4, hold_s=4.0 if long_hold else None,
                          yaw_deg=float(azimuth), fps=(24.0, 30.0)[j % 2], supersample=1, lead_out_s=0.6,
                          width=(640, 480)[j % 2], height=(480, 640)[j % 2], body_height_m=BODIES[j % 5][0],
                          girth=BODIES[j % 5][1], seed=9000 + j, **SCHEMES[j % 5])  # fmt: skip
        out.append(Case(_case_id("hip_hinge" + ("_hold" if long_hold else ""), azimuth, 0), cfg, float(azimuth),
                        "default", "negative", "none", as_arm_raise, negative=True, batch=0))  # fmt: skip
    for j, azimuth in enumerate((90, -90, 45, 0, 135)):
        cfg = SynthConfig(exercise="bridge_march", reps=6, yaw_deg=float(azimuth), fps=(30.0, 24.0)[j % 2],
                          supersample=1, lead_out_s=0.6, body_height_m=BODIES[(j + 2) % 5][0],
                          girth=BODIES[(j + 2) % 5][1], seed=9100 + j, **SCHEMES[(j + 3) % 5])  # fmt: skip
        out.append(Case(_case_id("bridge_march", azimuth, 0), cfg, float(azimuth), "default", "negative", "none",
                        ("hip_raise",), negative=True, batch=0))  # fmt: skip
    return out


@lru_cache(maxsize=1)
def cases() -> tuple[Case, ...]:
    """Every case of the grid, in a fixed order."""
    out = _cell_cases() + _negative_cases()
    ids = [c.id for c in out]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return tuple(out)


def select(pattern: str | None) -> list[Case]:
    """Cases whose id matches a regular expression (searched, not anchored); all when None."""
    if not pattern:
        return list(cases())
    rx = re.compile(pattern)
    return [c for c in cases() if rx.search(c.id)]

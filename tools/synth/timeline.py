"""Phase timeline (set-up, lead-in, up, hold, down, rest, side switch, leaving) and the pose at any time."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tools.synth.body import BodyDims, Skeleton, blend
from tools.synth.config import SynthConfig
from tools.synth.exercises import SHORT, ExerciseSpec, get_exercise
from tools.synth.geometry import ease, vec
from tools.synth.negatives import hands_on_knees, standing_up
from tools.synth.poses import RepParams, bench_centre_x, blend_params, hip_raise, standing_beside_bench
from tools.synth.scene import camera_yaw

REP_RANGE = (10, 20)
SWITCH_STEP_S = 0.8  # each of the five legs of getting off, walking round the bench and back on
SWITCH_LEGS = 5
OPENING_HOLD_S = 0.6  # a clip that opens mid-rep: this long at the top before the descent
STAND_UP_S = (1.2, 2.0)  # leaving: getting up from a standing / a floor exercise ...
WALK_M, WALK_S = 4.5, 3.5  # ... then walking sideways this far, this long (out of the picture)
CUT_AT = 0.35  # leave="cut": the clip ends this far into the walk
FLOOR_EXERCISES = ("seated_row", "hip_raise", "bridge_march")


@dataclass(frozen=True)
class Segment:
    """A stretch of time with one kind of motion; rest blends from ``a`` to ``b``."""

    t0: float
    t1: float
    kind: str  # setup, lead, up, hold, down, rest, switch, leave, gone
    a: RepParams
    b: RepParams


@dataclass(frozen=True)
class RepTruth:
    """Ground truth of one rep (times in seconds)."""

    index: int
    side: str | None
    start_s: float
    top_s: float
    end_s: float
    hold_s: float
    faults: tuple[str, ...]
    partial: bool = False  # fell short of the range (a SHORT rep): an attempt, not a counted rep


@dataclass(frozen=True)
class Timeline:
    segments: tuple[Segment, ...]
    reps: tuple[RepTruth, ...]
    duration_s: float
    set_faults: tuple[str, ...]
    reps_by_side: dict[str, int] | None
    events: dict[str, tuple[float, float]] | None = None  # setup, opening_descent, leave: (start_s, end_s)

    @property
    def counted(self) -> tuple[RepTruth, ...]:
        """The reps formcheck should count (not the partial ones; none for a negative)."""
        return tuple(r for r in self.reps if not r.partial)


def _sides(cfg: SynthConfig, spec: ExerciseSpec) -> list[str | None]:
    if spec.alternate:
        other = "left" if cfg.first_side == "right" else "right"
        return [cfg.first_side if i % 2 == 0 else other for i in range(cfg.reps)]
    if not spec.sided:
        return [None] * cfg.reps
    other = "left" if cfg.first_side == "right" else "right"
    second = [] if "switch_sides" in cfg.set_faults else [other] * cfg.reps
    return [cfg.first_side] * cfg.reps + second


def build_timeline(cfg: SynthConfig) -> Timeline:
    """Lay out every rep with seeded natural variation (tempo +-10 %, small amplitude jitter)."""
    spec = get_exercise(cfg.exercise)
    for fault in cfg.set_faults:
        if fault not in spec.set_faults:
            raise ValueError(f"unknown set fault {fault!r} for {spec.id}; valid: {', '.join(spec.set_faults)}")
    rng = np.random.default_rng(cfg.seed)
    sides = _sides(cfg, spec)
    up = cfg.tempo_up_s or spec.up_s
    down = cfg.tempo_down_s or spec.down_s
    rest = cfg.rest_s if cfg.rest_s is not None else spec.rest_s
    segs: list[Segment] = []
    reps: list[RepTruth] = []
    t = 0.0
    prev: RepParams | None = None
    events: dict[str, tuple[float, float]] = {}
    for i, side in enumerate(sides):
        faults = tuple(cfg.faults[i]) if i < len(cfg.faults) else ()
        jitter = rng.uniform(0.9, 1.1, size=3)
        amp = float(rng.uniform(0.97, 1.02))
        if SHORT in faults:
            amp *= cfg.short_range
        rp = spec.params(list(faults), side or "right", amp, float(rng.uniform(-2.0, 2.0)))
        short = spec.hold_fault is not None and spec.hold_fault[0] in faults
        hold = spec.hold(list(faults)) if short or cfg.hold_s is None else cfg.hold_s
        hold *= float(rng.uniform(0.95, 1.05) if short else rng.uniform(1.0, 1.08))
        if prev is None:
            if cfg.setup_s > 0:
                segs.append(Segment(t, t + cfg.setup_s, "setup", rp, rp))
                events["setup"] = (t, t + cfg.setup_s)
                t += cfg.setup_s
            if cfg.opens_mid_rep:  # the clip opens at the top of an earlier rep: hold, descend, rest
                segs.append(Segment(t, t + OPENING_HOLD_S, "hold", rp, rp))
                segs.append(Segment(t + OPENING_HOLD_S, t + OPENING_HOLD_S + down, "down", rp, rp))
                events["opening_descent"] = (t, t + OPENING_HOLD_S + down)
                t += OPENING_HOLD_S + down
            segs.append(Segment(t, t + cfg.lead_in_s, "lead", rp, rp))
            t += cfg.lead_in_s
        elif prev.side != rp.side and not spec.alternate:
            segs.append(Segment(t, t + SWITCH_LEGS * SWITCH_STEP_S, "switch", prev, rp))
            t += SWITCH_LEGS * SWITCH_STEP_S
        else:
            gap = rest * float(jitter[2])
            segs.append(Segment(t, t + gap, "rest", prev, rp))
            t += gap
        t_up, t_down = up * float(jitter[0]), down * float(jitter[1])
        start = t
        segs.append(Segment(t, t + t_up, "up", rp, rp))
        t += t_up
        segs.append(Segment(t, t + hold, "hold", rp, rp))
        t += hold
        segs.append(Segment(t, t + t_down, "down", rp, rp))
        t += t_down
        reps.append(RepTruth(i + 1, side, start, start + t_up, t, hold, faults, SHORT in faults))
        prev = rp
    assert prev is not None
    if cfg.leave:  # get up, then walk sideways out of the picture (or the clip ends on the way)
        stand = STAND_UP_S[1] if spec.id in FLOOR_EXERCISES else STAND_UP_S[0]
        walk = WALK_S if cfg.leave == "walk" else CUT_AT * WALK_S
        segs.append(Segment(t, t + stand + walk, "leave", prev, prev))
        events["leave"] = (t, t + stand + walk)
        t += stand + walk
    if cfg.leave != "cut":  # after walking out: the empty picture
        segs.append(Segment(t, t + cfg.lead_out_s, "gone" if cfg.leave else "lead", prev, prev))
        t += cfg.lead_out_s
    by_side = None
    set_faults = list(cfg.set_faults)
    counted = [r for r in reps if not r.partial] if spec.counts_reps else []
    counts = [len(counted)]
    if spec.sided:
        by_side = {s: sum(1 for r in counted if r.side == s) for s in ("left", "right")}
        counts = [n for n in by_side.values() if n]
    if spec.counts_reps and any(n < REP_RANGE[0] or n > REP_RANGE[1] for n in counts):
        set_faults.append("rep_range")
    return Timeline(tuple(segs), tuple(reps), t, tuple(set_faults), by_side, events or None)


class Motion:
    """The athlete's pose at any time of a timeline."""

    def __init__(self, cfg: SynthConfig) -> None:
        self.cfg = cfg
        self.spec = get_exercise(cfg.exercise)
        self.dims = BodyDims(cfg.body_height_m, cfg.girth)
        self.timeline = build_timeline(cfg)
        self._leaving: tuple[Skeleton, np.ndarray] | None = None

    def segment(self, t: float) -> Segment:
        """The segment containing time t (clamped to the timeline)."""
        segs = self.timeline.segments
        for seg in segs:
            if t < seg.t1:
                return seg
        return segs[-1]

    def skeleton(self, t: float) -> Skeleton:
        seg = self.segment(t)
        w = 0.0 if seg.t1 <= seg.t0 else min(max((t - seg.t0) / (seg.t1 - seg.t0), 0.0), 1.0)
        pose = self.spec.pose
        if seg.kind == "up":
            return pose(self.dims, ease(w), seg.a)
        if seg.kind == "hold":
            return pose(self.dims, 1.0, seg.a)
        if seg.kind == "down":
            return pose(self.dims, 1.0 - ease(w), seg.a)
        if seg.kind == "switch":
            return self._switch(seg, w)
        if seg.kind == "setup":
            return self._setup(seg, w)
        if seg.kind == "leave":
            return self._leave(seg, t)
        if seg.kind == "gone":
            leave = next(s for s in self.timeline.segments if s.kind == "leave")
            return self._leave(leave, leave.t1)
        return pose(self.dims, 0.0, blend_params(seg.a, seg.b, ease(w)))

    def _keys(self, keys: list[Skeleton], w: float) -> Skeleton:
        """Eased blend through key poses spread evenly over w in [0, 1]."""
        pos = w * (len(keys) - 1)
        i = min(math.floor(pos), len(keys) - 2)
        return blend(keys[i], keys[i + 1], ease(pos - i))

    def _setup(self, seg: Segment, w: float) -> Skeleton:
        """Getting into position: still for the first half, then into the start pose."""
        d, rp = self.dims, seg.a
        start = self.spec.pose(d, 0.0, rp)
        ex = self.spec.id
        if ex in ("reverse_fly", "bent_over_lateral_raise", "hip_hinge"):
            hips = (start.p["left_hip"] + start.p["right_hip"]) / 2
            first = standing_up(d, hips)
        elif ex == "one_arm_row":
            sign = -1.0 if rp.side == "right" else 1.0
            half_gap = 0.19 + d.hip_w / 2 + 0.15 * d.s
            first = standing_beside_bench(d, rp, bench_centre_x(d) + sign * half_gap, 0.0)
            first.props = start.props
        elif ex == "seated_row":
            first = hands_on_knees(start, d)
        elif ex == "hip_raise":
            first = hip_raise(d, 0.0, rp, legs_out=1.0)
        else:
            first = start
        return self._keys([first, first, start], w)

    def _leave(self, seg: Segment, t: float) -> Skeleton:
        """Getting up where the set ended, then walking sideways (to the camera's right) out of the picture."""
        d = self.dims
        last = self.spec.pose(d, 0.0, seg.a)
        pts = np.array(list(last.p.values()))
        stand = standing_up(d, pts.mean(axis=0))
        if self.spec.sided:
            stand.props = last.props
        stand_s = STAND_UP_S[1] if self.spec.id in FLOOR_EXERCISES else STAND_UP_S[0]
        if t - seg.t0 < stand_s:
            return blend(last, stand, ease((t - seg.t0) / stand_s))
        yaw = math.radians(camera_yaw(self.cfg, self.spec))
        step = vec(math.cos(yaw), 0.0, -math.sin(yaw)) * WALK_M * min((t - seg.t0 - stand_s) / WALK_S, 1.0)
        stand.p = {k: v + step for k, v in stand.p.items()}
        return stand

    def _switch(self, seg: Segment, w: float) -> Skeleton:
        d = self.dims
        start = self.spec.pose(d, 0.0, seg.a)
        end = self.spec.pose(d, 0.0, seg.b)
        bx = bench_centre_x(d)
        bench = start.props
        half_gap = 0.19 + d.hip_w / 2 + 0.15 * d.s
        z_back = min(p[1][2] - p[2][2] for p in bench if p[0] == "bench") - 0.35 * d.s
        sign = -1.0 if seg.a.side == "right" else 1.0
        keys = [
            start,
            standing_beside_bench(d, seg.a, bx + sign * half_gap, 0.0),
            standing_beside_bench(d, seg.a, bx + sign * half_gap, z_back),
            standing_beside_bench(d, seg.b, bx - sign * half_gap, z_back),
            standing_beside_bench(d, seg.b, bx - sign * half_gap, 0.0),
            end,
        ]
        for k in keys[1:-1]:
            k.props = bench
        pos = w * (len(keys) - 1)
        i = min(math.floor(pos), len(keys) - 2)
        return blend(keys[i], keys[i + 1], ease(pos - i))

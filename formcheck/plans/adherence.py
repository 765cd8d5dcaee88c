"""A workout against its plan: each planned set done, short, over, missed or skipped; sets beyond it are extra."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from formcheck.plans.model import Plan, PlannedSet

SIDES = ("left", "right")
STATUSES = ("done", "short", "over", "missed", "skipped")
WHOLE_SET = "set"   # the side name of a gap in a set that is not counted per side


@dataclass(frozen=True)
class DoneSet:
    """A set as performed: its exercise and counted reps (per side for a one-arm exercise)."""

    exercise: str
    reps: int                                     # all counted reps (both sides together)
    reps_by_side: Mapping[str, int] | None = None  # {"left": n, "right": m} for a one-arm exercise
    start_s: float | None = None


@dataclass(frozen=True)
class SetAdherence:
    """One planned set against what was done (``done`` is None when it was missed)."""

    planned: PlannedSet
    done: DoneSet | None
    status: str   # done, short, over, missed, skipped
    note: str
    gap: tuple[tuple[str, int], ...] = ()  # (side or "set", reps off the target): negative short, positive over

    def to_dict(self) -> dict[str, Any]:
        p = self.planned
        target = f"{p.reps_min}" if p.reps_min == p.reps_max else f"{p.reps_min}-{p.reps_max}"
        by_side = dict(self.done.reps_by_side) if self.done is not None and self.done.reps_by_side else None
        done = None
        if self.done is not None:
            done = (f"left {by_side.get('left', 0)}, right {by_side.get('right', 0)}" if p.each_side and by_side
                    else str(self.done.reps))  # fmt: skip
        return {"number": p.number, "exercise": p.exercise, "target": target + (" per side" if p.each_side else ""),
                "reps_min": p.reps_min, "reps_max": p.reps_max, "each_side": p.each_side,
                "done": done, "reps": None if self.done is None else self.done.reps, "reps_by_side": by_side,
                "start_s": None if self.done is None else self.done.start_s,
                "status": self.status, "note": self.note, "gap": dict(self.gap)}  # fmt: skip


@dataclass(frozen=True)
class ExtraSet(DoneSet):
    """A performed set the plan has no place for: its exercise is not in the plan, or all its sets were done."""

    reason: str = ""   # "not in the plan" or "beyond the planned sets"

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "reps": self.reps, "start_s": self.start_s, "reason": self.reason}


@dataclass(frozen=True)
class Adherence:
    """Every planned set in order, and the sets done beyond the plan."""

    sets: tuple[SetAdherence, ...]
    extra: tuple[ExtraSet, ...]

    def count(self, status: str) -> int:
        """Planned sets with this status (done, short, over, missed, skipped)."""
        return sum(1 for a in self.sets if a.status == status)

    @property
    def sets_performed(self) -> int:
        """Planned sets that were done at all (on target, short or over)."""
        return len(self.sets) - self.count("missed") - self.count("skipped")

    @property
    def reps_done(self) -> int:
        """Reps of the performed planned sets (extra sets not included)."""
        return sum(a.done.reps for a in self.sets if a.done is not None)

    @property
    def reps_target(self) -> tuple[int, int]:
        """The plan's total reps, fewest and most (a set done on each side counts both sides)."""
        sides = [2 if a.planned.each_side else 1 for a in self.sets]
        return (sum(k * a.planned.reps_min for k, a in zip(sides, self.sets, strict=True)),
                sum(k * a.planned.reps_max for k, a in zip(sides, self.sets, strict=True)))  # fmt: skip

    @property
    def summary(self) -> str:
        """'4 of 5 planned sets done, 3 on target (1 short, 1 missed)'."""
        parts = [f"{self.count(s)} {s}" for s in ("short", "over", "missed", "skipped") if self.count(s)]
        parts += [f"{len(self.extra)} extra"] if self.extra else []
        on_target = f", {self.count('done')} on target" if self.sets_performed else ""
        return (f"{self.sets_performed} of {len(self.sets)} planned sets done{on_target}"
                + (f" ({', '.join(parts)})" if parts else ""))  # fmt: skip

    @property
    def reps_line(self) -> str:
        """'61 reps of 120-240 planned'."""
        low, high = self.reps_target
        return f"{self.reps_done} reps of {low if low == high else f'{low}-{high}'} planned"

    def to_dict(self) -> dict[str, Any]:
        low, high = self.reps_target
        return {"summary": self.summary, "reps_line": self.reps_line, "sets_planned": len(self.sets),
                "sets_performed": self.sets_performed, "counts": {s: self.count(s) for s in STATUSES},
                "reps_done": self.reps_done, "reps_target": [low, high], "sets": [a.to_dict() for a in self.sets],
                "extra": [e.to_dict() for e in self.extra]}  # fmt: skip


def compare(plan: Plan, done: Sequence[DoneSet], skipped: Collection[int] = ()) -> Adherence:
    """Match each performed set to the earliest planned set of its exercise not yet matched, in order.

    ``skipped``: planned sets the user skipped (index in ``plan.sets()``); they take no performed set.
    """
    planned = plan.sets()
    skips = set(skipped)
    in_plan = {p.exercise for p in planned}
    matched: dict[int, DoneSet] = {}
    extra: list[ExtraSet] = []
    for performed in done:
        slot = next((i for i, p in enumerate(planned)
                     if i not in matched and i not in skips and p.exercise == performed.exercise), None)  # fmt: skip
        if slot is not None:
            matched[slot] = performed
        elif performed.exercise in in_plan:
            extra.append(ExtraSet(**vars(performed), reason="beyond the planned sets"))
        else:
            extra.append(ExtraSet(**vars(performed), reason="not in the plan"))
    judged = (SetAdherence(p, None, "skipped", "skipped by the user") if i in skips else _judge(p, matched.get(i))
              for i, p in enumerate(planned))  # fmt: skip
    return Adherence(tuple(judged), tuple(extra))


def _judge(planned: PlannedSet, done: DoneSet | None) -> SetAdherence:
    """A set with per-side counts is judged side by side; without them, on its total reps."""
    if done is None:
        return SetAdherence(planned, None, "missed", "not done")
    if planned.each_side and done.reps_by_side is not None:
        counts = {side: done.reps_by_side.get(side, 0) for side in SIDES}
    else:
        counts = {WHOLE_SET: done.reps}
    short = {side: n - planned.reps_min for side, n in counts.items() if n < planned.reps_min}
    over = {side: n - planned.reps_max for side, n in counts.items() if n > planned.reps_max}
    gap = tuple({**short, **over}.items())
    if short:
        return SetAdherence(planned, done, "short", _gap(short, "short of the target"), gap)
    if over:
        return SetAdherence(planned, done, "over", _gap(over, "over the target"), gap)
    return SetAdherence(planned, done, "done", "")


def _gap(by_side: dict[str, int], what: str) -> str:
    """'3 reps short of the target', 'left 2 reps short of the target'."""
    parts = (f"{'' if side == WHOLE_SET else side + ' '}{abs(n)} rep{'s' if abs(n) != 1 else ''} {what}"
             for side, n in by_side.items())  # fmt: skip
    return "; ".join(parts)

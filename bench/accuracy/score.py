"""Scoring one analysis (a report dict) against a case's truth: counts, faults per rep, partial reps, recognition.

Reps are matched to the truth by time: each true rep pairs with the reported rep whose [start_s, end_s] overlaps it
most (one to one). A true rep's faults are then looked for in its reported rep's faults; a rep that falls short must
appear in ``partial_reps`` (matched the same way) with its range cue among that entry's ``faults``. A true fault on
a rep that was not found, or a cue that was not checked, counts as missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Expected:
    """What a case's truth says formcheck should report."""

    case_id: str
    exercise: str  # performed (a negative's own id, e.g. hip_hinge)
    analyse_as: tuple[str, ...]
    negative: bool
    view: str
    azimuth_deg: float
    rep_count: int
    reps_by_side: dict[str, int] | None
    reps: tuple[dict[str, Any], ...]  # start_s, end_s, side, faults
    partial_reps: tuple[dict[str, Any], ...]  # start_s, end_s, side, faults (the range cue first)
    tags: tuple[str, ...] = ()

    @classmethod
    def from_truth(cls, truth: dict[str, Any]) -> Expected:
        """From a stored ``<case>.truth.json``."""
        case = truth["case"]
        negative = bool(case["negative"])
        return cls(
            case_id=case["id"],
            exercise=truth["exercise"],
            analyse_as=tuple(case["analyse_as"]),
            negative=negative,
            view=case["view"],
            azimuth_deg=float(case["azimuth_deg"]),
            rep_count=0 if negative else int(truth["rep_count"]),
            reps_by_side=None if negative else truth["reps_by_side"],
            reps=() if negative else tuple(truth["reps"]),
            partial_reps=() if negative else tuple(truth.get("partial_reps", [])),
            tags=(*case.get("tags", []), case.get("form", ""), case.get("edge", "")),
        )


@dataclass
class RunScore:
    """One analysis of one case (with the exercise named) against its truth."""

    case_id: str
    analysed_as: str
    view: str
    supported: bool
    negative: bool
    expected_reps: int
    got_reps: int
    expected_by_side: dict[str, int] | None = None
    got_by_side: dict[str, int] | None = None
    faults_expected: int = 0
    faults_found: int = 0
    false_faults: int = 0
    judged_cue_reps: int = 0
    cue_reps: int = 0  # rep-level cues x matched reps
    partials_expected: int = 0
    partials_found: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.got_reps == self.expected_reps and (
            self.expected_by_side is None or self.got_by_side == self.expected_by_side
        )

    @property
    def within_one(self) -> bool:
        return abs(self.got_reps - self.expected_reps) <= 1

    @property
    def ok(self) -> bool:
        """Exact count, every fault and partial rep found, no false fault."""
        return self.exact and self.faults_found == self.faults_expected and not self.false_faults


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> float:
    return min(a["end_s"], b["end_s"]) - max(a["start_s"], b["start_s"])


def match(truth: Sequence[dict[str, Any]], got: Sequence[dict[str, Any]]) -> dict[int, int]:
    """{truth index: reported index}, one to one, largest time overlaps first (only positive overlaps)."""
    pairs = sorted(((_overlap(t, g), i, j) for i, t in enumerate(truth) for j, g in enumerate(got)), reverse=True)
    out: dict[int, int] = {}
    used: set[int] = set()
    for overlap, i, j in pairs:
        if overlap > 0 and i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def rep_cues(report: dict[str, Any]) -> list[str]:
    """Ids of the report's rep-level cues (set-level cues have ``reps_with_fault`` None)."""
    return [cue for cue, v in report.get("cues", {}).items() if v.get("reps_with_fault") is not None]


def score_run(expected: Expected, report: dict[str, Any], analysed_as: str, supported: bool) -> RunScore:
    """Score the report of ``expected``'s case analysed as ``analysed_as``."""
    got_reps = int(report.get("rep_count") or 0)
    s = RunScore(expected.case_id, analysed_as, expected.view, supported, expected.negative, expected.rep_count,
                 got_reps, expected.reps_by_side, report.get("reps_by_side"))  # fmt: skip
    if report.get("exercise") not in (None, analysed_as):
        s.problems.append(f"analysed as {report.get('exercise')}, not {analysed_as}")
    if not s.exact:
        side = f" (by side {s.got_by_side}, expected {s.expected_by_side})" if s.expected_by_side else ""
        s.problems.append(f"{got_reps} reps, expected {expected.rep_count}{side}")
    reps = report.get("reps", [])
    cues = rep_cues(report)
    pairs = match(expected.reps, reps)
    for i, true in enumerate(expected.reps):
        s.faults_expected += len(true["faults"])
        if i not in pairs:
            if true["faults"]:
                s.problems.append(f"rep at {true['start_s']:.1f}-{true['end_s']:.1f} s not found: "
                                  f"missed {', '.join(true['faults'])}")  # fmt: skip
            continue
        ours = reps[pairs[i]]
        judged = set(ours.get("measures", {}))
        s.cue_reps += len(cues)
        s.judged_cue_reps += len(judged & set(cues)) if cues else len(judged)
        found = [f for f in true["faults"] if f in ours["faults"]]
        s.faults_found += len(found)
        missed = [f + ("" if f in judged else " (not checked)") for f in true["faults"] if f not in found]
        false = [f for f in ours["faults"] if f not in true["faults"]]
        s.false_faults += len(false)
        if missed or false:
            what = "; ".join(x for x in (f"missed {', '.join(missed)}" if missed else "",
                                         f"false {', '.join(false)}" if false else "") if x)  # fmt: skip
            s.problems.append(f"rep {ours['index']} ({ours['start_s']:.1f}-{ours['end_s']:.1f} s): {what}")
    partials = report.get("partial_reps", [])
    ppairs = match(expected.partial_reps, partials)
    for i, true in enumerate(expected.partial_reps):
        s.partials_expected += 1
        s.faults_expected += len(true["faults"])
        if i not in ppairs:
            s.problems.append(f"partial rep at {true['start_s']:.1f}-{true['end_s']:.1f} s not reported "
                              f"(expected {', '.join(true['faults'])})")  # fmt: skip
            continue
        s.partials_found += 1
        ours = partials[ppairs[i]]
        got = ours.get("faults") or []
        found = [f for f in true["faults"] if f in got]
        s.faults_found += len(found)
        if len(found) < len(true["faults"]):
            s.problems.append(f"partial rep at {ours['start_s']:.1f} s lacks faults "
                              f"{', '.join(f for f in true['faults'] if f not in got)}")  # fmt: skip
    return s


@dataclass(frozen=True)
class RecognitionScore:
    """The analysis without ``--exercise``: right exercise, unknown, or a wrong confident answer."""

    case_id: str
    view: str
    expected: str | None  # None for a negative (the answer should be "unknown")
    got: str | None
    confidence: float | None

    @property
    def correct(self) -> bool:
        return self.got == self.expected

    @property
    def wrong_confident(self) -> bool:
        """An exercise was named, and it is not the one performed."""
        return self.got is not None and self.got != self.expected


def score_recognition(expected: Expected, report: dict[str, Any]) -> RecognitionScore:
    recognition = report.get("recognition") or {}
    got = report.get("exercise") if report.get("exercise") is not None else recognition.get("exercise")
    return RecognitionScore(expected.case_id, expected.view, None if expected.negative else expected.exercise, got,
                            recognition.get("confidence"))  # fmt: skip

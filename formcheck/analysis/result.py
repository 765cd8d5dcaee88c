"""Immutable results of an analysed set: every judgement lives here; reports only format them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from formcheck.analysis.framelog import FrameLog
from formcheck.analysis.judge import CueVerdict
from formcheck.pose.frame import PoseFrame
from formcheck.rules.model import ExerciseRules


@dataclass(frozen=True)
class SourceInfo:
    """What was analysed."""

    path: str
    fps: float
    frames: int
    duration_s: float
    width: int
    height: int


@dataclass(frozen=True)
class RepResult:
    """One attempt and its verdicts: a counted rep, or a partial rep (reported and judged, not counted)."""

    index: int
    side: str | None
    start_s: float
    top_s: float
    end_s: float
    hold_s: float
    peak: float
    score: float
    verdicts: tuple[CueVerdict, ...]
    counted: bool = True
    reason: str = ""  # why a partial rep was not counted

    @property
    def faults(self) -> list[str]:
        """Ids of the cues this rep broke."""
        return [v.cue_id for v in self.verdicts if v.fault]


@dataclass(frozen=True)
class CueSummary:
    """One cue over the whole set."""

    id: str
    checked: bool
    fault: bool
    reps_with_fault: int | None  # None for set-level cues
    worst: float | None          # the typical faulty value, for the message
    not_checked_reason: str | None


@dataclass(frozen=True)
class Finding:
    """Something to fix: a cue broken on one rep, or a finding about the whole set (rep == None)."""

    cue: str
    rep: int | None
    start_s: float
    end_s: float
    value: float | None
    message: str
    fix: str


@dataclass(frozen=True)
class SetResult:
    """Everything known about one analysed set; frozen, so every report shows the same judgements."""

    rules: ExerciseRules
    source: SourceInfo
    complete: bool
    interruption: str | None
    analysed_at: str
    view: str | None  # the view at the end of the set (the camera may have moved: see ``views``)
    near_side: str
    reps: tuple[RepResult, ...]
    partial_reps: tuple[RepResult, ...]
    reps_by_side: Mapping[str, int] | None
    cues: tuple[CueSummary, ...]
    findings: tuple[Finding, ...]
    score: float | None
    frames_seen: int
    frames_with_person: int
    gaps: tuple[tuple[float, float], ...]
    log: FrameLog = field(compare=False)
    recognition: Mapping[str, Any] | None = None
    camera_advice: tuple[str, ...] = ()
    exercise_check: Mapping[str, Any] | None = None  # the named exercise is clearly not what was seen
    keyframes: Mapping[int, tuple[bytes, PoseFrame]] = field(default_factory=dict, compare=False)
    views: tuple[tuple[float, str], ...] = ()  # (from time in seconds, view): the view judged, then any change

    @property
    def rep_count(self) -> int:
        """Reps that reached the range."""
        return len(self.reps)

    @property
    def set_findings(self) -> tuple[Finding, ...]:
        """Findings about the whole set (rep range, sides), shown apart from the score."""
        return tuple(f for f in self.findings if f.rep is None)

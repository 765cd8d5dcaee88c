"""Live coaching: which single cue to show now. Pure logic driven by frame timestamps; it draws nothing.

``Coach`` turns a stream of candidate advice (one list per frame) into one steady message: a candidate is shown
only once it has persisted ``persist_s`` (so one noisy frame never shows a fault), and a shown message stays at
least ``min_show_s`` so the screen never flickers (only a fault or a rep verdict may cut a mere tip short).
``live_advice`` lists the candidates of one moment from a ``SetAnalyzer`` - the same rules, measures and counter
that ``analyze`` uses, read, never recomputed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from formcheck.analysis.camera_advice import framing_advice
from formcheck.analysis.result import RepResult
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.pose.frame import PoseFrame
from formcheck.pose.measures import SIDES, UNITS
from formcheck.pose.view import VIEW_LABELS
from formcheck.rules.model import Cue, ExerciseRules

PERSIST_S = 0.5       # a candidate must last this long before it is shown
MIN_SHOW_S = 2.0      # a shown message stays at least this long
EVENT_S = 3.0         # advice about a finished rep stays a candidate this long
FRAMING_WINDOW_S = 2.0  # framing advice looks at the poses of the last 2 s ...
FRAMING_EVERY_S = 0.5   # ... again every half second
LEVELS = {"tip": 0, "good": 1, "fault": 2}


@dataclass(frozen=True)
class Advice:
    """One thing the coach could say: ``key`` identifies it across frames (usually the cue id).

    For a fault, ``title`` is the cue's name ("Sit up straight") and ``text`` the one fix to do now.
    """

    key: str
    text: str
    level: str = "tip"          # tip < good < fault
    priority: float = 0.0       # within a level, higher wins (the cue's weight)
    instant: bool = False       # already confirmed (a judged rep): no need to persist first
    title: str = ""

    @property
    def rank(self) -> tuple[int, float]:
        return LEVELS[self.level], self.priority

    @property
    def spoken(self) -> str:
        """What the voice says: the short name of a fault ("Sit up straight"), else the text."""
        return self.title or self.text


class Coach:
    """Picks the single most important advice to show, steadily, from per-frame candidates."""

    def __init__(self, persist_s: float = PERSIST_S, min_show_s: float = MIN_SHOW_S, event_s: float = EVENT_S) -> None:
        self.persist_s, self.min_show_s, self.event_s = persist_s, min_show_s, event_s
        self.reset()

    def reset(self) -> None:
        """Forget everything (a new set)."""
        self.current: Advice | None = None
        self._shown_at = -math.inf
        self._since: dict[str, float] = {}
        self._events: list[tuple[float, Advice]] = []
        self._last_t: float | None = None

    def notify(self, t_s: float, advice: Iterable[Advice]) -> None:
        """One-shot advice (e.g. the faults of the rep that just ended): a candidate for ``event_s`` seconds."""
        self._events.extend((t_s + self.event_s, a) for a in advice)

    def update(self, t_s: float, candidates: Sequence[Advice]) -> Advice | None:
        """Feed one frame's candidates; returns the advice to show now (or None)."""
        if self._last_t is not None and t_s < self._last_t:
            self.reset()
        self._last_t = t_s
        self._events = [(until, a) for until, a in self._events if until >= t_s]
        pool = {a.key: a for a in candidates}
        for _, event in self._events:
            if event.key not in pool or event.rank > pool[event.key].rank:
                pool[event.key] = event
        self._since = {key: self._since.get(key, t_s) for key in pool}
        eligible = [a for a in pool.values() if a.instant or t_s - self._since[a.key] >= self.persist_s]
        best = max(eligible, key=lambda a: a.rank, default=None)
        young = self.current is not None and t_s - self._shown_at < self.min_show_s
        if young and (best is None or self.current.level != "tip" or best.level == "tip"):
            return self.current
        still = next((a for a in eligible if self.current and a.key == self.current.key), None)
        if still is not None and (best is None or best.rank <= still.rank):
            self.current = still   # keep it (its text may carry a fresher value)
            return self.current
        self.current = best
        self._shown_at = t_s
        return best


# -- candidates from the set analysis ------------------------------------------------------------------


def reading(cue: Cue, value: float) -> str:
    """A live reading a person can take in at a glance: an angle in whole degrees ("33°"), else nothing
    (torso-length ratios mean little on screen; the tick or cross next to the cue's name says enough)."""
    return f"{abs(value):.0f}°" if UNITS.get(cue.measure or "", "°") == "°" else ""


def _message(cue: Cue, value: float | None) -> str:
    return cue.message_for(value)


def fault_advice(cue: Cue, instant: bool = False) -> Advice:
    """A broken cue as coaching: its name and the one fix to do now (the rule file's ``fix``)."""
    return Advice(cue.id, cue.fix, "fault", cue.weight, instant=instant, title=cue.title)


def _checkable(rules: ExerciseRules, view: str | None) -> list[Cue]:
    return [c for c in rules.cues if view is None or view in c.views]


def live_side(analyzer: SetAnalyzer) -> str:
    """The side whose measures are shown: the moving arm for one-arm exercises, else the side nearer the camera."""
    return analyzer.active_counter().side or analyzer.near_side


@dataclass(frozen=True)
class LiveMeasure:
    """The current value of one cue's measure and whether it is within the cue's limits."""

    cue_id: str
    value: float
    ok: bool
    text: str               # name and reading in one string ("Sit up straight 33°")
    active: bool = True     # the movement is in the cue's phase now (otherwise the value is shown, not judged)
    name: str = ""          # the cue's name ("Sit up straight")
    reading: str = ""       # the value as shown ("33°", or "" where a number would not help)


def live_measures(analyzer: SetAnalyzer) -> list[LiveMeasure]:
    """Current values of the range cues that this view can check (empty before the view is known)."""
    row = analyzer.log.latest()
    if analyzer.view is None or row is None:
        return []
    side = SIDES.index(live_side(analyzer))
    in_rep, at_top = _phase(analyzer)
    out = []
    for cue in _checkable(analyzer.rules, analyzer.view):
        if cue.kind != "range" or cue.id not in analyzer.log.keys or cue.baseline is not None:
            continue
        value = float(row[analyzer.log.keys.index(cue.id) * 2 + side])
        if math.isnan(value):
            continue
        ok = not ((cue.min is not None and value < cue.min) or (cue.max is not None and value > cue.max))
        shown = reading(cue, value)
        out.append(LiveMeasure(cue.id, value, ok, f"{cue.title} {shown}".strip(), _in_phase(cue, in_rep, at_top),
                               cue.title, shown))  # fmt: skip
    return out


def _phase(analyzer: SetAnalyzer) -> tuple[bool, bool]:
    """(in a rep, holding its top) for the side now moving."""
    counter = analyzer.active_counter()
    return counter.in_rep, counter.in_rep and counter.holding_s > 0


def _in_phase(cue: Cue, in_rep: bool, at_top: bool) -> bool:
    """Whether the cue is judged at this moment (a ``cycle`` cue: always, between reps too)."""
    return {"rep": in_rep, "top": at_top, "start": not in_rep}.get(cue.phase, True)


def live_advice(analyzer: SetAnalyzer) -> list[Advice]:
    """The candidates of this moment: cues broken now (in their phase), else a tip for the current phase."""
    rules = analyzer.rules
    latest = analyzer.log.latest()
    if analyzer.view is None or latest is None:
        return [Advice("_setup", f"Get into position, {_views_text(rules)}", "tip", 1.0)]
    if math.isnan(float(latest[0])) and math.isnan(float(latest[1])):
        return [Advice("_in_view", "Step back so your whole body is in view", "tip", 2.0)]
    in_rep, at_top = _phase(analyzer)
    cues = {c.id: c for c in rules.cues}
    advice = []
    for measure in live_measures(analyzer):
        if not measure.ok and measure.active:
            advice.append(fault_advice(cues[measure.cue_id]))
    if analyzer.view not in rules.views:
        advice.append(Advice("_view", f"Film {_views_text(rules)} to check every cue", "tip", 1.0))
    tip = _phase_tip(_checkable(rules, analyzer.view), in_rep, at_top)
    if tip is not None:
        advice.append(Advice(f"_tip_{tip.id}", tip.cue, "tip", 0.0))
    return advice


def _views_text(rules: ExerciseRules) -> str:
    return "filmed " + " or ".join(VIEW_LABELS[v] for v in rules.views[:2])


def _phase_tip(cues: list[Cue], in_rep: bool, at_top: bool) -> Cue | None:
    """The article's cue for the current phase of the movement."""
    judged = [c for c in cues if c.kind != "sides"]
    if at_top:
        order = [c for c in judged if c.kind == "hold"] + [c for c in judged if c.phase == "top"]
    elif in_rep:
        order = [c for c in judged if c.phase == "top"] + [c for c in judged if c.phase == "rep"]
    else:
        order = [c for c in judged if c.phase == "start"] + [c for c in judged if c.phase == "rep"]
    return (order or judged or [None])[0]


def rep_advice(rules: ExerciseRules, rep: RepResult) -> list[Advice]:
    """What to say about a rep that just ended: the fix for each of its faults, or that it was good."""
    cues = {c.id: c for c in rules.cues}
    faults = [v for v in rep.verdicts if v.fault]
    if not faults:
        return [Advice("_good", f"Good rep ({rep.index})", "good", 0.0, instant=True)]
    return [fault_advice(cues[v.cue_id], instant=True) for v in faults]


def hold_countdown(analyzer: SetAnalyzer) -> str | None:
    """'hold 5', 'hold 4', ... while the top is held, 'lower' once the hold is done (None otherwise)."""
    hold_s = analyzer.rules.rep.hold_s
    counter = analyzer.active_counter()
    if hold_s <= 0 or not counter.in_rep or counter.holding_s <= 0:
        return None
    left = hold_s - counter.holding_s
    return f"hold {math.ceil(left)}" if left > 0 else "lower"


# -- what the display shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class HudState:
    """Everything the on-frame overlay shows at one moment (plain data; ``formcheck.draw.hud`` draws it)."""

    exercise: str
    reps: str
    last_rep_good: bool | None
    countdown: str | None
    measures: tuple[LiveMeasure, ...]
    advice: Advice | None
    faults: tuple[str, ...]              # the names of the last rep's faults
    status: str = ""
    summary: tuple[str, ...] = ()


def reps_text(analyzer: SetAnalyzer) -> str:
    """'3 reps', or 'L 2 | R 3' for exercises done one side at a time."""
    by_side = analyzer.reps_by_side()
    if by_side is not None:
        return f"L {by_side['left']} | R {by_side['right']}"
    return f"{analyzer.rep_count} rep" + ("" if analyzer.rep_count == 1 else "s")


class FramingWatch:
    """Camera framing advice from the last few seconds of poses (knees cut off, figure too small, ...)."""

    def __init__(self, window_s: float = FRAMING_WINDOW_S, every_s: float = FRAMING_EVERY_S) -> None:
        self.window_s, self.every_s = window_s, every_s
        self.reset()

    def reset(self) -> None:
        """A new set."""
        self._recent: deque[PoseFrame] = deque()
        self._checked_at = -math.inf
        self.advice: list[Advice] = []

    def update(self, pose: PoseFrame) -> list[Advice]:
        """Feed one pose; returns the current framing advice (re-checked every ``every_s`` seconds)."""
        if self._recent and pose.t < self._recent[-1].t:
            self.reset()
        if not pose.is_empty:
            self._recent.append(pose)
        while self._recent and self._recent[0].t < pose.t - self.window_s:
            self._recent.popleft()
        if pose.t - self._checked_at >= self.every_s:
            self._checked_at = pose.t
            messages = framing_advice(list(self._recent))
            self.advice = [Advice(f"_framing_{i}", m[0].upper() + m[1:], "tip", 1.5) for i, m in enumerate(messages)]
        return self.advice


class SetCoaching:
    """Follows one set's analysis frame by frame and decides what the display shows and the voice says."""

    def __init__(self, coach: Coach | None = None) -> None:
        self.coach = coach or Coach()
        self.framing = FramingWatch()
        self.last_rep: RepResult | None = None
        self.spoken: list[str] = []   # new things to say since the last update (rep counts, new advice)

    def reset(self) -> None:
        """A new set."""
        self.coach.reset()
        self.framing.reset()
        self.last_rep = None

    def update(self, t_s: float, analyzer: SetAnalyzer, events: Sequence[object],
               pose: PoseFrame | None = None) -> HudState:  # fmt: skip
        """Feed one analysed frame (and the events its update returned); returns what to show.

        With ``pose``, camera framing advice (step back, raise the camera, ...) joins the candidates.
        """
        previous = self.coach.current
        self.spoken = []
        for event in events:
            if isinstance(event, RepResult) and event.counted:
                self.last_rep = event
                self.coach.notify(t_s, rep_advice(analyzer.rules, event))
                self.spoken.append(str(event.index))
            elif isinstance(event, RepResult):  # a partial rep: not counted, but its faults are coached
                self.coach.notify(t_s, rep_advice(analyzer.rules, event))
        framing = self.framing.update(pose) if pose is not None else []
        advice = self.coach.update(t_s, live_advice(analyzer) + framing)
        if advice is not None and advice.level != "tip" and (previous is None or previous.key != advice.key):
            self.spoken.append(advice.spoken)
        return self.state(analyzer, advice)

    def state(self, analyzer: SetAnalyzer, advice: Advice | None, status: str = "",
              summary: Sequence[str] = ()) -> HudState:  # fmt: skip
        """The display state for the analyzer as it stands."""
        last = self.last_rep
        return HudState(
            exercise=analyzer.rules.name,
            reps=reps_text(analyzer),
            last_rep_good=None if last is None else not last.faults,
            countdown=hold_countdown(analyzer),
            measures=tuple(live_measures(analyzer)),
            advice=advice,
            faults=tuple(cue_names(analyzer.rules, last.faults)) if last is not None else (),
            status=status,
            summary=tuple(summary),
        )


def cue_names(rules: ExerciseRules | None, cue_ids: Iterable[str]) -> list[str]:
    """The names a person reads for some cue ids (an id the rules do not know stays as it is)."""
    titles = {c.id: c.title for c in rules.cues} if rules is not None else {}
    return [titles.get(cue_id, cue_id) for cue_id in cue_ids]


SUMMARY_FIXES = 2     # the set summary gives the fix of the most frequent faults only: a few things to work on


def summary_lines(report: dict, rules: ExerciseRules | None = None) -> list[str]:
    """A few lines summing up a finished set (from the report dictionary): each broken cue by name and on how many
    reps, most frequent first, with the fix for the next set for the first ``SUMMARY_FIXES`` of them."""
    by_side = report["reps_by_side"]
    reps = f"{report['rep_count']} reps" + (f" (left {by_side['left']}, right {by_side['right']})" if by_side else "")
    score = "-" if report["score"] is None else f"{report['score']:.0f}/100"
    lines = [f"{report['exercise_name']}: {reps}, score {score}"]
    broken = [(cue_id, cue) for cue_id, cue in report["cues"].items() if cue["fault"]]
    broken.sort(key=lambda item: -(item[1]["reps_with_fault"] or 0))     # stable: rule-file order among equals
    for i, (cue_id, cue) in enumerate(broken):
        count = cue["reps_with_fault"]
        line = f"x {cue_names(rules, [cue_id])[0]}" + (f" ({count} of {report['rep_count']} reps)" if count else "")
        lines.append(line + (f": {cue['fix']}" if i < SUMMARY_FIXES else ""))
    if len(lines) == 1 and report["rep_count"]:
        lines.append("Every checked cue was kept.")
    return lines


def summary_state(report: dict, rules: ExerciseRules | None, status: str = "",
                  extra: Sequence[str] = ()) -> HudState:  # fmt: skip
    """The end-of-set screen, from the report alone: count, the last rep's faults, the summary and a status."""
    by_side = report["reps_by_side"]
    count = report["rep_count"]
    reps = f"L {by_side['left']} | R {by_side['right']}" if by_side else f"{count} rep" + ("" if count == 1 else "s")
    last = report["reps"][-1] if report["reps"] else None
    return HudState(
        exercise=report["exercise_name"],
        reps=reps,
        last_rep_good=None if last is None else not last["faults"],
        countdown=None,
        measures=(),
        advice=None,
        faults=(),                       # the summary lists them, with their fixes
        status=status,
        summary=(*summary_lines(report, rules), *extra),
    )

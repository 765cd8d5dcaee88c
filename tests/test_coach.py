"""The live coach as sequence in, messages out: persistence, minimum display, priority; and what it reads."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from formcheck.analysis.coach import (
    Advice,
    Coach,
    SetCoaching,
    hold_countdown,
    live_advice,
    live_measures,
    rep_advice,
    reps_text,
    summary_lines,
    summary_state,
)
from formcheck.analysis.counter import RepCounter
from formcheck.analysis.judge import CueVerdict
from formcheck.analysis.result import RepResult
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.rules.loader import find_exercise

FPS = 30


def run(coach: Coach, timeline: list[tuple[float, float, list[Advice]]]) -> list[tuple[float, str | None]]:
    """Feed ``[(start_s, end_s, candidates)]`` at 30 fps; returns (t, shown key) at every change."""
    shown: list[tuple[float, str | None]] = []
    for start, end, candidates in timeline:
        for i in range(round((end - start) * FPS)):
            t = start + i / FPS
            advice = coach.update(t, candidates)
            key = advice.key if advice else None
            if not shown or shown[-1][1] != key:
                shown.append((round(t, 3), key))
    return shown


KNEES = Advice("knees", "knees!", "fault", 1.0)
HIPS = Advice("hips", "hips!", "fault", 2.0)
TIP = Advice("_tip", "lift your hips", "tip", 0.0)


def test_a_candidate_is_shown_only_after_it_persisted() -> None:
    shown = run(Coach(), [(0.0, 0.3, [KNEES]), (0.3, 1.0, []), (1.0, 3.0, [KNEES])])
    assert shown[0] == (0.0, None)
    assert [k for _, k in shown] == [None, "knees"]  # the 0.3 s blip was never shown
    assert shown[1][0] == pytest.approx(1.5, abs=1 / FPS)


def test_a_shown_message_stays_at_least_two_seconds_even_when_gone() -> None:
    shown = run(Coach(), [(0.0, 0.6, [KNEES]), (0.6, 5.0, [])])
    assert [k for _, k in shown] == [None, "knees", None]
    shown_at, gone_at = shown[1][0], shown[2][0]
    assert gone_at - shown_at == pytest.approx(2.0, abs=1.5 / FPS)


def test_flickering_candidates_do_not_flicker_the_display() -> None:
    timeline = [(t / 10, t / 10 + 0.1, [KNEES] if t % 2 else [HIPS]) for t in range(60)]
    shown = run(Coach(), timeline)
    # each candidate disappears every 0.1 s, so none persists 0.5 s: nothing is ever shown
    assert [k for _, k in shown] == [None]


def test_a_more_important_fault_replaces_the_current_one_after_its_minimum_time() -> None:
    shown = run(Coach(), [(0.0, 1.0, [KNEES]), (1.0, 6.0, [KNEES, HIPS])])
    assert [k for _, k in shown] == [None, "knees", "hips"]
    assert shown[2][0] == pytest.approx(2.5, abs=1.5 / FPS)   # shown at 0.5, kept until 2.5 (HIPS ready at 1.5)


def test_a_fault_cuts_a_tip_short() -> None:
    shown = run(Coach(), [(0.0, 1.0, [TIP]), (1.0, 6.0, [TIP, HIPS])])
    assert [k for _, k in shown] == [None, "_tip", "hips"]
    assert shown[2][0] == pytest.approx(1.5, abs=1.5 / FPS)   # as soon as HIPS has persisted


def test_current_advice_is_kept_while_an_equal_one_appears() -> None:
    other = Advice("other", "other", "fault", 1.0)
    shown = run(Coach(), [(0.0, 1.0, [KNEES]), (1.0, 6.0, [KNEES, other])])
    assert [k for _, k in shown] == [None, "knees"]


def test_rep_events_are_shown_at_once_and_expire() -> None:
    coach = Coach()
    assert coach.update(0.0, [TIP]) is None
    coach.notify(0.1, [Advice("_good", "Good rep", "good", instant=True)])
    assert coach.update(0.1, [TIP]).key == "_good"
    assert coach.update(2.0, [TIP]).key == "_good"          # kept its two seconds
    assert coach.update(3.0, [TIP]).key == "_good"          # still a candidate (3 s), and it outranks the tip
    assert coach.update(3.2, [TIP]).key == "_tip"           # expired


def test_time_going_back_starts_over() -> None:
    coach = Coach()
    for i in range(30):
        coach.update(i / FPS, [KNEES])
    assert coach.current is not None
    assert coach.update(0.0, []) is None


# -- reading the analysis ----------------------------------------------------------------------------


def test_hold_countdown_counts_down_the_rule_files_hold() -> None:
    rules = find_exercise("hip_raise")
    counter = RepCounter(rules.rep)
    analyzer = SimpleNamespace(rules=rules, active_counter=lambda: counter)
    said = []
    for i in range(int(9 * FPS)):
        t = i / FPS
        value = -40.0 if t < 1 or t > 8 else min(0.0, -40 + 57 * (t - 1))   # hip extension: up in 0.7 s, hold ~6 s
        counter.update(t, value)
        text = hold_countdown(analyzer)
        if not said or said[-1] != text:
            said.append(text)
    assert rules.rep.hold_s == 5
    assert said == [None, "hold 5", "hold 4", "hold 3", "hold 2", "hold 1", "lower", None]


def _verdict(cue_id: str, fault: bool, value: float) -> CueVerdict:
    return CueVerdict(cue_id, True, fault, value)


def test_rep_advice_names_the_fault_and_gives_the_rule_files_fix() -> None:
    rules = find_exercise("hip_raise")
    verdicts = (_verdict("hip_line", True, -25.0), _verdict("knee_angle", False, 90))
    rep = RepResult(1, None, 0, 1, 2, 1.0, 30, 50, verdicts)
    advice = rep_advice(rules, rep)
    assert [a.key for a in advice] == ["hip_line"]
    cue = rules.cue("hip_line")
    assert (advice[0].title, advice[0].text) == (cue.name, cue.fix) == (
        "Hips up in line", "Squeeze your glutes and push the hips up until shoulders, hips and knees form one "
        "straight line.")  # fmt: skip
    assert advice[0].spoken == "Hips up in line"              # the voice says the short name
    assert advice[0].level == "fault" and advice[0].instant
    good = RepResult(2, None, 0, 1, 2, 5.0, 30, 100, (_verdict("hip_line", False, -2.0),))
    assert rep_advice(rules, good)[0].level == "good"


def _lying_pose(t_ms: int, hip_lift_deg: float, knee_deg: float = 90.0):
    """A side view of a person lying on their back, right side nearer the camera; hips lifted by an angle."""
    from tests.posebuild import make_pose

    shoulder = np.array([300.0, 700.0])
    a = np.radians(hip_lift_deg)
    hip = shoulder + 250 * np.array([np.cos(a), -np.sin(a)])
    thigh = np.radians(45.0)
    knee = hip + 230 * np.array([np.cos(thigh), -np.sin(thigh)])
    shin_dir = np.radians(225.0 + knee_deg)   # rotate from the knee-to-hip direction by the knee angle
    ankle = knee + 230 * np.array([np.cos(shin_dir), -np.sin(shin_dir)])
    head = shoulder + np.array([-120.0, 0.0])
    image = {}
    for side, dz in (("right", 0.0), ("left", 4.0)):
        image.update({f"{side}_shoulder": tuple(shoulder + dz), f"{side}_hip": tuple(hip + dz),
                      f"{side}_knee": tuple(knee + dz), f"{side}_ankle": tuple(ankle + dz),
                      f"{side}_elbow": tuple(shoulder + np.array([80, 20])),
                      f"{side}_wrist": tuple(shoulder + np.array([160, 30])),
                      f"{side}_ear": tuple(head + dz)})  # fmt: skip
    image["nose"] = tuple(head + np.array([-20, -20]))
    world = {name: (x / 1000, y / 1000, -0.1 if name.startswith("right") else 0.1) for name, (x, y) in image.items()}
    pose = make_pose(image, world, t_ms=t_ms)
    from dataclasses import replace

    vis = pose.visibility.copy()
    vis[[i for i in range(len(vis)) if vis[i] > 0]] = 0.99
    return replace(pose, visibility=vis, presence=vis.copy())


def test_live_advice_reads_the_analysis_and_tips_follow_the_phase() -> None:
    rules = find_exercise("hip_raise")
    analyzer = SetAnalyzer(rules, view="side")
    coaching = SetCoaching()
    keys_at_rest, keys_at_top, measures_at_top = set(), set(), []
    for i in range(int(4 * FPS)):
        t = i / FPS
        lift = 2.0 if t < 1 else 28.0
        events = analyzer.update(_lying_pose(round(t * 1000), lift, knee_deg=140.0))
        state = coaching.update(t, analyzer, events)
        advice = {a.key for a in live_advice(analyzer)}
        if t < 0.95 or t > 1.5:
            (keys_at_top if t > 1.5 else keys_at_rest).update(advice)
        if t > 1.5:
            measures_at_top = state.measures
    knee = next(m for m in measures_at_top if m.cue_id == "knee_angle")
    assert knee.value == pytest.approx(140.0, abs=3) and not knee.ok and knee.active
    assert (knee.name, knee.reading) == ("Knees at 90°", f"{knee.value:.0f}°")   # a name a person reads, not an id
    assert all("_" not in m.text for m in measures_at_top)
    assert "knee_angle" in keys_at_top                        # knees at 140°, outside 65-115, during the rep
    assert "_tip_hold_5" in keys_at_top                       # at the top the tip is the article's hold cue
    assert "knee_angle" not in keys_at_rest                   # knee_angle is judged during the rep only
    assert coaching.coach.current is not None and coaching.coach.current.key == "knee_angle"
    assert state.advice.title == "Knees at 90°" and state.advice.text == rules.cue("knee_angle").fix   # the fix
    assert state.countdown is not None and state.countdown.startswith("hold")


def test_live_advice_asks_for_position_before_the_view_is_known() -> None:
    analyzer = SetAnalyzer(find_exercise("hip_raise"))
    assert live_advice(analyzer)[0].key == "_setup"
    assert live_measures(analyzer) == []


def test_reps_text_counts_per_side_for_one_arm_exercises() -> None:
    assert reps_text(SetAnalyzer(find_exercise("hip_raise"), view="side")) == "0 reps"
    assert reps_text(SetAnalyzer(find_exercise("one_arm_row"), view="side")) == "L 0 | R 0"


def test_summary_lines_name_reps_score_and_the_fix_of_each_fault() -> None:
    rules = find_exercise("hip_raise")
    report = {"exercise_name": "Hip raise", "rep_count": 3, "reps_by_side": None, "score": 65.0,
              "reps": [{"faults": []}, {"faults": ["hold_5"]}],
              "cues": {"hold_5": {"fault": True, "reps_with_fault": 3, "message": "Held 0.9 s.", "fix": "Count 5."},
                       "hip_line": {"fault": False, "reps_with_fault": 0, "message": None, "fix": "Up."}}}  # fmt: skip
    lines = summary_lines(report, rules)
    assert lines[0] == "Hip raise: 3 reps, score 65/100"
    assert lines[1:] == ["x Hold 5 counts (3 of 3 reps): Count 5."]
    assert summary_lines(report)[1].startswith("x hold_5 ")   # without the rules, the id is all there is
    state = summary_state(report, rules, "press any key to close", ["Saved: set.json"])
    assert state.summary == (*lines, "Saved: set.json") and state.status == "press any key to close"
    assert (state.reps, state.last_rep_good, state.measures, state.advice) == ("3 reps", False, (), None)


def test_live_coaching_tells_the_user_to_fix_the_camera_when_the_knees_are_cut_off() -> None:
    from tests.test_camera_advice import knees_low
    from tests.test_recognize import synthetic

    poses = synthetic("reverse_fly", "three_quarter")
    framed, cut = poses[: 4 * FPS], knees_low(poses[: 4 * FPS], scale=1.0)
    for sequence, expect_advice in ((framed, False), (cut, True)):
        analyzer, coaching = SetAnalyzer(find_exercise("reverse_fly")), SetCoaching()
        shown = set()
        for pose in sequence:
            state = coaching.update(pose.t, analyzer, analyzer.update(pose), pose)
            if state.advice is not None:
                shown.add(state.advice.text)
        framing = [text for text in shown if "so the knees" in text]
        assert bool(framing) == expect_advice, shown
        if expect_advice:
            assert framing[0].startswith(("Lower the camera", "Step back"))

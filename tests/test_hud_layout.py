"""The live overlay's layout holds at any frame size: every panel inside the frame, none over another, every line
of text inside its panel; the set summary never under the "press any key" box. Geometry from the HUD's own
layout, not from pixels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.analysis.coach import Advice, HudState, LiveMeasure, reading, summary_state
from formcheck.draw.hud import HudAnnotator
from formcheck.draw.layout import HudLayout, overlaps, text_size
from formcheck.rules.loader import ExerciseRules, load_all

SIZES = {"480p": (854, 480), "720p (the live window)": (1280, 720), "1080p": (1920, 1080), "4K": (3840, 2160),
         "VGA": (640, 480), "portrait phone": (1080, 1920)}  # fmt: skip
CATALOGUE = load_all()


def busy_state(rules: ExerciseRules) -> HudState:
    """The fullest overlay an exercise can show: every reading, three faults, its longest fix, a countdown and a
    status line."""
    measures = tuple(LiveMeasure(c.id, -123.0, i % 2 == 0, c.title, i % 3 != 2, c.title, reading(c, -123.0))
                     for i, c in enumerate(rules.cues) if c.kind == "range")  # fmt: skip
    worst = max(rules.cues, key=lambda c: len(c.fix))
    advice = Advice(worst.id, worst.fix, "fault", 1.0, title=worst.title)
    faults = tuple(c.title for c in rules.cues[:3])
    return HudState(rules.name, "L 12 | R 12", False, "hold 5", measures, advice, faults,
                    status="set saved (12 reps)")  # fmt: skip


def full_report(rules: ExerciseRules) -> dict:
    """A report dictionary in which every cue was broken (the longest summary the exercise can have)."""
    return {"exercise_name": rules.name, "rep_count": 20, "reps_by_side": {"left": 10, "right": 10}, "score": 5.0,
            "reps": [{"faults": [c.id for c in rules.cues]}],
            "cues": {c.id: {"fault": True, "reps_with_fault": 20, "message": c.message, "fix": c.fix}
                     for c in rules.cues}}  # fmt: skip


def summary(rules: ExerciseRules) -> HudState:
    saved = ["Saved: formcheck-live-bent_over_lateral_raise-20250504-101502.json",
             "This session saved 4 sets (listed in the terminal)."]  # fmt: skip
    return summary_state(full_report(rules), rules, "press any key to close", saved)


def assert_sound(layout: HudLayout) -> None:
    """Inside the frame, no overlaps, every line of text inside its own panel."""
    w, h = layout.width, layout.height
    for panel in layout.panels:
        assert panel.box.inside(w, h), (panel.name, panel.box, (w, h))
        for text in panel.texts:
            assert panel.box.contains(text.box), (panel.name, text.text, text.box, panel.box)
        for mark in panel.marks:
            assert panel.box.contains(mark.box), (panel.name, mark)
    assert overlaps(layout) == []


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("exercise", sorted(CATALOGUE))
def test_a_busy_overlay_fits_at_every_resolution(exercise: str, size: tuple[int, int]) -> None:
    rules = CATALOGUE[exercise]
    layout = HudAnnotator().layout(*size, busy_state(rules))
    assert_sound(layout)
    assert set(layout.boxes()) == {"count", "readings", "countdown", "status", "advice"}   # nothing had to go
    readings = layout.panel("readings")
    assert readings is not None
    left = min(t.x for t in readings.texts)
    names = [t.text for t in readings.texts if t.x == left]                 # the names column (readings to the right)
    assert names == [c.title for c in rules.cues if c.kind == "range"]      # whole names: nothing cut short
    advice = layout.panel("advice")
    assert advice is not None and advice.texts[0].text == max(rules.cues, key=lambda c: len(c.fix)).title


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("exercise", sorted(CATALOGUE))
def test_the_summary_never_meets_the_press_any_key_box(exercise: str, size: tuple[int, int]) -> None:
    layout = HudAnnotator().layout(*size, summary(CATALOGUE[exercise]))
    assert_sound(layout)
    boxes = layout.boxes()
    assert {"summary", "status", "count"} <= boxes.keys()
    assert boxes["status"].y0 >= boxes["summary"].y1                        # "press any key" below the summary
    lines = [t.text for t in layout.panel("summary").texts]
    assert "..." not in lines                                               # all of it shown at these sizes


@settings(max_examples=150, deadline=None)
@given(width=st.integers(320, 4096), aspect=st.floats(0.45, 2.6), exercise=st.sampled_from(sorted(CATALOGUE)),
       finished=st.booleans())  # fmt: skip
def test_any_frame_size_gets_a_sound_layout(width: int, aspect: float, exercise: str, finished: bool) -> None:
    height = max(240, round(width / aspect))
    rules = CATALOGUE[exercise]
    layout = HudAnnotator().layout(width, height, summary(rules) if finished else busy_state(rules))
    assert_sound(layout)
    assert ("summary" if finished else "advice") in layout.boxes()          # the coaching itself never goes


def test_text_is_at_least_legible_size() -> None:
    """At 480p, the smallest line of the overlay is still about 10 px high."""
    layout = HudAnnotator().layout(854, 480, busy_state(CATALOGUE["seated_row"]))
    heights = [text_size(t.text, t.size, t.thickness)[1] for p in layout.panels for t in p.texts]
    assert min(heights) >= 9


def test_what_is_drawn_is_where_the_layout_says() -> None:
    """The painted overlay follows the layout: dark panels where it puts them, the frame untouched elsewhere."""
    w, h = 1280, 720
    state = busy_state(CATALOGUE["hip_raise"])
    scene = np.full((h, w, 3), 200, np.uint8)
    hud = HudAnnotator()
    hud.annotate(scene, state)
    layout = hud.layout(w, h, state)
    covered = np.zeros((h, w), bool)
    for panel in layout.panels:
        b = panel.box
        covered[b.y0:b.y1, b.x0:b.x1] = True
        if panel.filled:
            region = scene[b.y0:b.y1, b.x0:b.x1].max(axis=2)
            assert (region < 100).mean() > 0.5, panel.name                # the translucent panel
            assert (region > 150).any(), panel.name                       # with its text on it
    assert np.all(scene[~covered] == 200)                                  # nothing drawn outside the panels

"""Where the camera cannot see how high a rep goes, the first movement is judged against the next rep.

From the side the lateral raise's arms rise toward the lens: its height (``raise_height``) is not judged there, and
later reps count when they are as large as the person's own counted reps. The first movement has none to compare
with; it waits for the next one.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.rules.loader import find_exercise

FPS = 30


def raise_set(view: str, peaks: list[float], frames: list[int] | None = None) -> SetAnalyzer:
    """Both arms raised to each height in turn (up and down in ``frames``, by default 1.2 s), with 1.2 s of rest
    before and after each."""
    analyzer = SetAnalyzer(find_exercise("bent_over_lateral_raise"), view=view)
    heights = [0.0] * 36
    for peak, n in zip(peaks, frames or [36] * len(peaks), strict=True):
        heights += [peak * np.sin(np.pi * i / n) for i in range(n + 1)] + [0.0] * 36
    for i, height in enumerate(heights):
        row = np.full(2 * len(analyzer.measure_keys()), np.nan)
        row[0:4] = height
        analyzer.advance(i / FPS, row)
    analyzer.finish()
    return analyzer


def test_from_the_side_an_under_read_first_rep_counts_when_as_large_as_the_next() -> None:
    analyzer = raise_set("side", [0.25, 0.45])  # the first reads under halfway (0.29), the second over it
    assert [r.index for r in analyzer.reps] == [1, 2] and analyzer.partials == []
    assert analyzer.reps[0].start_s < analyzer.reps[1].start_s


def test_from_the_side_a_first_movement_much_smaller_than_the_next_rep_stays_partial() -> None:
    analyzer = raise_set("side", [0.2, 0.9])  # 0.2 is under 0.29 of the 0.9 rep
    assert analyzer.rep_count == 1 and [p.reason for p in analyzer.partials] == ["did not reach the top"]
    assert analyzer.partials[0].start_s < analyzer.reps[0].start_s


def test_a_first_movement_also_too_quick_is_not_promoted_by_the_next_rep() -> None:
    analyzer = raise_set("side", [0.25, 0.45], frames=[12, 36])  # 0.4 s up and down: a flick, not a rep
    assert analyzer.rep_count == 1 and [p.reason for p in analyzer.partials] == ["did not reach the top"]


def test_a_first_movement_with_nothing_after_it_is_reported_partial() -> None:
    analyzer = raise_set("side", [0.25])
    assert analyzer.rep_count == 0 and len(analyzer.partials) == 1


@pytest.mark.parametrize("view", ["three_quarter", "front"])
def test_where_the_height_is_seen_a_short_first_rep_is_short_at_once(view: str) -> None:
    analyzer = raise_set(view, [0.25, 0.45])
    assert analyzer.rep_count == 1 and analyzer.partials[0].end_s < analyzer.reps[0].start_s

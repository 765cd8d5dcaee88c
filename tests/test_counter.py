"""The rep counter as sequence in, events out."""

from __future__ import annotations

import numpy as np

from formcheck.analysis.counter import RepCounter
from formcheck.rules.model import RepDefinition

DEFINITION = RepDefinition(signal="arm_raise", space="world", rest=10, top=85, min_peak=40,
                           min_duration_s=0.6, smoothing_s=0.05, hold_s=0, partial_fraction=0.5)  # fmt: skip


def run(keyframes: list[tuple[float, float]], fps: float = 30.0,
        reach: list[tuple[float, float]] | None = None) -> tuple[RepCounter, list]:  # fmt: skip
    """Feed a piecewise-linear signal (and reach, when the camera cannot see the height) through a counter; return
    it and its events."""
    times, values = zip(*keyframes, strict=True)
    counter, events = RepCounter(DEFINITION), []
    for t in np.arange(0.0, times[-1], 1.0 / fps):
        high = None if reach is None else float(np.interp(t, *zip(*reach, strict=True)))
        event = counter.update(float(t), float(np.interp(t, times, values)), high)
        if event:
            events.append(event)
    end = counter.finish(times[-1])
    return counter, events + ([end] if end else [])


def reps(n: int, peak: float = 90, up: float = 1.0, hold: float = 0.3, down: float = 1.0, rest: float = 0.7):
    keys, t = [(0.0, 10.0)], 0.0
    for _ in range(n):
        t += rest
        keys.append((t, 10.0))
        keys += [(t + up, peak), (t + up + hold, peak), (t + up + hold + down, 10.0)]
        t += up + hold + down
    keys.append((t + rest, 10.0))
    return keys


def test_counts_full_reps_with_times_from_timestamps() -> None:
    counter, events = run(reps(3))
    assert counter.count == 3
    assert [e.counted for e in events] == [True, True, True]
    first = events[0]
    assert 0.7 <= first.start_s <= 1.2 and 1.6 <= first.top_s <= 2.1 and 2.4 <= first.end_s <= 3.0


def test_frame_rate_does_not_change_the_count_or_the_times() -> None:
    slow_counter, slow = run(reps(4), fps=10)
    fast_counter, fast = run(reps(4), fps=60)
    assert slow_counter.count == fast_counter.count == 4
    assert abs(slow[2].end_s - fast[2].end_s) < 0.2


def test_low_excursion_is_a_partial_rep_not_counted() -> None:
    keys = reps(2) + [(t + 8.0, v) for t, v in reps(1, peak=38)[1:]]
    counter, events = run(keys)
    assert counter.count == 2
    assert [e.counted for e in events] == [True, True, False]
    assert events[-1].reason


def test_much_shorter_rep_after_full_ones_is_partial() -> None:
    keys = reps(3) + [(t + 12.0, v) for t, v in reps(1, peak=45)[1:]]
    counter, events = run(keys)
    assert counter.count == 3 and not events[-1].counted


def test_where_the_height_is_unseen_the_higher_reading_and_the_persons_own_reps_decide() -> None:
    """A camera that cannot see the height under-reads: a rep is full when either side reaches min_peak, or when it
    is as large as the person's own counted reps; a first movement that reaches neither stays partial."""
    full = reps(2, peak=60)
    under_read = [(t + 7.0, 10 + (v - 10) * 0.55) for t, v in reps(1, peak=60)[1:]]  # peaks at 37.5 < min_peak
    _, seen = run(full + under_read)
    assert [e.counted for e in seen] == [True, True, False]  # where the height is judged: short of min_peak
    _, unseen = run(full + under_read, reach=full + under_read)
    assert [e.counted for e in unseen] == [True, True, True]  # as large as the person's own reps
    _, alone = run(under_read, reach=under_read)
    assert [e.counted for e in alone] == [False]  # nothing to compare with, below min_peak on every side
    _, other_side = run(under_read, reach=[(t, v + 10) for t, v in under_read])
    assert [e.counted for e in other_side] == [True]  # the other side's reading reaches min_peak


def test_jitter_around_threshold_is_not_counted_twice() -> None:
    t = np.arange(0, 4, 1 / 30)
    noisy = 30 + 6 * np.sin(2 * np.pi * 7 * t)  # oscillates around enter/exit without a real rep
    counter = RepCounter(DEFINITION)
    events = [counter.update(float(a), float(b)) for a, b in zip(t, noisy, strict=True)]
    assert counter.count == 0
    assert all(e is None or not e.counted for e in events)


def test_hold_is_timed_at_the_top() -> None:
    _, events = run(reps(2, hold=2.0))
    assert all(1.7 <= e.hold_s <= 2.5 for e in events)


def test_nan_gaps_do_not_break_counting() -> None:
    counter = RepCounter(DEFINITION)
    keys = reps(2)
    times, values = zip(*keys, strict=True)
    for t in np.arange(0, times[-1], 1 / 30):
        value = float("nan") if 1.0 < t < 1.2 else float(np.interp(t, times, values))
        counter.update(float(t), value)
    assert counter.count == 2


def test_rep_in_progress_at_the_end_counts_when_it_reached_the_top() -> None:
    keys = [*reps(1), (6.0, 10.0), (7.0, 90.0), (7.5, 90.0)]
    counter, events = run(keys)
    assert counter.count == 2 and events[-1].counted


def test_arms_that_never_fully_straighten_still_count() -> None:
    """The signal rests above the rule file's exit level (e.g. elbows that stay a little bent)."""
    keys = [(t, v + 22.0 if v < 20 else v) for t, v in reps(5)]  # rests at 32 with exit at 25
    counter, events = run(keys)
    assert counter.count == 5 and all(e.counted for e in events)


def test_a_rep_starts_where_the_arm_came_back_into_view_not_at_the_last_rest_seen() -> None:
    """The far arm is hidden for 4 s (e.g. during the other side's set), then seen already rising."""
    counter, events = RepCounter(DEFINITION), []
    for t in np.arange(0.0, 9.0, 1 / 30):
        value = 10.0 if t < 2.0 else np.nan if t < 6.0 else float(np.interp(t, [6.0, 6.8, 7.3, 8.3], [30, 90, 90, 10]))
        event = counter.update(float(t), value)
        if event:
            events.append(event)
    assert counter.count == 1
    assert 5.9 <= events[0].start_s <= 6.1


def test_a_one_frame_spike_does_not_hide_a_steady_hold() -> None:
    keys = [(0.0, 10.0), (0.7, 10.0), (1.7, 80.0), (3.7, 80.0), (3.72, 120.0), (3.85, 120.0), (3.87, 80.0),
            (4.8, 10.0), (5.5, 10.0)]  # a landmark jumps for 0.15 s as the hands release
    _, events = run(keys)
    assert len(events) == 1
    assert 1.8 <= events[0].hold_s <= 2.5  # the 2 s plateau, the spike and the edges of the 10% band

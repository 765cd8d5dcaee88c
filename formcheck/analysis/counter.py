"""Rep counting: a state machine on a robustly smoothed signal, fed by timestamps. It draws nothing.

A movement is found relative to this person's rest and range of motion, never by absolute levels: it starts
when the signal rises ``START_FRACTION`` of the range above the rest it came from, and ends when it has come back
``1 - RETURN_FRACTION`` of the way. Before any rep is known the range is the rule file's ``top - rest``; after,
it is the person's own typical rep. Whether the movement went deep enough is a separate question: a movement
that peaks below ``min_peak`` (or is much smaller than the person's other reps, or quicker than a controlled rep)
is a *partial rep*, reported and judged, not counted.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from statistics import median

from formcheck.rules.model import RepDefinition

START_FRACTION = 0.15  # a movement starts this share of the range above the rest it came from
REST_FRACTION = 0.08   # the signal is at rest within this share of the range above its low
RETURN_FRACTION = 0.3  # a movement ends when the signal is back within this share of its amplitude of its base
MIN_RANGE_FRACTION = 0.5  # the range used never shrinks below half the rule file's (noise is not a rep)
HOLD_BAND = 0.10     # the top is held while the signal stays within 10% of the rep's range of its peak
HOLD_TOP_QUANTILE = 0.9  # that peak: the rep's 90th percentile, so a brief spike does not hide a steady hold
MAX_GAP_S = 1.5      # a longer gap in tracking ends the movement in progress
SHORT_OF_THE_TOP = "did not reach the top"
SMALLER_THAN_USUAL = "much shorter than the other reps"
NOT_FROM_THE_BOTTOM = "did not start from the bottom"
SHORTFALLS = (SHORT_OF_THE_TOP, SMALLER_THAN_USUAL)  # partial reps whose range fell short
BASE_FRACTION = 0.5  # a rep starts in the lower half of the rule file's range (a dip while holding the top is not)
MEDIAN_SAMPLES = 3   # a one-frame outlier (a flipped or jumping skeleton) is removed before smoothing


@dataclass(frozen=True)
class RepEvent:
    """A finished movement: a counted rep or a partial one (reported and judged, not counted)."""

    counted: bool
    side: str | None
    start_s: float
    top_s: float
    end_s: float
    hold_s: float
    peak: float
    amplitude: float
    reason: str = ""
    only_short: bool = False  # not counted only because it stayed short of the top (nothing else was wrong)


class RepCounter:
    """Counts reps in one signal: REST until it rises past the start level, then UP until it comes back down."""

    def __init__(self, definition: RepDefinition, side: str | None = None) -> None:
        self.definition = definition
        self.side = side
        self.count = 0
        self._amplitudes: list[float] = []
        self._recent: deque[float] = deque(maxlen=MEDIAN_SAMPLES)
        self._recent_reach: deque[float] = deque(maxlen=MEDIAN_SAMPLES)
        self._smoothed: float | None = None
        self._last_t: float | None = None
        self._up = False
        self._rest_since = 0.0        # last time the signal was at rest
        self._rest_low = math.inf     # lowest value of the rest before this movement
        self._reentered = False       # back in view after a gap, not yet moved
        self._start_s = self._top_s = 0.0
        self._peak = -math.inf
        self._reach = self._reached = -math.inf  # how high the person reaches now (median-filtered); its highest
        self._height_unseen = False  # the camera cannot see the height (``reach`` given)
        self._base = definition.rest
        self._trace: list[tuple[float, float]] = []   # (t, smoothed) since the movement started

    @property
    def value(self) -> float | None:
        """The smoothed signal."""
        return self._smoothed

    @property
    def in_rep(self) -> bool:
        """True between the start and the end of a movement."""
        return self._up

    @property
    def holding_s(self) -> float:
        """How long the current top has been held (0 when not holding)."""
        if not self._up or not self._trace:
            return 0.0
        floor = self._hold_floor()
        start = self._trace[-1][0]
        for t, s in reversed(self._trace):
            if s < floor:
                break
            start = t
        return self._trace[-1][0] - start

    @property
    def progress(self) -> float:
        """Where the signal stands between rest (0) and a full top (1)."""
        if self._smoothed is None:
            return 0.0
        d = self.definition
        rest = self._rest_low if math.isfinite(self._rest_low) and not self._up else self._base
        span = max(d.top - rest, 1e-9)
        return min(1.0, max(0.0, (self._smoothed - rest) / span))

    def range(self) -> float:
        """The range of motion the levels are relative to: this person's typical rep once known."""
        d = self.definition
        expected = d.top - d.rest
        if not self._amplitudes:
            return expected
        return max(MIN_RANGE_FRACTION * expected, median(self._amplitudes))

    def update(self, t_s: float, value: float, reach: float | None = None) -> RepEvent | None:
        """Feed one sample (NaN when the body is not seen); returns an event when a movement ends.

        ``reach`` is the reading judged against ``min_peak`` (by default ``value``), given where the camera cannot
        see the height: the higher of both sides' readings. There a movement also reaches the top when it is as
        large as the person's own counted reps (not smaller than ``partial_fraction`` of them): an under-read raise
        is not called short, while a first movement that reaches nowhere near halfway is.
        """
        self._height_unseen = reach is not None
        if math.isnan(value):
            if self._last_t is not None and t_s - self._last_t > MAX_GAP_S:
                return self._lost()
            return None
        lost = None
        if self._last_t is not None and t_s - self._last_t > MAX_GAP_S:
            lost = self._lost()  # back in view after a while (e.g. the other side's set): time from here
            self._rest_since, self._rest_low = t_s, math.inf
            self._recent.clear()
            self._recent_reach.clear()
            self._reentered = True  # the movement may already be under way: it started where it is seen again
        self._smooth(t_s, value)
        self._recent_reach.append(value if reach is None or math.isnan(reach) else reach)
        self._reach = median(self._recent_reach)
        s = self._smoothed
        assert s is not None
        if not self._up:
            self._rest_low = min(self._rest_low, s)
            span = self.range()
            if s > self._rest_low + START_FRACTION * span:
                self._begin(t_s, s)
            elif s <= self._rest_low + (0.0 if self._reentered else REST_FRACTION * span):
                self._rest_since = t_s
            return lost
        self._track_top(t_s, s)
        if s < self._base + RETURN_FRACTION * (self._peak - self._base):
            return self._finish(t_s, interrupted=False)
        return None

    def finish(self, t_s: float) -> RepEvent | None:
        """End of the stream: a movement in progress is reported (and counted if it reached the top)."""
        if not self._up:
            return None
        return self._finish(t_s, interrupted=True)

    def reset(self) -> None:
        """Forget everything (a new set)."""
        self.__init__(self.definition, self.side)

    def _lost(self) -> RepEvent | None:
        """Tracking was lost for a while: the movement in progress ends where it was last seen."""
        self._smoothed = None
        if not self._up or self._last_t is None:
            return None
        return self._finish(self._last_t, interrupted=True)

    def _smooth(self, t_s: float, value: float) -> None:
        self._recent.append(value)
        robust = median(self._recent) if len(self._recent) == MEDIAN_SAMPLES else value
        if self._smoothed is None or self._last_t is None:
            self._smoothed = robust
        else:
            dt = max(0.0, t_s - self._last_t)
            tau = self.definition.smoothing_s
            alpha = 1.0 if tau <= 0 else 1.0 - math.exp(-dt / tau)
            self._smoothed += alpha * (robust - self._smoothed)
        self._last_t = t_s

    def _begin(self, t_s: float, s: float) -> None:
        self._up = True
        self._reentered = False
        self._base = self._rest_low
        self._start_s = self._rest_since
        self._peak, self._top_s = s, t_s
        self._reached = self._reach
        self._trace = [(t_s, s)]

    def _track_top(self, t_s: float, s: float) -> None:
        if s > self._peak:
            self._peak, self._top_s = s, t_s
        self._reached = max(self._reached, self._reach)
        self._trace.append((t_s, s))

    def _hold_floor(self) -> float:
        # The top the person held, not a single-frame spike (e.g. a landmark jumping as the hands release).
        values = sorted(s for _, s in self._trace)
        top = values[int(HOLD_TOP_QUANTILE * (len(values) - 1))]
        return top - HOLD_BAND * max(top - self._base, 1e-6)

    def _longest_hold(self) -> float:
        """Longest time the signal stayed near its peak during this movement."""
        floor, best, start = self._hold_floor(), 0.0, None
        for t, s in self._trace:
            if s >= floor:
                start = t if start is None else start
                best = max(best, t - start)
            else:
                start = None
        return best

    def _finish(self, t_s: float, interrupted: bool) -> RepEvent:
        d = self.definition
        self._up = False
        hold_s = self._longest_hold()
        amplitude = self._peak - self._base
        self._rest_low = self._smoothed if self._smoothed is not None else math.inf
        self._rest_since = t_s
        duration = t_s - self._start_s
        typical = median(self._amplitudes) if self._amplitudes else math.inf
        as_large_as_usual = self._height_unseen and amplitude >= d.partial_fraction * typical
        reasons = [
            reason
            for reason, applies in (
                (SHORT_OF_THE_TOP, self._reached < d.min_peak and not as_large_as_usual),
                (NOT_FROM_THE_BOTTOM, self._base > d.rest + BASE_FRACTION * (d.top - d.rest)),
                (SMALLER_THAN_USUAL, bool(self._amplitudes) and amplitude < d.partial_fraction * typical),
                (f"quicker than a controlled rep ({duration:.1f} s)", duration < d.min_duration_s and not interrupted),
            )
            if applies
        ]
        reason = reasons[0] if reasons else ""
        counted = not reason
        if counted:
            self.count += 1
            self._amplitudes.append(amplitude)
        return RepEvent(
            counted=counted,
            side=self.side,
            start_s=self._start_s,
            top_s=self._top_s,
            end_s=t_s,
            hold_s=hold_s,
            peak=self._peak,
            amplitude=amplitude,
            reason=reason,
            only_short=reasons == [SHORT_OF_THE_TOP],
        )

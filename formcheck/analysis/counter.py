"""Rep counting: a hysteresis state machine on a smoothed signal, fed by timestamps. It draws nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

from formcheck.rules.model import RepDefinition

HOLD_BAND = 0.10     # the top is held while the signal stays within 10% of the rep's range of its peak
HOLD_TOP_QUANTILE = 0.9  # that peak: the rep's 90th percentile, so a brief spike does not hide a steady hold
RETURN_FRACTION = 0.3  # a rep ends when the signal is back within 30% of its range from where it started
START_FRACTION = 0.25  # once reps are known, a movement starts this share of a typical rep above the rest
REST_FRACTION = 0.15   # ... and the signal is at rest within this share of it
MAX_GAP_S = 1.5      # a rep interrupted by a longer gap in tracking is abandoned


@dataclass(frozen=True)
class RepEvent:
    """A finished movement: a counted rep or a partial one (reported, not counted)."""

    counted: bool
    side: str | None
    start_s: float
    top_s: float
    end_s: float
    hold_s: float
    peak: float
    amplitude: float
    reason: str = ""


class RepCounter:
    """Counts reps in one signal: REST until it rises past ``enter``, then UP until it falls below ``exit``."""

    def __init__(self, definition: RepDefinition, side: str | None = None) -> None:
        self.definition = definition
        self.side = side
        self.count = 0
        self._amplitudes: list[float] = []
        self._smoothed: float | None = None
        self._last_t: float | None = None
        self._up = False
        self._rest_since = 0.0        # last time the signal was at rest (below exit)
        self._rest_low = math.inf     # lowest value of the rest before this rep
        self._start_s = self._top_s = 0.0
        self._peak = -math.inf
        self._base = definition.exit
        self._trace: list[tuple[float, float]] = []   # (t, smoothed) since the rep started

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
        return min(1.0, max(0.0, (self._smoothed - d.exit) / (d.top - d.exit)))

    def update(self, t_s: float, value: float) -> RepEvent | None:
        """Feed one sample (NaN when the body is not seen); returns an event when a movement ends."""
        if math.isnan(value):
            if self._up and self._last_t is not None and t_s - self._last_t > MAX_GAP_S:
                self._up = False   # tracking lost mid-rep: abandon it
                self._smoothed = None
            return None
        if not self._up and self._last_t is not None and t_s - self._last_t > MAX_GAP_S:
            # back in view after a while (e.g. the other side's set): time from here, not from the last rest seen
            self._rest_since, self._smoothed = t_s, None
        self._smooth(t_s, value)
        s = self._smoothed
        assert s is not None
        if not self._up:
            begin_level, rest_level = self._rest_levels()
            if s > begin_level:
                self._begin(t_s, s)
            else:
                if s <= rest_level:
                    self._rest_since = t_s
                self._rest_low = min(self._rest_low, s)
            return None
        self._track_top(t_s, s)
        if s < self._end_level():
            return self._finish(t_s, interrupted=False)
        return None

    def _rest_levels(self) -> tuple[float, float]:
        """(level that starts a rep, level that counts as rest), adapted to this person's range of motion.

        The rule file's ``enter``/``exit`` are the floor; once reps are known, a movement starts a quarter of a
        typical rep above where the signal rested, so somebody whose arms never fully straighten is still counted.
        """
        d = self.definition
        if not self._amplitudes or not math.isfinite(self._rest_low):
            return d.enter, d.exit
        amplitude = median(self._amplitudes)
        return (max(d.enter, self._rest_low + START_FRACTION * amplitude),
                max(d.exit, self._rest_low + REST_FRACTION * amplitude))

    def _end_level(self) -> float:
        """A rep ends once the signal is back below ``exit`` or has come 70% of the way back down."""
        return max(self.definition.exit, self._base + RETURN_FRACTION * (self._peak - self._base))

    def finish(self, t_s: float) -> RepEvent | None:
        """End of the stream: a movement that already reached its top still counts."""
        if not self._up:
            return None
        return self._finish(t_s, interrupted=True)

    def reset(self) -> None:
        """Forget everything (a new set)."""
        self.__init__(self.definition, self.side)

    def _smooth(self, t_s: float, value: float) -> None:
        if self._smoothed is None or self._last_t is None:
            self._smoothed = value
        else:
            dt = max(0.0, t_s - self._last_t)
            tau = self.definition.smoothing_s
            alpha = 1.0 if tau <= 0 else 1.0 - math.exp(-dt / tau)
            self._smoothed += alpha * (value - self._smoothed)
        self._last_t = t_s

    def _begin(self, t_s: float, s: float) -> None:
        self._up = True
        self._base = self._rest_low if math.isfinite(self._rest_low) else self.definition.exit
        self._start_s = self._rest_since
        self._peak, self._top_s = s, t_s
        self._trace = [(t_s, s)]

    def _track_top(self, t_s: float, s: float) -> None:
        if s > self._peak:
            self._peak, self._top_s = s, t_s
        self._trace.append((t_s, s))

    def _hold_floor(self) -> float:
        # The top the person held, not a single-frame spike (e.g. a landmark jumping as the hands release).
        values = sorted(s for _, s in self._trace)
        top = values[int(HOLD_TOP_QUANTILE * (len(values) - 1))]
        return top - HOLD_BAND * max(top - self._base, 1e-6)

    def _longest_hold(self) -> float:
        """Longest time the signal stayed near its peak during this rep."""
        floor, best, start = self._hold_floor(), 0.0, None
        for t, s in self._trace:
            if s >= floor:
                start = t if start is None else start
                best = max(best, t - start)
            else:
                start = None
        return best

    def _finish(self, t_s: float, interrupted: bool) -> RepEvent | None:
        d = self.definition
        self._up = False
        hold_s = self._longest_hold()
        amplitude = self._peak - self._base
        self._rest_low, self._rest_since = (self._smoothed if self._smoothed is not None else math.inf), t_s
        duration = t_s - self._start_s
        if duration < d.min_duration_s and not interrupted:
            return None
        reason = ""
        if self._peak < d.min_peak:
            reason = "did not reach the top"
        elif self._amplitudes and amplitude < d.partial_fraction * median(self._amplitudes):
            reason = "much shorter than the other reps"
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
        )

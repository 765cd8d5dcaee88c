"""Charts of the progress report (matplotlib figures: SVG in the HTML page, PNG in the PDF)."""

from __future__ import annotations

import datetime as dt
import io
import math

import matplotlib
import matplotlib.dates
import matplotlib.ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from formcheck.history.targets import HIGHER
from formcheck.history.trends import ExerciseProgress, Progress, RangeTrend
from formcheck.report.charts import CHART_STYLE, clean_svg

WIDTH_IN = 10.0
PANEL_IN = 2.3
REPS, ATTEMPTS, SCORE, TARGET, LIMIT = "#2f6db5", "#c9d8ec", "#2f855a", "#2f855a", "#c0392b"
PAIN, EFFORT = "#c0392b", "#7b61a8"
CUE_COLOURS = ("#c0392b", "#d2691e", "#7b61a8", "#3d5a80")
MAX_DATE_LABELS = 12


def _figure(rows: int, cols: int, height_in: float) -> tuple[Figure, list]:
    figure = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, cols, squeeze=False)
    return figure, [ax for row in axes for ax in row]


def _style(ax, title: str) -> None:
    ax.set_title(title, loc="left", fontsize=9.5, fontweight="bold", color="#333333")
    ax.grid(axis="y", color="#e6e6e6", lw=0.6)


def _set_axis(ax, ex: ExerciseProgress) -> None:
    """x: set number, labelled with the set's date (thinned out on long histories)."""
    n = len(ex.sets)
    step = max(1, math.ceil(n / MAX_DATE_LABELS))
    ticks = list(range(1, n + 1, step))
    ax.set_xticks(ticks, [day(ex.sets[i - 1].when) for i in ticks], fontsize=7.5)
    ax.set_xlim(0.4, n + 0.6)


def exercise_figure(ex: ExerciseProgress) -> Figure:
    """Reps and attempts, score, every range-of-motion figure against its target, and the cues broken most."""
    panels = 2 + len(ex.ranges) + (1 if ex.cues else 0)
    cols = 2
    rows = math.ceil(panels / cols)
    with matplotlib.rc_context(CHART_STYLE):
        figure, axes = _figure(rows, cols, PANEL_IN * rows + 0.3)
        x = list(range(1, len(ex.sets) + 1))
        ax = axes[0]
        ax.bar(x, [s.attempts for s in ex.sets], color=ATTEMPTS, width=0.7, label="attempts (with partial reps)")
        ax.bar(x, [s.rep_count for s in ex.sets], color=REPS, width=0.45, label="counted reps")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper left", fontsize=7.5, frameon=False)
        ax.set_ylim(0, max([*(s.attempts for s in ex.sets), 1]) * 1.35)
        _style(ax, "Reps and attempts per set")
        ax = axes[1]
        _line(ax, x, ex.scores, SCORE)
        ax.set_ylim(0, 105)
        _style(ax, "Form score (0-100)")
        for ax, trend in zip(axes[2:], ex.ranges, strict=False):
            _range_panel(ax, x, trend)
        if ex.cues:
            ax = axes[2 + len(ex.ranges)]
            for colour, cue in zip(CUE_COLOURS, ex.cues, strict=False):
                _line(ax, x, list(cue.rates), colour, label=cue.cue.replace("_", " "))
            ax.set_ylim(-5, 105)
            ax.legend(loc="upper right", fontsize=7, frameon=False)
            _style(ax, "Reps breaking the cue (%)")
        for ax in axes[:panels]:
            _set_axis(ax, ex)
        for ax in axes[panels:]:
            ax.set_visible(False)
    return figure


def _line(ax, x: list[int], values: list, colour: str, label: str | None = None) -> None:
    points = [(i, v) for i, v in zip(x, values, strict=True) if v is not None]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, color=colour, lw=1.6, marker="o", ms=4, label=label, zorder=3)


def _range_panel(ax, x: list[int], trend: RangeTrend) -> None:
    t = trend.target
    unit = "" if t.unit == "°" else f" ({t.unit})"
    _line(ax, x, list(trend.achieved), REPS, label="median of the reps")
    best = [(i, v) for i, v in zip(x, trend.best, strict=True) if v is not None]
    if best:
        ax.scatter(*zip(*best, strict=True), s=14, color=REPS, alpha=0.35, label="best rep", zorder=2)
    ax.axhline(t.target, color=TARGET, lw=1.1, ls="--", label=f"target {_fmt(t.target, t.unit)}", zorder=1)
    if trend.rule_limit is not None and trend.rule_limit != t.target:
        ax.axhline(trend.rule_limit, color=LIMIT, lw=0.9, ls=":", label=f"accepted {_fmt(trend.rule_limit, t.unit)}")
    values = [v for v in (*trend.achieved, *trend.best, t.target, trend.rule_limit) if v is not None]
    low, high = min(values), max(values)
    pad = max((high - low) * 0.25, 0.05 if t.unit == "torso lengths" else 1.0)
    ax.set_ylim(low - pad, high + pad * 1.8)
    ax.legend(loc="lower right" if t.better == HIGHER else "upper right", fontsize=7, frameon=False, ncols=2)
    arrow = "higher is more" if t.better == HIGHER else "lower is closer"
    _style(ax, f"{t.label}{unit} · {arrow}")


def _fmt(value: float, unit: str) -> str:
    if unit == "°":
        return f"{value:.0f}°"
    if unit == "s":
        return f"{value:.0f} s" if float(value).is_integer() else f"{value:.1f} s"
    return f"{value:.2f}"


def overview_figure(progress: Progress) -> Figure:
    """Sets per week (every week of the period, empty ones too) and, where recorded, pain and effort per set."""
    wellbeing = bool(progress.pain or progress.effort)
    with matplotlib.rc_context(CHART_STYLE):
        figure, axes = _figure(1, 2 if wellbeing else 1, 2.4)
        _adherence(axes[0], progress)
        if wellbeing:
            _wellbeing(axes[1], progress)
    return figure


def _adherence(ax, progress: Progress) -> None:
    labels = [day(monday) for monday, _ in progress.weeks]
    counts = [count for _, count in progress.weeks]
    ax.bar(range(len(counts)), counts, color=REPS, width=0.65)
    ax.axhline(progress.sets_per_week, color="#888888", lw=0.9, ls="--",
               label=f"average {progress.sets_per_week:.1f} a week")  # fmt: skip
    step = max(1, math.ceil(len(labels) / (MAX_DATE_LABELS // 2)))
    ax.set_xticks(range(0, len(labels), step), labels[::step], fontsize=7.5)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([*counts, 1]) * 1.35)
    ax.legend(loc="upper left", fontsize=7.5, frameon=False)
    _style(ax, "Sets per week (weeks from Monday)")


def _wellbeing(ax, progress: Progress) -> None:
    lines = ((progress.pain, PAIN, "pain (0-10)"), (progress.effort, EFFORT, "effort, RPE (1-10)"))
    for points, colour, label in lines:
        if points:
            when, values = zip(*points, strict=True)
            ax.plot(when, values, color=colour, lw=1.5, marker="o", ms=4, label=label)
    ax.set_ylim(-0.5, 12.5)
    ax.set_yticks(range(0, 11, 2))
    ax.legend(loc="upper left", fontsize=7.5, frameon=False, ncols=2)
    locator = matplotlib.dates.AutoDateLocator(maxticks=MAX_DATE_LABELS // 2)
    ax.xaxis.set_major_locator(locator)
    one_day = (progress.last - progress.first) < dt.timedelta(days=2)   # then the hour tells the sets apart
    def label(x: float, _: int) -> str:
        moment = matplotlib.dates.num2date(x).astimezone()
        return f"{moment:%H:%M}" if one_day else day(moment)

    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(label))
    ax.tick_params(axis="x", labelsize=7.5)
    _style(ax, "Pain and effort per set, where recorded")


def day(when: dt.date) -> str:
    """3 Mar (no leading zero, on any platform)."""
    return f"{when.day} {when:%b}"


def svg(figure: Figure, label: str) -> str:
    """A figure as inline SVG for the HTML page."""
    buffer = io.StringIO()
    with matplotlib.rc_context(CHART_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return clean_svg(buffer.getvalue()).replace('aria-label="The set over time"', f'aria-label="{_attr(label)}"', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")

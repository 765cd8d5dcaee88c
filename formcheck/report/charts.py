"""Charts for the HTML report: the rep signal and each cue's measure over time, as inline SVG (matplotlib)."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from formcheck.analysis.result import SetResult
from formcheck.pose.measures import UNITS

SIDE_COLORS = {"left": "#2f6db5", "right": "#d2691e"}
REP_SHADE = "#dfe8f3"
FAULT_SHADE = "#f4b6b0"
PANEL_HEIGHT_IN = 1.55
WIDTH_IN = 10.0
CHART_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "formcheck", "font.size": 9, "font.family": "sans-serif",
               "axes.spines.top": False, "axes.spines.right": False}  # fmt: skip
_XML_NOISE = (
    re.compile(r"<\?xml[^>]*\?>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*"),
    re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL),
    re.compile(r'\s+xmlns(:\w+)?="[^"]*"'),
)


@dataclass(frozen=True)
class Panel:
    """One strip of the chart: a logged key, its label and the limits a rep must keep."""

    key: str
    title: str
    unit: str
    low: float | None = None
    high: float | None = None
    relative: bool = False


def chart_sides(result: SetResult) -> list[str]:
    """Sides to plot: each working side of a one-side exercise, else the side the camera saw best."""
    if result.rules.sides == "alternating":
        sides = sorted({rep.side for rep in result.reps if rep.side})
        return sides or [result.near_side]
    return [result.near_side]


def chart_panels(result: SetResult, report: dict[str, Any]) -> list[Panel]:
    """The rep signal, then every checked cue that has a per-frame measure."""
    rules = result.rules
    signal = rules.rep.signal
    panels = [Panel("signal", f"Rep signal: {signal.replace('_', ' ')}", UNITS.get(signal, ""))]
    keys = set(result.log.keys)
    for cue in rules.cues:
        if cue.measure is None or cue.id not in keys or not report["cues"].get(cue.id, {}).get("checked"):
            continue
        relative = cue.baseline == "start"
        panels.append(Panel(cue.id, cue.id.replace("_", " ").capitalize(), UNITS.get(cue.measure, ""),
                            cue.min, cue.max, relative))  # fmt: skip
    return panels


MAX_POINTS = 2000  # per line
MAX_REP_LABELS = 40  # rep numbers along the top; a longer set numbers every 2nd, 3rd, ... rep


def timeline_svg(result: SetResult, report: dict[str, Any]) -> str | None:
    """An SVG chart of the set over time (rep spans shaded, faulty reps in red), or None with nothing to plot."""
    figure = timeline_figure(result, report)
    if figure is None:
        return None
    buffer = io.StringIO()
    with matplotlib.rc_context(CHART_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return clean_svg(buffer.getvalue())


def timeline_figure(result: SetResult, report: dict[str, Any]) -> Figure | None:
    """The chart of the set over time as a matplotlib Figure (for SVG in HTML, PNG in PDF), or None."""
    log = result.log
    if not len(log):
        return None
    times = np.asarray(log.times, dtype=np.float64)
    panels = chart_panels(result, report)
    sides = chart_sides(result)
    reps = report["reps"]
    with matplotlib.rc_context(CHART_STYLE):
        figure = Figure(figsize=(WIDTH_IN, PANEL_HEIGHT_IN * len(panels) + 0.5), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
        for ax, panel in zip(axes, panels, strict=True):
            _draw_panel(ax, panel, times, log, sides, reps, result.rules.rep.min_peak)
        axes[-1].set_xlabel("time (s)")
        axes[-1].set_xlim(float(times[0]), float(times[-1]) if times[-1] > times[0] else float(times[0]) + 1.0)
        if len(sides) > 1 or result.rules.sides == "alternating":
            axes[0].legend(loc="upper right", fontsize=8, frameon=False, ncols=len(sides))
    return figure


def clean_svg(svg: str) -> str:
    """Strip the XML prologue, metadata and namespace URLs: inline SVG in HTML needs none of them."""
    for pattern in _XML_NOISE:
        svg = pattern.sub("", svg)
    return svg.replace("<svg ", '<svg role="img" aria-label="The set over time" ', 1).strip()


def _draw_panel(ax: Any, panel: Panel, times: np.ndarray, log: Any, sides: list[str], reps: list[dict],
                enter: float) -> None:  # fmt: skip
    for faulty, shade in ((False, REP_SHADE), (True, FAULT_SHADE)):  # one collection each, however long the set
        spans = [(r["start_s"], r["end_s"] - r["start_s"]) for r in reps if (panel.key in r["faults"]) == faulty]
        if spans:
            ax.broken_barh(spans, (0, 1), transform=ax.get_xaxis_transform(), color=shade, lw=0, zorder=0)
    step = max(1, math.ceil(len(times) / MAX_POINTS))  # a long set needs no more points than the chart has pixels
    for side in sides:
        values = log.column(panel.key, side, slice(None))
        ax.plot(times[::step], values[::step], color=SIDE_COLORS[side], lw=1.3, label=f"{side} side", zorder=3)
    unit = f" ({panel.unit})" if panel.unit else ""
    ax.set_title(panel.title + unit, loc="left", fontsize=9.5, fontweight="bold", color="#333333")
    ax.grid(axis="y", color="#e6e6e6", lw=0.6)
    if panel.key == "signal":
        ax.axhline(enter, color="#888888", lw=0.8, ls=":", zorder=2)
        bottom, top = ax.get_ylim()
        top += 0.12 * (top - bottom)
        ax.set_ylim(bottom, top)
        for rep in reps[:: max(1, math.ceil(len(reps) / MAX_REP_LABELS))]:  # numbers that do not overlap
            label = f"{rep['index']}" + (f" {rep['side'][0].upper()}" if rep.get("side") else "")
            ax.text((rep["start_s"] + rep["end_s"]) / 2, top, label, ha="center", va="top", fontsize=8, color="#3d5a80")
        return
    if panel.relative:
        ax.text(0.995, 0.96, "limit is relative to the starting position", transform=ax.transAxes, ha="right",
                va="top", fontsize=7.5, color="#777777")  # fmt: skip
        return
    for limit in (panel.low, panel.high):
        if limit is not None:
            ax.axhline(limit, color="#c0392b", lw=0.9, ls="--", zorder=2)

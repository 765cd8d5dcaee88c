"""Where the live overlay puts each panel: pure geometry, computed before anything is drawn.

``layout_hud(width, height, state)`` returns a :class:`HudLayout` of named panels, each a box and the text lines
in it, measured with OpenCV's font metrics. Panels are stacked, never overlapped, and kept inside the frame at any
size (a 480p webcam, a 1080p or 4K video, a portrait phone clip): text that would not fit is wrapped, made smaller
or shortened with "...". Tests check these boxes; ``formcheck.draw.hud`` only paints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import cv2

from formcheck.analysis.coach import HudState

FONT = cv2.FONT_HERSHEY_SIMPLEX
DESIGN_SIZE = (960, 540)      # sizes below are in pixels of a 960x540 frame, scaled to the real one
MIN_SCALE = 0.5               # below this, text gets too small to read: the layout wraps and shortens instead
TEXT = (245, 245, 245)        # BGR
IDLE = (190, 190, 190)        # a reading outside its cue's phase
AMBER = (0, 215, 255)         # the hold countdown and the summary's title
LEVEL_COLORS = {"fault": (90, 90, 255), "good": (110, 230, 110), "tip": TEXT}
MAX_ADVICE_LINES = 3
MAX_FAULT_LINES = 3
MIN_SUMMARY_SIZE = 0.35       # the summary's font shrinks to fit, down to this (about 8 px high); then lines go
_ASCII = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "×": "x", "✓": "ok", "…": "..."}
DEGREE = "°"                  # drawn as a small ring: OpenCV's fonts have no degree sign


def ascii_text(text: str) -> str:
    """OpenCV's fonts draw ASCII only: replace dashes and quotes, keep "°" (drawn as a ring), drop the rest."""
    for char, replacement in _ASCII.items():
        text = text.replace(char, replacement)
    parts = [part.encode("ascii", "replace").decode("ascii") for part in text.split(DEGREE)]
    return DEGREE.join(parts)


def wrap(text: str, max_chars: int) -> list[str]:
    """Split text into lines of at most ``max_chars`` characters at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@lru_cache(maxsize=4096)
def text_size(text: str, size: float, thickness: int) -> tuple[int, int, int]:
    """(width, height above the baseline, depth below it) of ``text`` as drawn, "°" rings included."""
    (_, height), depth = cv2.getTextSize("Ag", FONT, size, thickness)
    parts = ascii_text(text).split(DEGREE)
    width = sum(cv2.getTextSize(part, FONT, size, thickness)[0][0] for part in parts if part)
    return width + (len(parts) - 1) * degree_width(height), height, depth


def degree_width(text_height: int) -> int:
    """The room a degree ring takes after a character of this height."""
    return max(3, round(0.5 * text_height))


def shorten(text: str, width: int, size: float, thickness: int) -> str:
    """``text``, cut at a word (or a character) with "..." so that it fits ``width`` pixels."""
    if text_size(text, size, thickness)[0] <= width:
        return text
    words = text.split()
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words) + "..."
        if text_size(candidate, size, thickness)[0] <= width:
            return candidate
    cut = text
    while cut and text_size(cut + "...", size, thickness)[0] > width:
        cut = cut[:-1]
    return cut + "..." if cut else ""


def wrap_to_width(text: str, width: int, size: float, thickness: int) -> list[str]:
    """Split text into lines that each fit ``width`` pixels (a single word too long is shortened)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_size(lines[-1] + " " + word, size, thickness)[0] <= width:
            lines[-1] += " " + word
        else:
            lines.append(shorten(word, width, size, thickness))
    return lines or [""]


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: x0 <= x < x1, y0 <= y < y1."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share any pixel."""
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def contains(self, other: Box) -> bool:
        return self.x0 <= other.x0 and self.y0 <= other.y0 and other.x1 <= self.x1 and other.y1 <= self.y1

    def inside(self, width: int, height: int) -> bool:
        """True when the rectangle is non-empty and lies within a width x height frame."""
        return 0 <= self.x0 < self.x1 <= width and 0 <= self.y0 < self.y1 <= height


@dataclass(frozen=True)
class Text:
    """One line of text: ``x, y`` is the left end of its baseline."""

    text: str
    x: int
    y: int
    size: float
    color: tuple[int, int, int]
    thickness: int
    outline: bool = False       # a dark outline instead of a panel behind it (the countdown)

    @property
    def box(self) -> Box:
        """Where the drawn text lies (its thickness included)."""
        width, height, depth = text_size(self.text, self.size, self.thickness)
        pad = self.thickness + (self.thickness + max(2, self.thickness) if self.outline else 0) // 2
        return Box(self.x - pad, self.y - height - pad, self.x + width + pad, self.y + depth + pad)


@dataclass(frozen=True)
class Mark:
    """A tick (ok), a cross (fault) or a dash (not judged now) drawn in a square."""

    kind: str                   # "ok", "fault" or "idle"
    box: Box
    color: tuple[int, int, int]
    thickness: int


@dataclass(frozen=True)
class Panel:
    """A named part of the overlay: its box (darkened behind the text unless ``filled`` is False)."""

    name: str
    box: Box
    texts: tuple[Text, ...] = ()
    filled: bool = True
    accent: tuple[Box, tuple[int, int, int]] | None = None   # a coloured bar (the count panel's last-rep colour)
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class HudLayout:
    """Every panel of one overlay frame, in drawing order."""

    width: int
    height: int
    scale: float
    panels: tuple[Panel, ...]

    def boxes(self) -> dict[str, Box]:
        return {panel.name: panel.box for panel in self.panels}

    def panel(self, name: str) -> Panel | None:
        return next((p for p in self.panels if p.name == name), None)


def hud_scale(width: int, height: int) -> float:
    """How much bigger than the 960x540 design the overlay is drawn on this frame."""
    return max(MIN_SCALE, min(width / DESIGN_SIZE[0], height / DESIGN_SIZE[1]))


class _Builder:
    """Lays out one frame's panels top to bottom, remembering what is taken."""

    def __init__(self, width: int, height: int, state: HudState, last_rep_colors: dict[bool | None, tuple]) -> None:
        self.w, self.h, self.state, self.colors = width, height, state, last_rep_colors
        self.s = hud_scale(width, height)
        self.m = max(2, round(12 * self.s))            # margin to the frame's edge
        self.gap = max(2, round(8 * self.s))           # between panels
        self.pad = max(2, round(12 * self.s))          # inside a panel
        self.panels: list[Panel] = []

    def px(self, design: float) -> int:
        return max(1, round(design * self.s))

    def thick(self, design: float) -> int:
        return max(1, round(design * self.s))

    def top_bottom(self) -> int:
        """The lowest edge of the panels placed so far at the top of the frame."""
        return max((p.box.y1 for p in self.panels), default=0)

    # -- panels --------------------------------------------------------------------------------------
    def count(self) -> Panel:
        state, s = self.state, self.s
        bar = self.px(10)
        inner = self.w - 2 * self.m - bar - 2 * self.pad    # the widest any line may be
        name_size, name_thick = 0.65 * s, self.thick(1.5)
        reps_size, reps_thick = 1.6 * s, self.thick(4)
        fault_size, fault_thick = 0.6 * s, self.thick(1.5)
        name = shorten(state.exercise, inner, name_size, name_thick)
        while reps_size > 0.3 and text_size(state.reps, reps_size, reps_thick)[0] > inner:
            reps_size *= 0.9
        faults = [shorten(f"x {f}", inner, fault_size, fault_thick) for f in state.faults[:MAX_FAULT_LINES]]
        if len(state.faults) > MAX_FAULT_LINES:
            faults[-1] = shorten(f"x {state.faults[MAX_FAULT_LINES - 1]} (+{len(state.faults) - MAX_FAULT_LINES})",
                                 inner, fault_size, fault_thick)  # fmt: skip
        color = self.colors[state.last_rep_good]
        x0, y0 = self.m, self.m
        tx = x0 + bar + self.pad
        texts, y = [], y0 + self.pad
        _, nh, nd = text_size(name, name_size, name_thick)
        y += nh
        texts.append(Text(name, tx, y, name_size, TEXT, name_thick))
        _, rh, rd = text_size(state.reps, reps_size, reps_thick)
        y += nd + self.px(10) + rh
        texts.append(Text(state.reps, tx, y, reps_size, color, reps_thick))
        y += rd
        reps_bottom = y + self.pad // 2
        for fault in faults:
            _, fh, fd = text_size(fault, fault_size, fault_thick)
            y += self.px(8) + fh
            texts.append(Text(fault, tx, y, fault_size, LEVEL_COLORS["fault"], fault_thick))
            y += fd
        widest = max(text_size(t.text, t.size, t.thickness)[0] for t in texts)
        width = max(self.px(290), bar + 2 * self.pad + widest)
        box = Box(x0, y0, min(self.w - self.m, x0 + width), y + self.pad)
        accent = (Box(x0, y0, x0 + bar, min(box.y1, max(reps_bottom, y0 + self.px(96)))), color)
        return Panel("count", box, tuple(texts), accent=accent)

    def readings(self, count: Panel) -> Panel | None:
        measures = self.state.measures
        if not measures:
            return None
        s = self.s
        size, thick = 0.6 * s, self.thick(1.5)
        _, th, td = text_size("Ag", size, thick)
        row = th + td + self.px(10)
        mark = th + td
        reading_w = max(text_size(m.reading, size, thick)[0] for m in measures)
        name_w = max(text_size(m.name or m.text, size, thick)[0] for m in measures)
        inner_max = self.w - 2 * self.m - 2 * self.pad
        fixed = mark + self.px(8) + (self.px(12) + reading_w if reading_w else 0)
        name_w = min(name_w, inner_max - fixed)
        width = 2 * self.pad + fixed + name_w
        height = 2 * self.pad + row * len(measures) - self.px(10)
        x1 = self.w - self.m
        x0 = x1 - width
        y0 = self.m
        if x0 < count.box.x1 + self.gap:                  # no room beside the count: go below it
            y0 = count.box.y1 + self.gap
        texts, marks = [], []
        for i, measure in enumerate(measures):
            kind = "idle" if not measure.active else "ok" if measure.ok else "fault"
            color = IDLE if kind == "idle" else LEVEL_COLORS["good" if kind == "ok" else "fault"]
            top = y0 + self.pad + row * i
            baseline = top + th
            marks.append(Mark(kind, Box(x0 + self.pad, top, x0 + self.pad + mark, top + mark), color, thick))
            name = shorten(measure.name or measure.text, name_w, size, thick)
            texts.append(Text(name, x0 + self.pad + mark + self.px(8), baseline, size, color, thick))
            if measure.reading:
                rw = text_size(measure.reading, size, thick)[0]
                texts.append(Text(measure.reading, x1 - self.pad - rw, baseline, size, color, thick))
        return Panel("readings", Box(x0, y0, x1, y0 + height), tuple(texts), marks=tuple(marks))

    def countdown(self) -> Panel | None:
        text = self.state.countdown
        if not text:
            return None
        size, thick = 2.2 * self.s, self.thick(4)
        while size > 0.4 and text_size(text, size, thick)[0] > self.w - 2 * self.m:
            size *= 0.9
        width, height, _ = text_size(text, size, thick)
        x = (self.w - width) // 2
        taken = [p.box for p in self.panels]
        for y0 in (self.m, self.top_bottom() + self.gap):
            candidate = Text(text, x, y0 + height + thick, size, AMBER, thick, outline=True)
            if not any(candidate.box.overlaps(b) for b in taken):
                break
        return Panel("countdown", candidate.box, (candidate,), filled=False)

    def advice(self) -> Panel | None:
        advice = self.state.advice
        if advice is None:
            return None
        s = self.s
        inner = self.w - 2 * self.px(20)
        color = LEVEL_COLORS[advice.level]
        lines: list[tuple[str, float, int, tuple[int, int, int]]] = []
        if advice.title:
            size, thick = 0.8 * s, self.thick(2)
            lines.append((shorten(advice.title, inner, size, thick), size, thick, color))
            body = (0.7 * s, self.thick(1.5), TEXT)
        else:
            body = (0.8 * s, self.thick(2), color)
        wrapped = wrap_to_width(advice.text, inner, body[0], body[1]) if advice.text else []
        if len(wrapped) > MAX_ADVICE_LINES:
            wrapped = [*wrapped[: MAX_ADVICE_LINES - 1], shorten(" ".join(wrapped[MAX_ADVICE_LINES - 1:]) + " ...",
                                                             inner, body[0], body[1])]  # fmt: skip
        lines += [(line, *body) for line in wrapped]
        heights = [text_size(t, size, thick) for t, size, thick, _ in lines]
        step = [h + d + self.px(8) for _, h, d in heights]
        height = sum(step) - self.px(8) + 2 * self.pad + self.px(4)
        y0 = self.h - height
        texts, y = [], y0 + self.pad
        for (text, size, thick, col), (_, h, _), advance in zip(lines, heights, step, strict=True):
            texts.append(Text(text, self.px(20), y + h, size, col, thick))
            y += advance
        return Panel("advice", Box(0, y0, self.w, self.h), tuple(texts))

    def status(self, top: int, bottom: int, name: str = "status") -> Panel | None:
        """The status line as a centred panel, as high as possible between ``top`` and ``bottom``."""
        text = self.state.status
        if not text:
            return None
        size, thick = 1.0 * self.s, self.thick(2)
        inner = self.w - 2 * self.m - 2 * self.pad
        lines = wrap_to_width(text, inner, size, thick)[:2]
        metrics = [text_size(line, size, thick) for line in lines]
        line_h = max(h + d for _, h, d in metrics) + self.px(6)
        width = max(w for w, _, _ in metrics) + 2 * self.pad
        height = line_h * len(lines) - self.px(6) + 2 * self.pad
        x0 = (self.w - width) // 2
        y0 = top if top + height <= bottom else max(0, bottom - height)
        texts = []
        for i, (line, (lw, lh, _)) in enumerate(zip(lines, metrics, strict=True)):
            texts.append(Text(line, (self.w - lw) // 2, y0 + self.pad + line_h * i + lh, size, TEXT, thick))
        return Panel(name, Box(x0, y0, x0 + width, y0 + height), tuple(texts))

    def summary(self, top: int) -> list[Panel]:
        """The set summary and, right below it, the status ("press any key to close"), both between ``top``
        and the bottom of the frame; the font shrinks (and at last lines are dropped) until they fit."""
        s = self.s
        bottom = self.h - self.m
        status_probe = self.status(0, self.h)
        status_h = status_probe.box.height + self.gap if status_probe else 0
        room = bottom - top - status_h
        width = min(self.w - 2 * self.m, self.px(760))
        inner = width - 2 * self.px(20)
        factor = 1.0
        while True:
            size, thick = 0.7 * s * factor, max(1, round(1.5 * s * factor))
            title_size, title_thick = 0.8 * s * factor, thick + 1
            lines = [part for line in self.state.summary for part in wrap_to_width(line, inner, size, thick)]
            _, th, td = text_size("Ag", size, thick)
            line_h = th + td + max(1, round(10 * s * factor))
            _, tth, ttd = text_size("Set summary", title_size, title_thick)
            head = tth + ttd + max(1, round(12 * s * factor))
            fits = max(0, (room - 2 * self.pad - head) // line_h)
            if fits >= len(lines) or 0.9 * size < MIN_SUMMARY_SIZE:
                break
            factor *= 0.9
        if fits < len(lines):
            lines = [*lines[: max(0, fits - 1)], "..."] if fits else []
        height = 2 * self.pad + head + line_h * len(lines)
        y0 = top + max(0, (room - height) // 2)
        x0 = (self.w - width) // 2
        x = x0 + self.px(20)
        texts = [Text("Set summary", x, y0 + self.pad + tth, title_size, AMBER, title_thick)]
        for i, line in enumerate(lines):
            texts.append(Text(line, x, y0 + self.pad + head + line_h * i + th, size, TEXT, thick))
        box = Box(x0, y0, x0 + width, y0 + height)
        panels = [Panel("summary", box, tuple(texts))]
        status = self.status(box.y1 + self.gap, bottom)
        if status is not None:
            panels.append(status)
        return panels


def layout_hud(width: int, height: int, state: HudState,
               last_rep_colors: dict[bool | None, tuple[int, int, int]] | None = None) -> HudLayout:  # fmt: skip
    """Place every panel of ``state`` on a width x height frame.

    Top left the count, top right the live readings (below the count when the frame is too narrow), the hold
    countdown between or below them, a status line under them, the coaching cue in a band at the bottom. The set
    summary replaces readings and cue, with its status ("press any key to close") right below it.
    """
    colors = last_rep_colors or {None: TEXT, True: LEVEL_COLORS["good"], False: LEVEL_COLORS["fault"]}
    b = _Builder(width, height, state, colors)
    count = b.count()
    b.panels.append(count)
    if state.summary:
        b.panels.extend(b.summary(b.top_bottom() + b.gap))
        return HudLayout(width, height, b.s, _without_clashes(b.panels, width, height, ("count", "status")))
    readings = b.readings(count)
    if readings is not None:
        b.panels.append(readings)
    countdown = b.countdown()
    if countdown is not None:
        b.panels.append(countdown)
    advice = b.advice()
    floor = advice.box.y0 - b.gap if advice is not None else height - b.m
    status = b.status(b.top_bottom() + b.gap, floor)
    if status is not None:
        b.panels.append(status)
    if advice is not None:
        b.panels.append(advice)
    return HudLayout(width, height, b.s, _without_clashes(b.panels, width, height, DROP_FIRST))


DROP_FIRST = ("readings", "status", "countdown", "count")   # on a frame too small for all, these go first


def _without_clashes(panels: list[Panel], width: int, height: int, drop_order: Sequence[str]) -> tuple[Panel, ...]:
    """The panels, less the least important ones that overlap another or stick out of a tiny frame."""
    kept = list(panels)
    for name in drop_order:
        clashing = {p.name for p in kept if not p.box.inside(width, height)}
        clashing |= {n for a, b in _pairs(kept) if a.box.overlaps(b.box) for n in (a.name, b.name)}
        if not clashing:
            break
        if name in clashing:
            kept = [p for p in kept if p.name != name]
    return tuple(kept)


def _pairs(panels: Sequence[Panel]) -> list[tuple[Panel, Panel]]:
    return [(a, b) for i, a in enumerate(panels) for b in panels[i + 1:]]


def overlaps(layout: HudLayout) -> list[tuple[str, str]]:
    """Pairs of panels whose boxes overlap (none, in a good layout)."""
    return [(a.name, b.name) for a, b in _pairs(layout.panels) if a.box.overlaps(b.box)]

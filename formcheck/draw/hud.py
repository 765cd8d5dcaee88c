"""The on-frame overlay: rep count, hold countdown, live angles, the coach's cue, faults and the set summary.

``HudAnnotator`` holds style only; ``annotate(scene, state)`` draws a ``formcheck.analysis.coach.HudState`` in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from formcheck.analysis.coach import HudState
from formcheck.draw.skeleton import BAD, GOOD, NEUTRAL, SkeletonAnnotator
from formcheck.pose.frame import PoseFrame

PANEL = (32, 32, 32)          # BGR of the panels behind text
TEXT = (245, 245, 245)
IDLE = (190, 190, 190)        # a measure shown outside its cue's phase
COUNTDOWN = (0, 215, 255)     # amber
LEVEL_COLORS = {"fault": (90, 90, 255), "good": (110, 230, 110), "tip": TEXT}
FONT = cv2.FONT_HERSHEY_SIMPLEX
_ASCII = {"°": " deg", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "×": "x", "✓": "ok"}


def ascii_text(text: str) -> str:
    """OpenCV's fonts draw ASCII only: spell out degrees and dashes, drop the rest."""
    for char, replacement in _ASCII.items():
        text = text.replace(char, replacement)
    return text.encode("ascii", "replace").decode("ascii")


def wrap(text: str, max_chars: int) -> list[str]:
    """Split text into lines of at most ``max_chars`` characters at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class HudAnnotator:
    """Draws the live coaching overlay; sizes follow the frame width (designed at 960 px)."""

    opacity: float = 0.75      # panels darken any background below 100 (readable text, testable screenshots)
    design_width: int = 960

    def annotate(self, scene: np.ndarray, state: HudState) -> np.ndarray:
        """Draw ``state`` on ``scene`` in place and return it."""
        s = scene.shape[1] / self.design_width
        self._rep_panel(scene, state, s)
        self._measures(scene, state, s)
        if state.countdown:
            self._centered(scene, state.countdown, 0.16, 2.2 * s, COUNTDOWN, max(2, round(4 * s)))
        if state.status:
            self._centered(scene, state.status, 0.26, 1.0 * s, TEXT, max(1, round(2 * s)), panel=True)
        if state.advice is not None:
            self._advice(scene, ascii_text(state.advice.text), LEVEL_COLORS[state.advice.level], s)
        if state.summary:
            self._summary(scene, state.summary, s)
        return scene

    # -- pieces --------------------------------------------------------------------------------------
    def _box(self, scene: np.ndarray, x0: int, y0: int, x1: int, y1: int, color: tuple[int, int, int] = PANEL) -> None:
        h, w = scene.shape[:2]
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 <= x0 or y1 <= y0:
            return
        roi = scene[y0:y1, x0:x1]
        roi[:] = (roi * (1 - self.opacity) + np.array(color) * self.opacity).astype(scene.dtype)

    def _text(self, scene: np.ndarray, text: str, org: tuple[int, int], size: float,
              color: tuple[int, int, int], thickness: int = 1) -> None:  # fmt: skip
        cv2.putText(scene, ascii_text(text), org, FONT, size, color, max(1, thickness), cv2.LINE_AA)

    def _rep_panel(self, scene: np.ndarray, state: HudState, s: float) -> None:
        color = NEUTRAL if state.last_rep_good is None else GOOD if state.last_rep_good else BAD
        m = round(12 * s)
        width, height = round(290 * s), round(96 * s)
        self._box(scene, m, m, m + width, m + height + round(24 * s) * len(state.faults))
        cv2.rectangle(scene, (m, m), (m + round(10 * s), m + height), color, -1)
        self._text(scene, state.exercise, (m + round(22 * s), m + round(28 * s)), 0.65 * s, TEXT, round(1.5 * s))
        self._text(scene, state.reps, (m + round(22 * s), m + round(80 * s)), 1.6 * s, color, round(4 * s))
        for i, fault in enumerate(state.faults):
            y = m + height + round(18 * s) + round(24 * s) * i
            self._text(scene, f"x {fault}", (m + round(22 * s), y), 0.6 * s, LEVEL_COLORS["fault"], round(1.5 * s))

    def _measures(self, scene: np.ndarray, state: HudState, s: float) -> None:
        if not state.measures:
            return
        w = scene.shape[1]
        m, line = round(12 * s), round(28 * s)
        width = round(250 * s)
        self._box(scene, w - m - width, m, w - m, m + line * len(state.measures) + round(12 * s))
        for i, measure in enumerate(state.measures):
            color = (LEVEL_COLORS["good"] if measure.ok else LEVEL_COLORS["fault"]) if measure.active else IDLE
            org = (w - m - width + round(12 * s), m + line * (i + 1))
            self._text(scene, measure.text, org, 0.65 * s, color, round(1.5 * s))

    def _centered(self, scene: np.ndarray, text: str, y_frac: float, size: float, color: tuple[int, int, int],
                  thickness: int, panel: bool = False) -> None:  # fmt: skip
        text = ascii_text(text)
        (tw, th), base = cv2.getTextSize(text, FONT, size, thickness)
        h, w = scene.shape[:2]
        x, y = (w - tw) // 2, round(h * y_frac) + th // 2
        if panel:
            pad = th // 2
            self._box(scene, x - pad, y - th - pad, x + tw + pad, y + base + pad)
        else:
            cv2.putText(scene, text, (x, y), FONT, size, (0, 0, 0), thickness + max(2, thickness), cv2.LINE_AA)
        cv2.putText(scene, text, (x, y), FONT, size, color, thickness, cv2.LINE_AA)

    def _advice(self, scene: np.ndarray, text: str, color: tuple[int, int, int], s: float) -> None:
        h, w = scene.shape[:2]
        size, thickness = 0.8 * s, max(1, round(2 * s))
        char_w = cv2.getTextSize("n", FONT, size, thickness)[0][0]
        lines = wrap(text, max(10, int((w - 40 * s) / char_w)))[:3]
        line = round(34 * s)
        top = h - line * len(lines) - round(20 * s)
        self._box(scene, 0, top, w, h)
        for i, part in enumerate(lines):
            self._text(scene, part, (round(20 * s), top + line * (i + 1)), size, color, thickness)

    def _summary(self, scene: np.ndarray, lines: Sequence[str], s: float) -> None:
        h, w = scene.shape[:2]
        size, thickness = 0.7 * s, max(1, round(1.5 * s))
        char_w = cv2.getTextSize("n", FONT, size, thickness)[0][0]
        width = min(w - round(40 * s), round(760 * s))
        wrapped = [part for text in lines for part in wrap(ascii_text(text), max(10, int((width - 40 * s) / char_w)))]
        line = round(30 * s)
        height = line * (len(wrapped) + 2)
        x0, y0 = (w - width) // 2, max(0, (h - height) // 2)
        self._box(scene, x0, y0, x0 + width, y0 + height)
        self._text(scene, "Set summary", (x0 + round(20 * s), y0 + line), 0.8 * s, COUNTDOWN, thickness + 1)
        for i, part in enumerate(wrapped):
            self._text(scene, part, (x0 + round(20 * s), y0 + line * (i + 2)), size, TEXT, thickness)


SKELETON_COLOR = (255, 200, 0)   # BGR light blue: stands out on skin, clothes and floors


@dataclass(frozen=True)
class OverlayAnnotator:
    """Skeleton plus coaching overlay: what `live` shows and `analyze --annotate` writes."""

    skeleton: SkeletonAnnotator = field(default_factory=lambda: SkeletonAnnotator(color=SKELETON_COLOR, thickness=3))
    hud: HudAnnotator = field(default_factory=HudAnnotator)

    def annotate(self, scene: np.ndarray, pose: PoseFrame, state: HudState, mirror: bool = False) -> np.ndarray:
        """Draw the body (mirrored like the scene) and the overlay on ``scene`` in place."""
        self.skeleton.annotate(scene, pose, mirror=mirror)
        return self.hud.annotate(scene, state)

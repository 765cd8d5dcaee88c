"""The on-frame overlay: rep count, hold countdown, live readings, the one fix to do now and the set summary.

``HudAnnotator`` holds style only; ``annotate(scene, state)`` lays the ``formcheck.analysis.coach.HudState`` out
(``formcheck.draw.layout``: pure geometry, tested on its own) and paints it in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from formcheck.analysis.coach import HudState
from formcheck.draw.layout import (
    AMBER,
    DEGREE,
    FONT,
    HudLayout,
    Mark,
    Panel,
    Text,
    ascii_text,
    degree_width,
    layout_hud,
    text_size,
)
from formcheck.draw.skeleton import BAD, GOOD, NEUTRAL, SkeletonAnnotator
from formcheck.pose.frame import PoseFrame

PANEL_GREY = 32
PANEL = (PANEL_GREY,) * 3     # BGR of the panels behind text (a grey: blended in one pass)
COUNTDOWN = AMBER
LAST_REP_COLORS = {None: NEUTRAL, True: GOOD, False: BAD}


@dataclass(frozen=True)
class HudAnnotator:
    """Draws the live coaching overlay; sizes follow the frame (designed at 960x540)."""

    opacity: float = 0.75      # panels darken any background below 100 (readable text, testable screenshots)
    design_width: int = 960

    def layout(self, width: int, height: int, state: HudState) -> HudLayout:
        """Where everything of ``state`` goes on a width x height frame."""
        return layout_hud(width, height, state, LAST_REP_COLORS)

    def annotate(self, scene: np.ndarray, state: HudState) -> np.ndarray:
        """Draw ``state`` on ``scene`` in place and return it."""
        for panel in self.layout(scene.shape[1], scene.shape[0], state).panels:
            self._panel(scene, panel)
        return scene

    # -- painting ------------------------------------------------------------------------------------
    def _panel(self, scene: np.ndarray, panel: Panel) -> None:
        if panel.filled:
            box = panel.box
            h, w = scene.shape[:2]
            x0, y0, x1, y1 = max(0, box.x0), max(0, box.y0), min(w, box.x1), min(h, box.y1)
            if x1 > x0 and y1 > y0:   # roi * (1 - opacity) + PANEL * opacity, in one saturating uint8 pass
                roi = scene[y0:y1, x0:x1]
                roi[:] = cv2.convertScaleAbs(roi, alpha=1 - self.opacity, beta=PANEL_GREY * self.opacity)
        if panel.accent is not None:
            bar, color = panel.accent
            cv2.rectangle(scene, (bar.x0, bar.y0), (bar.x1 - 1, bar.y1 - 1), color, -1)
        for mark in panel.marks:
            _mark(scene, mark)
        for text in panel.texts:
            if text.outline:
                _put(scene, text, (0, 0, 0), text.thickness + max(2, text.thickness))
            _put(scene, text, text.color, text.thickness)


def _put(scene: np.ndarray, text: Text, color: tuple[int, int, int], thickness: int) -> None:
    """Draw one line; each "°" becomes a small ring (OpenCV's fonts have no degree sign)."""
    x = text.x
    _, height, _ = text_size("Ag", text.size, text.thickness)
    parts = ascii_text(text.text).split(DEGREE)
    for i, part in enumerate(parts):
        if part:
            cv2.putText(scene, part, (x, text.y), FONT, text.size, color, thickness, cv2.LINE_AA)
            x += cv2.getTextSize(part, FONT, text.size, text.thickness)[0][0]
        if i < len(parts) - 1:
            ring = degree_width(height)
            radius = max(1, round(0.16 * height))
            centre = (x + ring // 2, text.y - height + radius + max(1, thickness // 2))
            cv2.circle(scene, centre, radius, color, max(1, thickness - 1), cv2.LINE_AA)
            x += ring


def _mark(scene: np.ndarray, mark: Mark) -> None:
    """A tick, a cross or a dash in the mark's square."""
    b, t = mark.box, mark.thickness + 1
    inset = max(1, b.width // 6)
    x0, y0, x1, y1 = b.x0 + inset, b.y0 + inset, b.x1 - inset, b.y1 - inset
    if mark.kind == "ok":
        mid = (x0 + (x1 - x0) * 2 // 5, y1)
        cv2.line(scene, (x0, (y0 + y1) // 2), mid, mark.color, t, cv2.LINE_AA)
        cv2.line(scene, mid, (x1, y0), mark.color, t, cv2.LINE_AA)
    elif mark.kind == "fault":
        cv2.line(scene, (x0, y0), (x1, y1), mark.color, t, cv2.LINE_AA)
        cv2.line(scene, (x0, y1), (x1, y0), mark.color, t, cv2.LINE_AA)
    else:
        cv2.line(scene, (x0, (y0 + y1) // 2), (x1, (y0 + y1) // 2), mark.color, t, cv2.LINE_AA)


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

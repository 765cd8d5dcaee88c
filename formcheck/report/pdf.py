"""PDF pages (fpdf2): an A4 document with the reports' fonts, colours, cards, tables, charts and images.

The fonts are the DejaVu family that matplotlib ships, so any Latin, Greek or Cyrillic name prints; charts are
the HTML report's matplotlib figures rendered as PNG.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from matplotlib.figure import Figure

from formcheck.io.images import encode_jpeg

FONT = "DejaVu"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
              "BI": "DejaVuSans-BoldOblique.ttf"}  # fmt: skip
MARGIN = 15.0  # mm
CHART_DPI = 150
INK, MUTED, LINE, WASH = (31, 41, 51), (97, 110, 124), (228, 231, 235), (245, 247, 250)
GOOD, GOOD_BG, BAD, BAD_BG, FAIR = (47, 133, 90), (230, 244, 234), (192, 57, 43), (253, 236, 234), (183, 121, 31)
NA, NA_BG, ACCENT = (138, 148, 163), (238, 240, 243), (47, 109, 181)


def score_colour(score: float | None) -> tuple[int, int, int]:
    """The HTML report's score colours: good from 80, fair from 50, else poor."""
    if score is None:
        return INK
    return GOOD if score >= 80 else (FAIR if score >= 50 else BAD)


class Document(FPDF):
    """An A4 report: a running title on every page after the first, page numbers in the footer."""

    def __init__(self, title: str, created: dt.datetime | None = None, author: str = "formcheck") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        self.running_title = title
        self.set_title(title)
        self.set_author(author)
        self.set_creator("formcheck")
        if created is not None:
            self.set_creation_date(created if created.tzinfo else created.astimezone())
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 10)

    def multi_cell(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Text blocks are ragged right (fpdf2 justifies them by default)."""
        kwargs.setdefault("align", "L")
        return super().multi_cell(*args, **kwargs)

    # -- page furniture ------------------------------------------------------------------------------
    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FONT, "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 5, self.running_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(2)
            self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"formcheck · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*INK)

    @property
    def width(self) -> float:
        """The width between the margins."""
        return self.w - self.l_margin - self.r_margin

    def room(self) -> float:
        """Height left on this page above the bottom margin."""
        return self.page_break_trigger - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` still fits on this one."""
        if self.room() < height:
            self.add_page()

    # -- text ----------------------------------------------------------------------------------------
    def title_block(self, title: str, meta: Sequence[str]) -> None:
        self.set_font(FONT, "B", 20)
        self.multi_cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 9.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 5, "  ·  ".join(m for m in meta if m), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(3)

    def heading(self, text: str, size: float = 13.5, space: float = 30.0) -> None:
        """A section heading, kept on the page with at least ``space`` mm of what follows."""
        self.keep(space)
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, "", 10)

    def paragraph(self, text: str, size: float = 10, colour: tuple[int, int, int] = INK, style: str = "",
                  height: float | None = None) -> None:  # fmt: skip
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)
        self.multi_cell(0, height or size * 0.48, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 10)

    # -- blocks --------------------------------------------------------------------------------------
    def cards(self, cards: Sequence[tuple[str, str, str, tuple[int, int, int]]], height: float = 22.0) -> None:
        """A row of boxes: (label, value, small print, value colour)."""
        self.keep(height + 2)
        gap = 3.0
        width = (self.width - gap * (len(cards) - 1)) / len(cards)
        top = self.get_y()
        for i, (label, value, sub, colour) in enumerate(cards):
            x = self.l_margin + i * (width + gap)
            self.set_draw_color(*LINE)
            self.set_fill_color(255, 255, 255)
            self.rect(x, top, width, height, style="DF", round_corners=True, corner_radius=2)
            self.set_xy(x + 3, top + 2)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*MUTED)
            self.cell(width - 6, 4, label.upper())
            self.set_xy(x + 3, top + 6.5)
            self.set_font(FONT, "B", 15 if len(value) < 12 else 11)
            self.set_text_color(*colour)
            self.cell(width - 6, 7, value)
            self.set_xy(x + 3, top + 14)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*MUTED)
            self.multi_cell(width - 6, 3.4, sub, max_line_height=3.4)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 10)
        self.set_xy(self.l_margin, top + height + 4)

    def callout(self, lines: Sequence[tuple[str, str, tuple[int, int, int]]], colour: tuple[int, int, int],
                background: tuple[int, int, int], aside: str = "") -> None:  # fmt: skip
        """A shaded box with a coloured bar on its left: (text, style, colour) per paragraph."""
        inner = self.width - 8
        heights = [self._text_height(text, style, 9.5, inner) for text, style, _ in lines]
        height = sum(heights) + 5
        self.keep(height + 3)
        top = self.get_y()
        self.set_fill_color(*background)
        self.rect(self.l_margin, top, self.width, height, style="F", round_corners=True, corner_radius=1.5)
        self.set_fill_color(*colour)
        self.rect(self.l_margin, top, 1.3, height, style="F")
        if aside:
            self.set_xy(self.l_margin, top + 2)
            self.set_font(FONT, "B", 8)
            self.set_text_color(*colour)
            self.cell(self.width - 3, 4, aside, align="R")
        self.set_xy(self.l_margin + 5, top + 2.5)
        for (text, style, ink), used in zip(lines, heights, strict=True):
            self.set_font(FONT, style, 9.5)
            self.set_text_color(*ink)
            self.set_x(self.l_margin + 5)
            self.multi_cell(inner - (30 if aside and used == heights[0] else 0), 4.6, text,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
        self.set_text_color(*INK)
        self.set_font(FONT, "", 10)
        self.set_y(top + height + 2.5)

    def _text_height(self, text: str, style: str, size: float, width: float) -> float:
        self.set_font(FONT, style, size)
        lines = self.multi_cell(width - 30, 4.6, text, dry_run=True, output="LINES")
        return 4.6 * len(lines)

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              align: Sequence[str] | None = None, size: float = 8.5,
              colours: Sequence[Sequence[tuple[int, int, int] | None]] | None = None) -> None:  # fmt: skip
        """A table with a header row repeated on every page; ``colours`` tints single cells' text."""
        from fpdf.fonts import FontFace

        self.set_font(FONT, "", size)
        self.set_draw_color(*LINE)
        self.set_fill_color(255, 255, 255)
        head = FontFace(emphasis="BOLD", color=MUTED, fill_color=WASH)
        with super().table(col_widths=tuple(widths), text_align=tuple(align or ["LEFT"] * len(widths)),
                           headings_style=head, line_height=size * 0.52, borders_layout="HORIZONTAL_LINES",
                           width=self.width, padding=(1.2, 1.2, 1.2, 1.2), cell_fill_mode="NONE") as table:  # fmt: skip
            header = table.row()
            for heading in headings:
                header.cell(heading)
            for r, cells in enumerate(rows):
                row = table.row()
                for c, text in enumerate(cells):
                    tint = colours[r][c] if colours else None
                    row.cell(text, style=FontFace(color=tint) if tint else None)
        self.set_font(FONT, "", 10)
        self.ln(2)

    # -- pictures ------------------------------------------------------------------------------------
    def chart(self, figure: Figure, width: float | None = None, title: str = "") -> None:
        """A matplotlib figure at full text width (or ``width`` mm), on one page."""
        width = width or self.width
        fig_w, fig_h = figure.get_size_inches()
        height = width * fig_h / fig_w
        self.keep(height + 2)
        buffer = io.BytesIO()
        with matplotlib.rc_context({"font.family": "sans-serif"}):
            figure.savefig(buffer, format="png", dpi=CHART_DPI, facecolor="white")
        self.image(buffer, x=self.l_margin, w=width, h=height, title=title or None)
        self.set_y(self.get_y() + 2)

    def picture(self, image_bgr: np.ndarray, x: float, y: float, width: float) -> float:
        """A BGR image at (x, y), ``width`` mm wide; returns its height in mm."""
        height = width * image_bgr.shape[0] / image_bgr.shape[1]
        self.image(io.BytesIO(encode_jpeg(image_bgr, 88)), x=x, y=y, w=width, h=height)
        return height


def write_document(document: Document) -> bytes:
    """The finished PDF."""
    return bytes(document.output())

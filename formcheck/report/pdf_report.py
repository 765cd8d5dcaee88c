"""PDF report of one set: the HTML report's content (cards, faults, key frames, chart, rep table, cues) on A4."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from formcheck.analysis.result import SetResult
from formcheck.io.atomic import write_bytes_atomic
from formcheck.report.charts import chart_sides, timeline_figure
from formcheck.report.csv_report import cue_verdict
from formcheck.report.html_report import _fault_sections, _file_name, _num, _when, keyframe_image, keyframe_reps
from formcheck.report.pdf import BAD, BAD_BG, GOOD, GOOD_BG, INK, MUTED, NA, Document, score_colour, write_document

FRAMES_PER_ROW = 3
VERDICT_MARK = {"ok": ("✓", GOOD), "fault": ("✗", BAD), "not_checked": ("–", NA)}


def render_pdf(report: dict[str, Any], analysis: SetResult) -> bytes:
    """The set's report as PDF bytes."""
    created = _created(report.get("analysed_at"))
    doc = Document(f"{report['exercise_name']} – form report", created)
    doc.add_page()
    meta = ["Form report", _file_name(report["source"]["path"]), _when(report.get("analysed_at"))]
    if report["camera"].get("view_label"):
        meta.append(f"filmed {report['camera']['view_label']}")
    doc.title_block(report["exercise_name"], meta)
    if not report["complete"]:
        why = report.get("interruption") or "the analysis stopped before the end of the video"
        doc.callout([(f"Incomplete analysis: {why}. The report covers what was analysed.", "", INK)],
                    (240, 212, 138), (255, 246, 224))  # fmt: skip
    doc.cards(_cards(report))
    _faults(doc, analysis, report)
    _keyframes(doc, analysis, report)
    figure = timeline_figure(analysis, report)
    if figure is not None:
        doc.heading("The set over time", space=80)
        sides = chart_sides(analysis)
        doc.paragraph(f"Measured on the {' and '.join(sides)} side{'s' if len(sides) > 1 else ''}. Shaded: a counted "
                      "rep (red: a rep that broke that panel's cue); dashed red: the limit a rep must keep.",
                      size=8.5, colour=MUTED)  # fmt: skip
        doc.chart(figure, title="The set over time")
    _rep_table(doc, report)
    _cues(doc, report)
    _notes(doc, report)
    doc.paragraph(f"formcheck report · schema {report['schema_version']} · {report['source']['path']}", size=7.5,
                  colour=MUTED)  # fmt: skip
    return write_document(doc)


def write_pdf(path: Path, report: dict[str, Any], analysis: SetResult) -> None:
    """Write the PDF report atomically."""
    write_bytes_atomic(path, render_pdf(report, analysis))


def _created(iso: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(iso or "")
    except ValueError:
        return None


def _cards(report: dict[str, Any]) -> list[tuple[str, str, str, tuple[int, int, int]]]:
    by_side, partial = report["reps_by_side"], len(report["partial_reps"])
    if by_side:
        reps_sub = f"left {by_side['left']} · right {by_side['right']}"
    else:
        reps_sub = f"{partial} partial rep{'s' if partial != 1 else ''} not counted" if partial else "no partial reps"
    score = report["score"]
    broken = sum(1 for c in report["cues"].values() if c.get("fault"))
    unchecked = sum(1 for c in report["cues"].values() if not c["checked"])
    source = report["source"]
    return [
        ("Reps", str(report["rep_count"]), reps_sub, INK),
        ("Form score", "–" if score is None else f"{score:.0f} / 100",
         "no reps to score" if score is None else "share of checked cues kept", score_colour(score)),
        ("Cues broken", f"{broken} of {len(report['cues'])}", f"{unchecked} not checked", BAD if broken else INK),
        ("Video", f"{_num(source['duration_s'])} s", f"{source['frames']} frames at {_num(source['fps'])} fps · "
         f"person seen {_num(100 * report['person']['detected_fraction'], 0)}%", INK),
    ]  # fmt: skip


def _faults(doc: Document, analysis: SetResult, report: dict[str, Any]) -> None:
    doc.heading("What to work on")
    sections = _fault_sections(analysis, report)
    if not sections:
        doc.callout([("No faults found on the cues that could be checked.", "", INK)], GOOD, GOOD_BG)
    for f in sections:
        aside = "whole set" if f["set_level"] and not f["reps"] else ""
        if f["reps"]:
            aside = f"rep{'s' if len(f['reps']) > 1 else ''} {', '.join(map(str, f['reps']))} of {report['rep_count']}"
        lines = [(f["message"], "B", INK)]
        if f["article"]:
            lines.append((f"“{f['article']}”", "I", (74, 59, 57)))
        lines.append((f"Fix: {f['fix']}", "", INK))
        doc.callout(lines, BAD, BAD_BG, aside=aside)


def _keyframes(doc: Document, analysis: SetResult, report: dict[str, Any]) -> None:
    chosen = keyframe_reps(report, set(analysis.keyframes))
    if not chosen:
        return
    faulty = bool(chosen[0]["faults"])
    doc.heading("Key frames", space=75)
    doc.paragraph(("The reps with the worst form, at the top of the movement; skeleton in red." if faulty else
                   "Reps at the top of the movement; skeleton in green."), size=8.5, colour=MUTED)  # fmt: skip
    gap = 4.0
    width = (doc.width - gap * (FRAMES_PER_ROW - 1)) / FRAMES_PER_ROW
    rules = analysis.rules
    for start in range(0, len(chosen), FRAMES_PER_ROW):
        row = chosen[start:start + FRAMES_PER_ROW]
        images = [keyframe_image(analysis, rep) for rep in row]
        image_h = max(width * img.shape[0] / img.shape[1] for img in images)
        doc.keep(image_h + 24)
        top = doc.get_y() + 1
        bottom = top
        for i, (rep, image) in enumerate(zip(row, images, strict=True)):
            x = doc.l_margin + i * (width + gap)
            h = doc.picture(image, x, top, width)
            doc.set_xy(x, top + h + 1.5)
            doc.set_font("DejaVu", "B", 8.5)
            side = f" ({rep['side']})" if rep.get("side") else ""
            doc.multi_cell(width, 4, f"Rep {rep['index']}{side} · score {_num(rep['score'], 0)} · "
                           f"{_num(rep['start_s'])}–{_num(rep['end_s'])} s", new_x="LEFT", new_y="NEXT")  # fmt: skip
            doc.set_font("DejaVu", "", 7.5)
            doc.set_text_color(*(BAD if rep["faults"] else MUTED))
            broken = [rules.cue(c).cue for c in rep["faults"]] if rep["faults"] else ["All checked cues kept."]
            for text in broken:
                doc.set_x(x)
                doc.multi_cell(width, 3.4, ("• " if rep["faults"] else "") + text, new_x="LEFT", new_y="NEXT")
            doc.set_text_color(*INK)
            bottom = max(bottom, doc.get_y())
        doc.set_xy(doc.l_margin, bottom + 4)


def _rep_table(doc: Document, report: dict[str, Any]) -> None:
    doc.heading("Rep by rep")
    if not report["reps"]:
        doc.paragraph("No rep was counted.", colour=MUTED)
        return
    cue_ids = list(report["cues"])
    sided = bool(report["reps_by_side"])
    headings = ["Rep", *(["Side"] if sided else []), "Start", "End", "Hold", "Score",
                *(c.replace("_", " ") for c in cue_ids)]  # fmt: skip
    fixed = [9, *([11] if sided else []), 12, 12, 11, 12]
    rest = max(12.0, (doc.width - sum(fixed)) / max(1, len(cue_ids)))
    rows, colours = [], []
    for rep in report["reps"]:
        cells = [str(rep["index"]), *([rep.get("side") or "–"] if sided else []), _num(rep["start_s"], 2),
                 _num(rep["end_s"], 2), _num(rep["hold_s"]), _num(rep["score"], 0)]  # fmt: skip
        tints: list[tuple[int, int, int] | None] = [None] * len(cells)
        for cue_id in cue_ids:
            mark, colour = VERDICT_MARK[cue_verdict(rep, cue_id)]
            cells.append(mark)
            tints.append(colour)
        rows.append(cells)
        colours.append(tints)
    align = ["RIGHT", *(["LEFT"] if sided else []), "RIGHT", "RIGHT", "RIGHT", "RIGHT", *(["CENTER"] * len(cue_ids))]
    doc.table(headings, rows, [*fixed, *([rest] * len(cue_ids))], align, size=7.5, colours=colours)
    doc.paragraph("Times in seconds. ✓ kept, ✗ broken, – not checked.", size=7.5, colour=MUTED)


def _cues(doc: Document, report: dict[str, Any]) -> None:
    doc.heading("The cues")
    rows, colours = [], []
    for cue in report["cues"].values():
        if not cue["checked"]:
            state, colour = "not checked", NA
        elif cue.get("fault"):
            n = cue["reps_with_fault"]
            state, colour = (f"broken {n} / {report['rep_count']}" if n is not None else "broken"), BAD
        else:
            state, colour = "kept", GOOD
        text = cue.get("cue") or ""
        if not cue["checked"] and cue.get("not_checked_reason"):
            text += f"\nNot checked: {cue['not_checked_reason']}."
        rows.append([state, text])
        colours.append([colour, None])
    doc.table(["", "The article's cue"], rows, [30, doc.width - 30], size=8.5, colours=colours)


def _notes(doc: Document, report: dict[str, Any]) -> None:
    notes = []
    for p in report["partial_reps"]:
        side = f" ({p['side']})" if p.get("side") else ""
        notes.append(f"Partial rep{side} not counted, {_num(p['start_s'])}–{_num(p['end_s'])} s: {p['reason']}.")
    notes += [f"Nobody in view from {_num(g['start_s'])} to {_num(g['end_s'])} s." for g in report["person"]["gaps"]]
    notes += [f"Camera: {advice}" for advice in report["camera"].get("advice", [])]
    if notes:
        doc.heading("Notes")
        for note in notes:
            doc.paragraph(f"• {note}", size=9, colour=MUTED)

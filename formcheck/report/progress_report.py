"""The progress report of one person: a self-contained HTML page or an A4 PDF, both from ``progress_view``."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from formcheck.errors import BadInputError
from formcheck.history.trends import IMPROVING, WORSE, Progress
from formcheck.io.atomic import write_bytes_atomic, write_text_atomic
from formcheck.report.pdf import BAD, GOOD, INK, MUTED, NA, Document, write_document
from formcheck.report.progress_charts import svg
from formcheck.report.progress_view import ProgressView, progress_view

FORMATS = (".html", ".pdf")
TONES = {"good": GOOD, "fair": (183, 121, 31), "poor": BAD, "": INK}
TREND_COLOURS = {IMPROVING: GOOD, WORSE: BAD}


def check_progress_paths(paths: list[Path]) -> None:
    """Only .html and .pdf, in places that can be written (checked before the history is read)."""
    from formcheck.report.writers import check_writable

    if not paths:
        raise BadInputError("--report: name the file to write (progress.html or progress.pdf)")
    for path in paths:
        if path.suffix.lower() not in FORMATS:
            raise BadInputError(f"{path}: unknown progress report format; use {' or '.join(FORMATS)}")
        check_writable(path)


def write_progress(paths: list[Path], progress: Progress, exercise: str | None = None) -> None:
    """Write the report once per path, in the format its extension names."""
    view = progress_view(progress, exercise)
    for path in paths:
        if path.suffix.lower() == ".html":
            write_text_atomic(path, render_html(view))
        else:
            write_bytes_atomic(path, render_pdf(view, progress))


def render_html(view: ProgressView) -> str:
    env = Environment(loader=PackageLoader("formcheck", "report/templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    charts = [(e, Markup(svg(e.figure, f"{e.name}: progress across sets"))) for e in view.exercises]
    overview = Markup(svg(view.overview, "Sets per week, pain and effort"))
    return env.get_template("progress.html.j2").render(v=view, exercises=charts, overview=overview)
    # (the SVG is built by us from numbers and our own labels; matplotlib escapes its text)


def render_pdf(view: ProgressView, progress: Progress) -> bytes:
    """Page 1 for the clinician (who, period, adherence, pain and effort, each exercise at a glance, what to look
    at, the person's notes); then a page per exercise with its charts and cues; then every set."""
    doc = Document(view.title, progress.generated_at, author=view.person)
    doc.add_page()
    doc.title_block(view.title, [view.period, view.scope, f"generated {view.generated}"])
    doc.cards([(c.label, c.value, c.sub, TONES.get(c.tone, INK)) for c in view.cards])
    doc.chart(view.overview, title="Sets per week, pain and effort")
    doc.heading("Exercises at a glance", size=12)
    doc.paragraph("First set → latest set. Reps are counted / attempted (attempts include partial reps).", size=8.5,
                  colour=MUTED)  # fmt: skip
    rows = [[g.name, g.sets, g.reps, g.score, "\n".join(g.ranges) or "–", g.cue, g.cue_trend] for g in view.glance]
    colours = [[None] * 6 + [TREND_COLOURS.get(g.cue_trend, NA)] for g in view.glance]
    doc.table(["Exercise", "Sets", "Reps", "Score", "Range of motion (target)", "Cue broken most", "Trend"], rows,
              [25, 11, 22, 18, 46, doc.width - 142, 20], ["LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT"],
              colours=colours)  # fmt: skip
    doc.heading("To look at", size=12, space=20)
    if view.flags:
        for flag in view.flags:
            doc.paragraph(f"•  {flag}", size=9.5, height=5)
    else:
        doc.paragraph("Nothing stands out: no rising pain, no cue getting worse, range of motion within what the "
                      "rules accept.", size=9.5, colour=MUTED)  # fmt: skip
    if view.notes:
        doc.heading("The person's notes", size=12, space=20)
        for when, exercise, note in view.notes[-8:]:
            doc.paragraph(f"{when} · {exercise}: {note}", size=9, height=4.6)
    for e in view.exercises:
        doc.add_page()
        doc.heading(e.name, size=15)
        doc.paragraph(e.summary, size=9, colour=MUTED)
        doc.ln(1)
        doc.chart(e.figure, title=f"{e.name}: progress across sets")
        if e.cues:
            doc.heading("Cues broken most", size=11.5, space=25)
            doc.paragraph("The share of reps that broke each cue, in the first and the last third of the sets.",
                          size=8.5, colour=MUTED)  # fmt: skip
            doc.table(["The article's cue", "Sets broken", "Early", "Late", "Trend"],
                      [[c.wording, c.broken, c.early, c.late, c.trend] for c in e.cues],
                      [doc.width - 85, 22, 15, 15, 33], ["LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"],
                      colours=[[None, None, None, None, TREND_COLOURS.get(c.trend, NA)] for c in e.cues])  # fmt: skip
        else:
            doc.paragraph("No cue was broken in these sets.", colour=GOOD)
    doc.add_page()
    doc.heading("Every set", size=15)
    doc.table(["Id", "Date", "Exercise", "Reps", "Partial", "Score", "Range of motion", "Hold", "Pain", "Effort",
               "Note"],
              [[str(s.id), s.date + ("" if s.complete else " *"), s.exercise, s.reps, s.partial, s.score, s.ranges,
                s.hold, s.pain, s.effort, s.note] for s in view.sets],
              [7, 25, 24, 15, 12, 11, 24, 10, 9, 11, doc.width - 148],
              ["RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"],
              size=7)  # fmt: skip
    if any(not s.complete for s in view.sets):
        doc.paragraph("* the analysis stopped before the end of the set", size=7.5, colour=MUTED)
    return write_document(doc)

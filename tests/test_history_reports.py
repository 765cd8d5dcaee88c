"""PDF set reports and the progress report (HTML and PDF): every PDF is rendered with pdftoppm and its pages and
text checked (pdftotext); the HTML progress report is rendered in headless Chromium."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from markupsafe import escape

from formcheck.errors import EXIT_BAD_INPUT, EXIT_OK
from formcheck.history.db import History
from formcheck.history.location import DATA_DIR_ENV
from formcheck.history.record import SetContext, record_set
from formcheck.report.build import build_report
from formcheck.report.writers import check_report_paths, write_reports
from tests.historydata import made_analysis, made_set, weeks_of_sets
from tests.media import assert_clean_error, run_formcheck
from tests.test_report_browser import screenshot
from tests.test_report_formats import Tags, external_references

START = dt.datetime(2025, 3, 3, 18, 0, tzinfo=dt.timezone.utc)
GUARD_S = 120


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, but CI must check PDFs (apt-get install -y poppler-utils)")
        pytest.skip(f"{name} is not installed (apt-get install -y poppler-utils)")
    return path


def pdf_pages(pdf: Path, folder: Path, dpi: int = 50) -> list[np.ndarray]:
    """Every page of the PDF as an image (pdftoppm)."""
    _tool("pdftoppm")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True,
                   capture_output=True, timeout=GUARD_S)  # fmt: skip
    pages = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    return [cv2.imread(str(p)) for p in pages]


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """The PDF's text (pdftotext), of one page (1-based) or all; whitespace folded."""
    _tool("pdftotext")
    where = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *where, str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=GUARD_S)  # fmt: skip
    return " ".join(done.stdout.split())


def assert_not_blank(page: np.ndarray) -> None:
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    assert gray.std() > 3.0, "a blank page"
    assert (gray.std(axis=1) > 4.0).mean() > 0.03, "a page with almost nothing on it"


def colour_share(image: np.ndarray) -> float:
    return float((cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1] > 60).mean())


@pytest.fixture()
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder holding six weeks of two exercises of one person (one week without sets)."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with History() as db:
        for i, (report, pain, effort) in enumerate(weeks_of_sets(START, weeks=6, skip_week=3)):
            note = "<script>alert('x')</script> knee ok" if i == 9 else None
            record_set(db, report, SetContext("Zoë O'Brien", pain, effort, note))
    return folder


# -- the PDF of one set ---------------------------------------------------------------------------------------
def test_set_pdf_has_the_html_reports_faults_key_frames_chart_and_rep_table(tmp_path: Path) -> None:
    analysis = made_analysis("one_arm_row", 6, faults={2: ["elbow_up"], 4: ["arm_close", "elbow_up"]}, partial=1)
    report = build_report(analysis)
    pdf = tmp_path / "set.pdf"
    check_report_paths([pdf])
    write_reports([pdf], report, analysis)
    assert pdf.read_bytes().startswith(b"%PDF-") and sorted(p.name for p in tmp_path.iterdir()) == ["set.pdf"]
    pages = pdf_pages(pdf, tmp_path / "pages")
    assert len(pages) >= 2
    for page in pages:
        assert_not_blank(page)
    text = pdf_text(pdf)
    assert text.count("page 1 of") == 1 and f"page {len(pages)} of {len(pages)}" in text
    for expected in ("One-arm dumbbell row", "What to work on", "Key frames", "The set over time", "Rep by rep",
                     "The cues", "left 3 · right 3", "reps 2, 4 of 6", report["cues"]["elbow_up"]["fix"],
                     analysis.rules.cue("arm_close").cue):  # fmt: skip
        assert " ".join(expected.split()) in text, expected
    assert max(colour_share(p) for p in pages) > 0.01     # the chart and the key frames are in colour


def test_set_pdf_of_a_set_without_reps(tmp_path: Path) -> None:
    analysis = made_analysis("hip_raise", 0, complete=False)
    pdf = tmp_path / "empty.pdf"
    write_reports([pdf], build_report(analysis), analysis)
    pages = pdf_pages(pdf, tmp_path / "pages")
    assert len(pages) >= 1
    text = pdf_text(pdf)
    assert "No rep was counted." in text and "Incomplete analysis" in text and "Key frames" not in text


# -- the progress report --------------------------------------------------------------------------------------
def test_progress_pdf_first_page_is_for_the_clinician_then_each_exercise(history: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "progress.pdf"
    done = run_formcheck("progress", "--report", pdf)
    assert done.returncode == EXIT_OK, done.stderr
    pages = pdf_pages(pdf, tmp_path / "pages")
    assert len(pages) == 4                                  # clinician, reverse fly, hip raise, every set
    for page in pages:
        assert_not_blank(page)
    first = pdf_text(pdf, 1)
    for expected in ("Progress report – Zoë O'Brien", "3 Mar – 10 Apr 2025 (6 weeks)", "ADHERENCE", "1.7",
                     "PAIN (0-10)", "Exercises at a glance", "Reverse fly", "Hip raise", "To look at",
                     "Pain eased from 6", "No sets in 1 of 6 weeks", "improving", "The person's notes"):  # fmt: skip
        assert expected in first, expected
    assert "Arm elevation: 62° → 90°" in first and "(target 90°)" in first
    assert "6→1" in first.replace(" ", "")                  # pain, first -> latest (a card: no spaces in its text)
    assert colour_share(pages[0]) > 0.01                    # the adherence and pain charts
    assert pdf_text(pdf, 2).startswith("Progress report") and "Reverse fly" in pdf_text(pdf, 2)
    assert "Cues broken most" in pdf_text(pdf, 3) and "Hold at the top" in pdf_text(pdf, 3)
    assert "Every set" in pdf_text(pdf, 4)


def test_progress_html_renders_in_chromium(history: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, but CI must run the browser test (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    page = tmp_path / "progress.html"
    assert run_formcheck("progress", "--report", page).returncode == EXIT_OK
    html = page.read_text(encoding="utf-8")
    tags = Tags()
    tags.feed(html)
    assert "script" not in tags.names and external_references(html) == []
    assert str(escape("<script>alert('x')</script> knee ok")) in html
    assert html.count("<svg") == 3                             # overview, reverse fly, hip raise
    png = tmp_path / "progress.png"
    messages = screenshot(chromium, page, png, tmp_path / "profile")
    assert messages == [], "\n".join(messages)
    image = cv2.imread(str(png))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert gray.std() > 10.0 and (gray.std(axis=1) > 4.0).mean() > 0.3
    assert colour_share(image) > 0.01


def test_progress_of_one_exercise_since_a_date(history: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "fly.pdf"
    assert run_formcheck("progress", "-e", "reverse_fly", "--since", "2025-03-10", "--report", pdf).returncode == 0
    text = pdf_text(pdf)
    assert "Hip raise" not in text and "4 sets from 10 Mar – 7 Apr 2025" in text
    assert "exercise reverse_fly, sets from 10 Mar 2025" in text


def test_progress_errors_are_one_line(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    assert_clean_error(run_formcheck("progress", "--report", tmp_path / "p.docx"), EXIT_BAD_INPUT, "html or .pdf")
    assert_clean_error(run_formcheck("progress", "-p", "Nobody", "--report", out), EXIT_BAD_INPUT, "Zoë O'Brien")
    assert_clean_error(run_formcheck("progress", "-e", "seated_row", "--report", out), EXIT_BAD_INPUT, "no sets")
    with History() as db:
        record_set(db, made_set("hip_raise", 2), SetContext("Bob"))
    assert_clean_error(run_formcheck("progress", "--report", out), EXIT_BAD_INPUT, "--person")
    assert not out.exists()


def test_report_pdf_is_an_accepted_format() -> None:
    from formcheck.report.writers import _writers

    assert ".pdf" in _writers()
    assert re.search(r"\.pdf", str(sorted(_writers())))

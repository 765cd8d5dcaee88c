"""Reports for a new user (issue 19, items 9 and 10): the article's safety tips and a disclaimer in every report
and at the start of live, `--target-reps` in place of the article's 10-20, units in the CSV headers, and a rep
table that fits a 1280 px window.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from markupsafe import escape

from formcheck.analysis.judge import CueVerdict
from formcheck.analysis.result import RepResult, SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.commands.analyze import with_target_reps
from formcheck.io.images import encode_jpeg
from formcheck.report.build import build_report
from formcheck.report.csv_report import csv_rows
from formcheck.report.html_report import render_html
from formcheck.rules.loader import load_all
from formcheck.safety import DISCLAIMER, SAFETY_TIPS, SHORT_NOTE
from tests.browser import ARTIFACTS, chromium_or_skip, page_result, screenshot
from tests.media import assert_clean_error, run_formcheck
from tests.posebuild import make_pose

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "formcheck/report/schema.json").read_text(encoding="utf-8"))
CATALOGUE = load_all()
WINDOW_WIDTH = 1280


def fake_analysis(exercise: str, reps: int = 3, rules=None) -> SetResult:
    """A set of ``exercise`` built without MediaPipe: every per-rep cue checked on every rep, the first one broken
    on rep 1, a per-frame log for the chart and a key frame per rep."""
    rules = rules or CATALOGUE[exercise]
    analyzer = SetAnalyzer(rules, view=rules.views[0])
    keys = analyzer.log.keys
    times = np.round(np.arange(0.0, 2.0 * reps + 1.0, 1 / 30), 4)
    signal = 5.0 + 90.0 * np.clip(np.sin(np.pi * (times - 0.5) / 2.0), 0, None) * (times > 0.5)
    for i, t in enumerate(times):
        row = np.full(len(keys) * 2, 10.0)
        row[0:2] = signal[i]
        analyzer.log.append(float(t), row)
    per_rep = [c for c in rules.cues if c.kind != "sides"]
    sides = ("left", "right") if rules.sides == "alternating" else (None,)
    for index in range(1, reps + 1):
        verdicts = tuple(CueVerdict(c.id, True, index == 1 and c is per_rep[0], 12.5) for c in per_rep)
        start = 0.5 + 2.0 * (index - 1)
        analyzer.reps.append(RepResult(index, sides[index % len(sides)], start, start + 0.8, start + 1.8, 0.3, 90.0,
                                       80.0 if index == 1 else 100.0, verdicts))  # fmt: skip
    analyzer.frames_seen = analyzer.frames_with_person = len(times)
    pose = make_pose({"left_shoulder": (120, 60), "left_hip": (60, 70), "left_knee": (40, 110)}, size=(240, 135))
    thumb = np.full((135, 240, 3), 90, np.uint8)
    return summarize(
        analyzer, SourceInfo(f"/videos/{exercise}.mp4", 30.0, len(times), float(times[-1]), 640, 360),
        complete=True, interruption=None, analysed_at="2025-01-02T03:04:05+00:00",
        keyframes={i: (encode_jpeg(thumb), pose) for i in range(1, reps + 1)},
    )  # fmt: skip


# -- item 9: safety note and disclaimer ---------------------------------------------------------------------
@pytest.mark.parametrize("exercise", sorted(CATALOGUE))
def test_every_report_carries_the_safety_tips_and_the_disclaimer(exercise: str) -> None:
    analysis = fake_analysis(exercise)
    report = build_report(analysis)
    jsonschema.validate(report, SCHEMA)
    assert report["safety"] == {"tips": list(SAFETY_TIPS), "disclaimer": DISCLAIMER}
    html = render_html(report, analysis)
    for text in (*SAFETY_TIPS, DISCLAIMER):
        assert str(escape(text)) in html


def test_the_tips_are_the_articles_general_tips() -> None:
    article = (REPO.parent / "shared/seed/back-muscle-exercises.txt")
    if not article.is_file():
        pytest.skip("needs ../shared/seed/back-muscle-exercises.txt")
    text = article.read_text(encoding="utf-8").lower()
    assert "warm up" in text and "engage your core" in text
    joined = " ".join(SAFETY_TIPS).lower()
    assert "warm up" in joined and "engage your core" in joined and "stop if it hurts" in joined
    assert "not medical advice" in DISCLAIMER.lower()


def test_the_readme_has_the_one_line_disclaimer() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert any("not medical advice" in line.lower() and "formcheck" in line.lower() for line in readme.splitlines())


def test_live_starts_with_the_safety_note_on_screen(tmp_path: Path) -> None:
    from formcheck.commands.live import safety_text
    from formcheck.draw.hud import OverlayAnnotator
    from tests.test_live import SyntheticSource, session

    shown: list[str] = []

    class Recording(OverlayAnnotator):
        def annotate(self, scene, pose, state, mirror=False):  # type: ignore[no-untyped-def]
            shown.append(state.status)
            return super().annotate(scene, pose, state, mirror)

    live, _ = session(SyntheticSource(20), tmp_path)
    live.overlay = Recording()
    live.finish(live.run())
    assert shown and shown[0] == SHORT_NOTE
    assert all(tip in safety_text() for tip in SAFETY_TIPS) and DISCLAIMER in safety_text()


# -- item 9: --target-reps -------------------------------------------------------------------------------
def test_target_reps_replaces_the_rep_range_of_every_exercise() -> None:
    assert with_target_reps(CATALOGUE, None) is CATALOGUE
    prescribed = with_target_reps(CATALOGUE, 12)
    assert all((r.min_reps, r.max_reps) == (12, 12) for r in prescribed.values())
    assert all(replace(prescribed[k], min_reps=r.min_reps, max_reps=r.max_reps) == r for k, r in CATALOGUE.items())


def test_a_prescribed_number_of_reps_is_what_the_set_is_judged_against() -> None:
    default = build_report(fake_analysis("hip_raise", reps=3))
    assert default["target_reps"] == {"min": 10, "max": 20}
    assert [f["message"] for f in default["findings"] if f["cue"] == "rep_range"] == [
        "3 reps: the target is 10-20 reps."]
    rules = with_target_reps(CATALOGUE, 3)["hip_raise"]
    met = build_report(fake_analysis("hip_raise", reps=3, rules=rules))
    assert met["target_reps"] == {"min": 3, "max": 3}
    assert not [f for f in met["findings"] if f["cue"] == "rep_range"]
    short = build_report(fake_analysis("hip_raise", reps=3, rules=with_target_reps(CATALOGUE, 8)["hip_raise"]))
    finding = next(f for f in short["findings"] if f["cue"] == "rep_range")
    assert finding["message"] == "3 reps: the target is 8 reps." and "8" in finding["fix"]
    over = build_report(fake_analysis("hip_raise", reps=3, rules=with_target_reps(CATALOGUE, 2)["hip_raise"]))
    assert next(f for f in over["findings"] if f["cue"] == "rep_range")["fix"] == "Stop at 2 reps, as prescribed."
    assert "target 8 reps" in render_html(short, fake_analysis("hip_raise", reps=3))


@pytest.mark.parametrize("value", ["0", "-3", "ten"])
def test_a_bad_target_is_bad_input(value: str, tmp_path: Path) -> None:
    done = run_formcheck("analyze", tmp_path / "x.mp4", "--target-reps", value)
    assert_clean_error(done, 2, "--target-reps")


# -- item 10: CSV headers carry units -------------------------------------------------------------------------
def test_csv_headers_carry_units() -> None:
    header = csv_rows(build_report(fake_analysis("one_arm_row")))[0]
    assert header[:6] == ["index", "side", "start_s", "end_s", "hold_s", "score_of_100"]
    for column in ("torso_parallel_deg", "elbow_up_torso_lengths", "arm_close_deg", "switch_sides_reps"):
        assert column in header, header
    seated = csv_rows(build_report(fake_analysis("seated_row")))[0]
    assert "hold_2_s" in seated and "back_straight_deg" in seated and "full_pull_torso_lengths" in seated
    unitless = [c for c in header + seated if not re.search(r"(_verdict|_s|_deg|_torso_lengths|_reps|_of_100)$", c)]
    assert unitless == ["index", "side", "index", "side"]


# -- item 10: the rep table fits 1280 px ---------------------------------------------------------------------
PROBE = """<script>
const wrap = document.querySelector(".table-wrap");
document.getElementById("result").textContent = JSON.stringify({
  window: innerWidth, page: document.documentElement.scrollWidth,
  table: wrap ? wrap.scrollWidth : 0, room: wrap ? wrap.clientWidth : 0});
</script>"""


def test_the_rep_table_does_not_scroll_sideways_at_1280px(tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    for exercise in sorted(CATALOGUE):
        analysis = fake_analysis(exercise)
        html = render_html(build_report(analysis), analysis)
        page = tmp_path / f"{exercise}.html"
        page.write_text(html.replace("</body>", f'<pre id="result"></pre>{PROBE}</body>'), encoding="utf-8")
        sizes = page_result(chromium, page, tmp_path / "profile", width=WINDOW_WIDTH)
        assert sizes["window"] == WINDOW_WIDTH and sizes["table"] > 0, sizes
        assert sizes["table"] <= sizes["room"], f"{exercise}: the rep table scrolls sideways: {sizes}"
        assert sizes["page"] <= WINDOW_WIDTH, f"{exercise}: the page scrolls sideways: {sizes}"
    ARTIFACTS.mkdir(exist_ok=True)
    page = tmp_path / "seated_row.html"
    page.write_text(render_html(build_report(fake_analysis("seated_row")), fake_analysis("seated_row")),
                    encoding="utf-8")  # fmt: skip
    screenshot(chromium, page, ARTIFACTS / "report_header_1280.png", tmp_path / "profile", width=WINDOW_WIDTH)

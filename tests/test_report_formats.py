"""Report export: JSON against its schema, CSV rows per rep, and a self-contained, escaped HTML page."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import tomllib
from markupsafe import escape

from formcheck.analysis.judge import CueVerdict
from formcheck.analysis.result import RepResult, SetResult, SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.io.images import encode_jpeg
from formcheck.report.build import build_report
from formcheck.report.charts import chart_panels, chart_sides, timeline_svg
from formcheck.report.csv_report import REP_COLUMNS, csv_rows, unit_suffix
from formcheck.report.html_report import render_html
from formcheck.report.writers import write_reports
from formcheck.rules.loader import find_exercise
from tests.posebuild import make_pose

SCHEMA = json.loads(files("formcheck.report").joinpath("schema.json").read_text(encoding="utf-8"))
URL = re.compile(r"\b(?:https?|ftp)://|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


class Tags(HTMLParser):
    """Collects the element names and attribute values of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attrs: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        for name, value in attrs:
            self.attrs.setdefault(name, []).append(value or "")


def validate(report: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(json.dumps(report)))


def external_references(html: str) -> list[str]:
    """URLs anywhere in the page, and resource attributes that are neither data: URIs nor in-page anchors."""
    tags = Tags()
    tags.feed(html)
    found = URL.findall(html)
    for name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data"):
        found += [v for v in tags.attrs.get(name, []) if not v.startswith(("data:", "#"))]
    found += re.findall(r"url\(\s*['\"]?(?!data:|#)[^)]*\)", html) + re.findall(r"@import", html)
    return found


# -- a hand-made set of a one-side exercise: two reps, left then right ---------------------------------------
def _signal(t: np.ndarray, start: float, end: float) -> np.ndarray:
    inside = (t >= start) & (t <= end)
    return np.where(inside, 100.0 * np.sin(np.pi * (t - start) / (end - start)), 5.0)


def fake_one_arm_analysis(path: str = "/videos/row.mp4") -> SetResult:
    """A one_arm_row set built without MediaPipe: per-frame log, two judged reps and their key frames."""
    rules = find_exercise("one_arm_row")
    analyzer = SetAnalyzer(rules, view="side")
    keys = analyzer.log.keys
    times = np.round(np.arange(0.0, 6.0, 1 / 30), 4)
    left, right = _signal(times, 1.0, 2.5), _signal(times, 3.5, 5.0)
    for i, t in enumerate(times):
        row = np.full(len(keys) * 2, 10.0)
        row[0:2] = left[i], right[i]
        analyzer.log.append(float(t), row)
    per_rep = [c for c in rules.cues if c.kind != "sides"]
    first, second = per_rep[0], per_rep[1]

    def verdicts(fault_first: bool) -> tuple[CueVerdict, ...]:
        out = []
        for cue in per_rep:
            if cue is second:
                out.append(CueVerdict(cue.id, False, False, None, "not visible"))
            else:
                out.append(CueVerdict(cue.id, True, fault_first and cue is first, 42.5 if cue is first else 1.0))
        return tuple(out)

    analyzer.reps.extend([
        RepResult(1, "left", 1.0, 1.75, 2.5, 0.2, 100.0, 60.0, verdicts(True)),
        RepResult(2, "right", 3.5, 4.25, 5.0, 0.2, 100.0, 100.0, verdicts(False)),
    ])  # fmt: skip
    analyzer.frames_seen = analyzer.frames_with_person = len(times)
    pose = make_pose({"left_shoulder": (120, 60), "left_elbow": (150, 90), "left_wrist": (170, 120),
                      "left_hip": (60, 70), "left_knee": (40, 110)}, size=(240, 135))  # fmt: skip
    thumb = np.full((135, 240, 3), 90, np.uint8)
    return summarize(
        analyzer, SourceInfo(path, 30.0, len(times), 6.0, 640, 360), complete=True, interruption=None,
        analysed_at="2025-01-02T03:04:05+00:00", keyframes={i: (encode_jpeg(thumb), pose) for i in (1, 2)},
    )


def test_csv_has_a_verdict_and_value_pair_per_cue_and_one_row_per_rep() -> None:
    analysis = fake_one_arm_analysis()
    report = build_report(analysis)
    header, *rows = csv_rows(report)
    cue_ids = [c.id for c in analysis.rules.cues]
    assert header[: len(REP_COLUMNS)] == ["index", "side", "start_s", "end_s", "hold_s", "score_of_100"]
    assert header[len(REP_COLUMNS):: 2] == [f"{c}_verdict" for c in cue_ids]
    units = [unit_suffix(report["cues"][c]["unit"]) for c in cue_ids]
    assert header[len(REP_COLUMNS) + 1:: 2] == [f"{c}_{u}" for c, u in zip(cue_ids, units, strict=True)]
    assert [r[:2] for r in rows] == [["1", "left"], ["2", "right"]]
    cells = [dict(zip(header, r, strict=True)) for r in rows]
    per_rep = [c for c in analysis.rules.cues if c.kind != "sides"]
    first, second = per_rep[0].id, per_rep[1].id
    first_value, second_value = (f"{c}_{unit_suffix(report['cues'][c]['unit'])}" for c in (first, second))
    assert (cells[0][f"{first}_verdict"], cells[0][first_value]) == ("fault", "42.5")
    assert (cells[1][f"{first}_verdict"], cells[1][first_value]) == ("ok", "42.5")
    assert (cells[0][f"{second}_verdict"], cells[0][second_value]) == ("not_checked", "")
    assert cells[0]["switch_sides_verdict"] == "not_checked"  # judged on the whole set, not per rep
    assert cells[0]["score_of_100"] == "60.0"


def test_fake_report_validates_and_the_chart_follows_each_working_side() -> None:
    analysis = fake_one_arm_analysis()
    report = build_report(analysis)
    validate(report)
    assert chart_sides(analysis) == ["left", "right"]
    panels = chart_panels(analysis, report)
    checked_measured = [c.id for c in analysis.rules.cues if c.measure and report["cues"][c.id]["checked"]]
    assert [p.key for p in panels] == ["signal", *checked_measured]
    svg = timeline_svg(analysis, report)
    assert svg is not None and svg.startswith("<svg") and not URL.search(svg)
    assert "left side" in svg and "right side" in svg


@pytest.mark.parametrize("broken", [
    {"rep_count": -1}, {"rep_count": "3"}, {"schema_version": 2}, {"score": 120.0},
    {"reps_by_side": {"left": 1}}, {"source": {"path": "x.mp4", "fps": 0, "frames": 1, "duration_s": 1.0}},
])  # fmt: skip
def test_schema_rejects_broken_reports(broken: dict) -> None:
    report = build_report(fake_one_arm_analysis())
    validate(report)
    with pytest.raises(jsonschema.ValidationError):
        validate({**report, **broken})


def test_schema_rejects_a_rep_with_an_unknown_side_or_a_missing_field() -> None:
    report = build_report(fake_one_arm_analysis())
    with pytest.raises(jsonschema.ValidationError):
        validate({**report, "reps": [{**report["reps"][0], "side": "middle"}]})
    without_score = {k: v for k, v in report["reps"][0].items() if k != "score"}
    with pytest.raises(jsonschema.ValidationError):
        validate({**report, "reps": [without_score]})


def test_html_escapes_names_from_the_video_path() -> None:
    hostile = "/tmp/<script>alert('x')</script>/clip<img src=x onerror=alert(1)>.mp4"
    analysis = fake_one_arm_analysis(hostile)
    html = render_html(build_report(analysis), analysis)
    tags = Tags()
    tags.feed(html)
    assert "script" not in tags.names
    assert not [attr for attr in tags.attrs if attr.startswith("on")]
    assert all(src.startswith("data:image/jpeg;base64,") for src in tags.attrs.get("src", []))
    assert str(escape(hostile)) in html                      # shown, as text
    assert str(escape("clip<img src=x onerror=alert(1)>.mp4")) in html
    assert external_references(html) == []


def test_html_shows_per_side_reps_faults_with_article_cue_and_fix_and_key_frames() -> None:
    analysis = fake_one_arm_analysis()
    report = build_report(analysis)
    html = render_html(report, analysis)
    assert "left 1 · right 1" in html
    faulty = next(c for c in analysis.rules.cues if c.kind != "sides")
    assert str(escape(faulty.cue)) in html and str(escape(faulty.fix)) in html
    images = re.findall(r'<img src="data:image/jpeg;base64,[A-Za-z0-9+/=]+"', html)
    assert len(images) == 1                                   # only the faulty rep is a "worst fault" frame
    assert html.count("<svg") == 1


# -- real videos ----------------------------------------------------------------------------------------------
def test_every_format_is_written_for_a_sample(sample_name: str, analysed_samples, tmp_path: Path) -> None:
    analysis = analysed_samples[sample_name]
    report = build_report(analysis)
    paths = [tmp_path / f"{sample_name}.{ext}" for ext in ("json", "csv", "html")]
    write_reports(paths, report, analysis)
    assert all(p.stat().st_size > 0 for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temporary files left

    written = json.loads(paths[0].read_text(encoding="utf-8"))
    validate(written)
    assert written["rep_count"] == analysis.rep_count

    with paths[1].open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == report["rep_count"]
    assert [int(r["index"]) for r in rows] == [rep["index"] for rep in report["reps"]]
    for row, rep in zip(rows, report["reps"], strict=True):
        for cue in analysis.rules.cues:
            verdict = row[f"{cue.id}_verdict"]
            assert verdict in ("ok", "fault", "not_checked")
            assert (verdict == "fault") == (cue.id in rep["faults"])

    html = paths[2].read_text(encoding="utf-8")
    assert external_references(html) == []
    assert str(escape(Path(report["source"]["path"]).name)) in html
    assert str(escape(report["exercise_name"])) in html
    for cue_id, cue in report["cues"].items():
        if cue["fault"]:
            assert str(escape(analysis.rules.cue(cue_id).cue)) in html and str(escape(cue["fix"])) in html
    if report["reps"]:
        assert "<svg" in html
    shown = sum(1 for rep in report["reps"] if rep["index"] in analysis.keyframes)
    assert (html.count('<img src="data:image/jpeg;base64,') > 0) == (shown > 0)


def test_a_set_with_no_joint_seen_still_gives_valid_reports(tmp_path: Path) -> None:
    rules = find_exercise("hip_raise")
    analyzer = SetAnalyzer(rules)
    for i in range(30):
        analyzer.update(make_pose(t_ms=i * 33))  # no joint visible: nothing measured, no rep
    analyzer.finish()
    source = SourceInfo("empty.mp4", 30.0, 30, 1.0, 64, 48)
    analysis = summarize(analyzer, source, complete=True, interruption=None, analysed_at="2025-01-01T00:00:00+00:00")
    report = build_report(analysis)
    paths = [tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "r.html"]
    write_reports(paths, report, analysis)
    validate(json.loads(paths[0].read_text(encoding="utf-8")))
    assert paths[1].read_text(encoding="utf-8").splitlines() == [",".join(csv_rows(report)[0])]
    html = paths[2].read_text(encoding="utf-8")
    assert "No rep was counted." in html and "<img" not in html and external_references(html) == []


def test_score_is_the_reps_share_of_cues_kept_and_set_findings_stand_apart() -> None:
    from tests.test_rule_cases import CASES, run_case

    case = tomllib.loads(next(p for p in CASES if p.stem == "seated_row_good").read_text(encoding="utf-8"))
    report = run_case(case)
    assert [f["cue"] for f in report["findings"]] == ["rep_range"]  # 3 reps: fewer than the article's 10
    assert report["score"] == 100.0  # every checked cue kept on every rep: the rep range does not lower it


def test_messages_give_sizes_in_words_not_signed_numbers() -> None:
    from tests.test_rule_cases import CASES, run_case

    report = run_case(tomllib.loads(next(p for p in CASES if p.stem == "hip_raise_sag").read_text(encoding="utf-8")))
    message = report["cues"]["hip_line"]["message"]
    assert "sagged 18°" in message and not re.search(r"[-−]\s*\d", message)  # a size, never a signed number
    row = find_exercise("seated_row").cue("back_straight")
    assert row.message_for(-30.0).startswith("Torso leaned 30° forward")
    assert row.message_for(25.0).startswith("Torso leaned 25° back")

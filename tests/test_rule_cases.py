"""Rule cases as data: measured-value sequences with the expected reps and findings, run by one test.

Each file in ``tests/rule_cases/`` names an exercise and a camera view, gives time series for the rep signal
and the cue measures (a number is a constant; a list of [t, value] is piecewise linear; a table
``{keys = [...], repeat = N}`` repeats one cycle), and what the report must say.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from formcheck.analysis.result import SourceInfo
from formcheck.analysis.set_analyzer import SetAnalyzer
from formcheck.analysis.summary import summarize
from formcheck.report.build import build_report
from formcheck.rules.loader import find_exercise

CASES = sorted((Path(__file__).parent / "rule_cases").glob("*.toml"))


def _series(spec: Any) -> tuple[np.ndarray, np.ndarray] | float:
    if isinstance(spec, int | float):
        return float(spec)
    if isinstance(spec, dict):
        cycle = np.array(spec["keys"], dtype=float)
        period = cycle[-1, 0]
        parts = [cycle + np.array([i * period, 0.0]) for i in range(int(spec.get("repeat", 1)))]
        keys = np.concatenate(parts)
    else:
        keys = np.array(spec, dtype=float)
    return keys[:, 0], keys[:, 1]


def _value(series: tuple[np.ndarray, np.ndarray] | float, t: float) -> float:
    if isinstance(series, float):
        return series
    return float(np.interp(t, series[0], series[1]))


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """Feed a case's series through the analyzer and build the report."""
    rules = find_exercise(case["exercise"])
    analyzer = SetAnalyzer(rules, view=case["view"])
    columns: dict[tuple[str, int], Any] = {}
    for key, spec in case["series"].items():
        name, _, side = key.partition(".")
        sides = [0, 1] if not side else [0 if side == "left" else 1]
        for index in sides:
            columns[(name, index)] = _series(spec)
    keys = analyzer.measure_keys()
    unknown = {name for name, _ in columns} - set(keys)
    assert not unknown, f"series for unknown keys {unknown}; known: {keys}"
    fps = float(case.get("fps", 30))
    duration = float(case["duration_s"])
    for t in np.arange(0.0, duration, 1.0 / fps):
        row = np.full(2 * len(keys), np.nan)
        for (name, side), series in columns.items():
            row[2 * keys.index(name) + side] = _value(series, float(t))
        analyzer.advance(float(t), row)
    analyzer.finish()
    frames = int(duration * fps)
    source = SourceInfo("case.mp4", fps, frames, duration, 640, 480)
    return build_report(summarize(analyzer, source, complete=True, interruption=None,
                                  analysed_at="2026-01-01T00:00:00+00:00"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_rule_case(path: Path) -> None:
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    expect = case["expect"]
    report = run_case(case)
    assert report["rep_count"] == expect["rep_count"]
    if "reps_by_side" in expect:
        assert report["reps_by_side"] == expect["reps_by_side"]
    if "partial_reps" in expect:
        assert len(report["partial_reps"]) == expect["partial_reps"]
    for partial in report["partial_reps"]:  # every attempt is judged: a partial rep carries its faults
        if "partial_faults" in expect:
            assert sorted(partial["faults"]) == sorted(expect["partial_faults"]), partial
    expected_faults = expect.get("faults", [])
    for rep in report["reps"]:
        assert sorted(rep["faults"]) == sorted(expected_faults), f"rep {rep['index']}: {rep['faults']}"
    for cue_id in expect.get("not_checked", []):
        assert report["cues"][cue_id]["checked"] is False, cue_id
        assert report["cues"][cue_id]["not_checked_reason"]
    set_findings = sorted({f["cue"] for f in report["findings"] if f["rep"] is None})
    assert set_findings == sorted(expect.get("set_findings", []))


def test_there_are_cases_for_every_exercise() -> None:
    exercises = {tomllib.loads(p.read_text(encoding="utf-8"))["exercise"] for p in CASES}
    assert exercises == {"reverse_fly", "seated_row", "hip_raise", "bent_over_lateral_raise", "one_arm_row"}

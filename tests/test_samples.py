"""End to end on every sample video: `analyze` reproduces the rendered truth (reps per side, faults per rep)."""

from __future__ import annotations

from formcheck.report.build import build_report
from tests.conftest import SAMPLES
from tests.truthcheck import assert_report_matches_truth
from tools.synth.truth import load_truth, truth_path


def _truth(sample_name: str) -> dict:
    video = SAMPLES / f"{sample_name}.mp4"
    path = truth_path(video)
    return load_truth(path if path.exists() else path.with_name(path.name + ".gz"))


def test_sample_reproduces_its_truth(sample_name: str, analysed_samples) -> None:
    assert_report_matches_truth(build_report(analysed_samples[sample_name]), _truth(sample_name))


def test_sample_rep_times_follow_the_video(sample_name: str, analysed_samples) -> None:
    """Each counted rep overlaps its true rep: times come from the video's timestamps."""
    truth = _truth(sample_name)
    report = build_report(analysed_samples[sample_name])
    for ours, true in zip(report["reps"], truth["reps"], strict=True):
        assert ours["start_s"] < true["end_s"] and true["start_s"] < ours["end_s"]
        assert true["start_s"] - 0.6 <= ours["top_s"] <= true["end_s"]

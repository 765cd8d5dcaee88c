"""End to end on every sample video: `analyze` reproduces the rendered truth (reps per side, faults per rep)."""

from __future__ import annotations

from formcheck.report.build import build_report
from formcheck.synth.truth import load_truth, truth_path
from tests.conftest import SAMPLES


def _truth(sample_name: str) -> dict:
    video = SAMPLES / f"{sample_name}.mp4"
    path = truth_path(video)
    return load_truth(path if path.exists() else path.with_name(path.name + ".gz"))


def test_sample_reproduces_its_truth(sample_name: str, analysed_samples) -> None:
    truth = _truth(sample_name)
    report = build_report(analysed_samples[sample_name])
    assert report["exercise"] == truth["exercise"]
    assert report["rep_count"] == truth["rep_count"]
    assert report["reps_by_side"] == truth["reps_by_side"]
    assert [rep["side"] for rep in report["reps"]] == [rep["side"] for rep in truth["reps"]]
    # every injected fault is flagged on most of the reps it was injected in ...
    injected = {cue for rep in truth["reps"] for cue in rep["faults"]}
    for cue in injected:
        with_fault = [i for i, rep in enumerate(truth["reps"]) if cue in rep["faults"]]
        flagged = [i for i in with_fault if cue in report["reps"][i]["faults"]]
        assert len(flagged) > len(with_fault) / 2, f"{cue} flagged on {len(flagged)} of {len(with_fault)} reps"
    # ... and nothing else is (good-form videos get no fault at all)
    for ours, true in zip(report["reps"], truth["reps"], strict=True):
        assert set(ours["faults"]) <= set(true["faults"]), f"rep {ours['index']}: false faults"
    set_findings = {f["cue"] for f in report["findings"] if f["rep"] is None}
    assert set_findings == set(truth["set_faults"])


def test_sample_rep_times_follow_the_video(sample_name: str, analysed_samples) -> None:
    """Each counted rep overlaps its true rep: times come from the video's timestamps."""
    truth = _truth(sample_name)
    report = build_report(analysed_samples[sample_name])
    for ours, true in zip(report["reps"], truth["reps"], strict=True):
        assert ours["start_s"] < true["end_s"] and true["start_s"] < ours["end_s"]
        assert true["start_s"] - 0.6 <= ours["top_s"] <= true["end_s"]

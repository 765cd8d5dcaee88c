"""The comparison of a report with a rendered video's truth, shared by the sample and other-camera tests."""

from __future__ import annotations


def assert_report_matches_truth(report: dict, truth: dict) -> None:
    """Same exercise, rep count and sides; every injected fault flagged on most of its reps; no other fault."""
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
        assert set(ours["faults"]) <= set(true["faults"]), f"rep {ours['index']}: false faults {ours['measures']}"
    set_findings = {f["cue"] for f in report["findings"] if f["rep"] is None}
    assert set_findings == set(truth["set_faults"])

"""Whole workouts in the accuracy benchmark: the stored poses of each rendered workout sample, split into sets by
``formcheck.workout_session.run_workout`` as `formcheck analyze` does, against the workout's truth (every set's
exercise and reps, per side for the one-arm row)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.accuracy.replay import ReplaySource
from bench.accuracy.store import StoredPoses, load_poses
from formcheck.io.source import Frame
from formcheck.pose.frame import PoseFrame
from formcheck.rules.loader import load_all
from formcheck.workout_session import run_workout

WORKOUTS_DIR = Path(__file__).resolve().parent / "workouts"     # NAME.npz: the poses of sample_videos/NAME.mp4
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "sample_videos"


def evaluate_workouts(folder: Path = WORKOUTS_DIR) -> list[dict[str, Any]]:
    """Per stored workout: the sets expected and found (exercise, reps, reps per side) and whether all match."""
    from tools.synth.workout import load_workout_truth

    rows = []
    for npz in sorted(folder.glob("*.npz")):
        truth_path = SAMPLES_DIR / f"{npz.stem}.truth.json.gz"
        if not truth_path.exists():
            continue
        stored = load_poses(npz)
        result = run_workout(ReplaySource(stored, npz.stem), _feeder(stored), load_all())
        expected = [(s["exercise"], s["reps"], s["reps_by_side"]) for s in load_workout_truth(truth_path)["sets"]]
        found = [(s.result.rules.id, s.result.rep_count, dict(s.result.reps_by_side) if s.result.reps_by_side
                  else None) for s in result.sets]  # type: ignore[union-attr]  # fmt: skip
        rows.append({"workout": npz.stem, "expected": expected, "found": found, "exact": expected == found})
    return rows


def _feeder(stored: StoredPoses) -> Callable[[Frame], PoseFrame]:
    """The stored pose of each replayed frame, in order."""
    poses = iter(stored.poses)
    return lambda frame: next(poses)


def render_workouts(rows: Sequence[dict[str, Any]]) -> str:
    """A table: one line per set of every workout."""
    lines = ["| workout | set | expected | found | ok |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        n = max(len(row["expected"]), len(row["found"]))
        for i in range(n):
            want = row["expected"][i] if i < len(row["expected"]) else None
            got = row["found"][i] if i < len(row["found"]) else None
            lines.append(f"| {row['workout']} | {i + 1} | {_set(want)} | {_set(got)} | "
                         f"{'yes' if want == got else 'no'} |")  # fmt: skip
    return "\n".join(lines)


def _set(entry: tuple | list | None) -> str:
    if entry is None:
        return "-"
    exercise, reps, by_side = entry
    return f"{exercise} {reps}" + (f" (left {by_side['left']}, right {by_side['right']})" if by_side else "")

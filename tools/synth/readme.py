"""Write ``sample_videos/README.md`` from the truth files present (deterministic, no timings)."""

from __future__ import annotations

from pathlib import Path

from tools.synth.samples import SAMPLES
from tools.synth.truth import load_truth

HEADER = """# Sample videos

Synthetic athlete videos with exact ground truth, rendered by `python -m tools.synth samples`
(byte for byte reproducible on the same platform; the manifest is `tools/synth/samples.py`).

Each `NAME.mp4` (MPEG-4 part 2, `mp4v`) has its ground truth in `NAME.truth.json.gz` (gzip-compressed JSON, schema
version 1; read it with `tools.synth.truth.load_truth`): exercise, view, near side, video fps/frames/size,
the generator parameters, every rep with its start/top/end/hold times and fault ids (the report cue ids), set-level
faults (`switch_sides`, `rep_range` when a side has fewer than 10 reps), and per frame the 2-D (normalized image
coordinates) and 3-D (metres, hip-centred, y up, x = athlete's left when facing +z) positions of the joints named in
`joint_names`. Faults are deliberately far beyond the article's limits; clean reps are clearly within them.
When a one-arm row switches sides the video cuts to a mirrored camera, as if the user had moved the camera to the
other side of the bench, so the working arm faces the camera in both sets.

| file | exercise | view | fps | size | reps | rep faults | set faults |
| --- | --- | --- | --- | --- | --- | --- | --- |
"""


def _faults(reps: list[dict]) -> str:
    groups: list[tuple[str, list[int]]] = []
    for rep in reps:
        key = ", ".join(rep["faults"]) or "none"
        if groups and groups[-1][0] == key:
            groups[-1][1].append(rep["index"])
        else:
            groups.append((key, [rep["index"]]))
    parts = []
    for key, idx in groups:
        span = f"rep {idx[0]}" if len(idx) == 1 else f"reps {idx[0]}-{idx[-1]}"
        parts.append(f"{span}: {key}")
    return "; ".join(parts)


def write_readme(folder: Path) -> Path:
    """(Re)write the README table for every manifest sample found in ``folder``."""
    rows = []
    for name in SAMPLES:
        path = folder / f"{name}.truth.json.gz"
        if not path.exists():
            path = folder / f"{name}.truth.json"
        if not path.exists():
            continue
        t = load_truth(path)
        v = t["video"]
        reps = str(t["rep_count"])
        if t["reps_by_side"]:
            reps += " (" + ", ".join(f"{k} {n}" for k, n in t["reps_by_side"].items() if n) + ")"
        view = t["view"] + (f", {t['near_side']} side near" if t["near_side"] else "")
        rows.append(
            f"| {v['file']} | {t['exercise']} | {view} | {v['fps']:g} | {v['width']}x{v['height']} | {reps} "
            f"| {_faults(t['reps'])} | {', '.join(t['set_faults']) or 'none'} |"
        )
    out = folder / "README.md"
    out.write_text(HEADER + "\n".join(rows) + "\n" + _workouts(folder))
    return out


WORKOUT_HEADER = """
## Workouts

Several sets of one athlete in one video (H.264), rendered by `python -m tools.synth workout` (the manifest is
`WORKOUTS` in `tools/synth/workout.py`). Between sets the athlete gets up and walks out of the picture; the
picture stays empty for 5 s. The truth, `NAME.truth.json.gz` (read it with
`tools.synth.workout.load_workout_truth`), gives per set its exercise, view, where it lies in the video, its
reps (per side for the one-arm row) with their times and faults, and the generator parameters.

| file | fps | size | sets (exercise, view, seconds, reps) |
| --- | --- | --- | --- |
"""


def _workouts(folder: Path) -> str:
    from tools.synth.workout import WORKOUTS, load_workout_truth

    rows = []
    for name in WORKOUTS:
        path = folder / f"{name}.truth.json.gz"
        if not path.exists():
            continue
        t = load_workout_truth(path)
        sets = "; ".join(
            f"{i}. {s['exercise']}, {s['view']}, {s['start_s']:.0f}-{s['end_s']:.0f} s, {s['reps']}"
            + (" (" + ", ".join(f"{k} {n}" for k, n in s["reps_by_side"].items()) + ")" if s["reps_by_side"] else "")
            for i, s in enumerate(t["sets"], 1)
        )
        rows.append(f"| {t['video']} | {t['fps']:g} | {t['width']}x{t['height']} | {sets} |")
    return WORKOUT_HEADER + "\n".join(rows) + "\n" if rows else ""

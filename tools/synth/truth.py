"""Ground-truth record of a synthetic video: reps, faults and per-frame joint positions."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np

from tools.synth.body import TRUTH_JOINT_NAMES
from tools.synth.config import SynthConfig
from tools.synth.exercises import SHORT, get_exercise
from tools.synth.timeline import RepTruth, Timeline

SCHEMA_VERSION = 1
TRUTH_SUFFIX = ".truth.json"


def truth_path(video: Path) -> Path:
    """``x.mp4`` -> ``x.truth.json``."""
    return video.with_name(video.stem + TRUTH_SUFFIX)


def build_truth(
    cfg: SynthConfig,
    timeline: Timeline,
    video_file: str,
    view: str,
    near_side: str | None,
    joints_3d: np.ndarray,
    joints_2d: np.ndarray,
) -> dict[str, Any]:
    """The truth dict; ``joints_3d`` (F,J,3) in world metres, ``joints_2d`` (F,J,2) normalized."""
    names = list(TRUTH_JOINT_NAMES)
    hips = (joints_3d[:, names.index("left_hip")] + joints_3d[:, names.index("right_hip")]) / 2
    centred = joints_3d - hips[:, None, :]
    spec = get_exercise(cfg.exercise)
    counted = timeline.counted if spec.counts_reps else ()
    truth: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "exercise": cfg.exercise,
        "view": view,
        "near_side": near_side,
        "video": {
            "file": video_file,
            "fps": float(cfg.fps),
            "frames": int(joints_3d.shape[0]),
            "width": cfg.width,
            "height": cfg.height,
        },
        "params": cfg.to_dict(),
        "rep_count": len(counted),
        "reps_by_side": timeline.reps_by_side,
        "reps": [_rep(r, i) for i, r in enumerate(counted, start=1)],
    }
    # Keys that only clips with partial reps, a negative's movements or clip events have (older truth unchanged).
    partial = [r for r in timeline.reps if r.partial] if spec.counts_reps else []
    if partial:
        truth["partial_reps"] = [_rep(r, i, spec.range_cue) for i, r in enumerate(partial, start=1)]
    if not spec.counts_reps:
        truth["movements"] = [_rep(r, r.index) for r in timeline.reps]
    if timeline.events:
        truth["events"] = {k: [round(a, 3), round(b, 3)] for k, (a, b) in timeline.events.items()}
    truth["set_faults"] = list(timeline.set_faults)
    truth["joint_names"] = names
    truth["joints_2d"] = np.round(joints_2d, 4).tolist()
    truth["joints_3d"] = np.round(centred + 0.0, 3).tolist()
    return truth


def _rep(r: RepTruth, index: int, range_cue: str | None = None) -> dict[str, Any]:
    """One rep's truth; a partial rep's faults name the range cue it broke first (instead of ``short``)."""
    faults = [f for f in r.faults if f != SHORT]
    if range_cue:
        faults = [range_cue, *(f for f in faults if f != range_cue)]
    return {
        "index": index,
        "side": r.side,
        "start_s": round(r.start_s, 3),
        "top_s": round(r.top_s, 3),
        "end_s": round(r.end_s, 3),
        "hold_s": round(r.hold_s, 3),
        "faults": faults,
    }


def dumps(truth: dict[str, Any]) -> str:
    """JSON text: one key per line, and one line per frame for the per-frame arrays."""
    lines = []
    for key, value in truth.items():
        if key in ("joints_2d", "joints_3d"):
            frames = ",\n  ".join(json.dumps(f, separators=(",", ":")) for f in value)
            lines.append(f"{json.dumps(key)}: [\n  {frames}\n]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, separators=(', ', ': '))}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write_truth(truth: dict[str, Any], path: Path) -> None:
    """Write plain JSON, or gzip (with a zero mtime, so bytes are reproducible) for ``.gz`` paths."""
    data = dumps(truth).encode()
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)


def load_truth(path: Path | str) -> dict[str, Any]:
    """Read a truth file (``.truth.json`` or ``.truth.json.gz``)."""
    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path, "rt") as f:
            return json.load(f)
    return json.loads(path.read_text())

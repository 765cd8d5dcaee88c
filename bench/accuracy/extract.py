"""Render + pose extraction (the slow, resumable step): stored landmarks for every grid case and real clip.

A grid case is rendered by the synthetic athlete into a temporary folder, tracked by MediaPipe exactly the way
``formcheck analyze`` tracks a video (``resolve_model`` + ``PoseEstimator.detect`` on each decoded frame with its
timestamp), and stored as ``cases/<id>.npz`` with ``cases/<id>.truth.json`` (the renderer's truth without its
per-frame joints, plus the case's view and expected outcome). Real clips from ``../shared/realworld`` are tracked
the same way into a cache outside the repository (``realworld_cache_dir``); they are never copied.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.accuracy.grid import Case
from bench.accuracy.store import load_poses, save_poses
from formcheck.io.atomic import write_text_atomic

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
REPO = HERE.parents[1]


def _main_checkout(repo: Path) -> Path:
    """The main checkout of a git worktree (whose ``.git`` file points into ``<main>/.git/worktrees/``), else repo."""
    dot_git = repo / ".git"
    if dot_git.is_file():
        target = Path(dot_git.read_text().split("gitdir:", 1)[-1].strip())
        if target.parent.name == "worktrees" and target.parent.parent.name == ".git":
            return target.parent.parent.parent
    return repo


def find_realworld() -> Path:
    """``$FORMCHECK_REALWORLD``, else ``../shared/realworld`` beside the repository (or beside its main checkout)."""
    if os.environ.get("FORMCHECK_REALWORLD"):
        return Path(os.environ["FORMCHECK_REALWORLD"])
    for repo in (REPO, _main_checkout(REPO)):
        if (repo.parent / "shared" / "realworld").is_dir():
            return repo.parent / "shared" / "realworld"
    return REPO.parent / "shared" / "realworld"


REALWORLD_DIR = find_realworld()
TRUTH_DROP = ("joints_2d", "joints_3d", "joint_names")


def realworld_cache_dir() -> Path:
    """Where real clips' landmarks are cached: ``$FORMCHECK_BENCH_CACHE/realworld`` or ``~/.cache/...``."""
    root = os.environ.get("FORMCHECK_BENCH_CACHE") or Path.home() / ".cache" / "formcheck-bench"
    return Path(root) / "realworld"


def npz_path(case_id: str) -> Path:
    return CASES_DIR / f"{case_id}.npz"


def truth_json_path(case_id: str) -> Path:
    return CASES_DIR / f"{case_id}.truth.json"


def track_video(video: Path) -> tuple[list, float]:
    """(PoseFrames of every frame, fps), computed as ``formcheck analyze`` computes them."""
    from formcheck.io.source import open_source
    from formcheck.perception.estimator import PoseEstimator
    from formcheck.perception.model import resolve_model

    source = open_source(str(video))
    with source, PoseEstimator(resolve_model(None).path) as estimator:
        poses = [estimator.detect(frame.image, frame.timestamp_ms) for frame in source]
        return poses, source.fps


def case_truth(case: Case, truth: dict[str, Any]) -> dict[str, Any]:
    """The stored truth: the renderer's truth minus per-frame joints, plus the case's view and expectations."""
    slim = {k: v for k, v in truth.items() if k not in TRUTH_DROP}
    slim["case"] = {
        "id": case.id,
        "view": case.view,
        "azimuth_deg": case.azimuth_deg,
        "elevation": case.elevation,
        "form": case.form,
        "edge": case.edge,
        "analyse_as": list(case.analyse_as),
        "negative": case.negative,
        "tags": list(case.tags),
    }
    return slim


@dataclass(frozen=True)
class Extracted:
    case_id: str
    frames: int
    render_cpu_s: float
    pose_cpu_s: float
    wall_s: float
    detected: float
    verified: bool | None = None
    verify_note: str = ""


def extract_case(case: Case, verify: bool = False) -> Extracted:
    """Render one case, track it, store its poses and truth; optionally check replay == ``formcheck analyze``."""
    from tools.synth.video import render

    started, cpu0 = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="fc-grid-") as tmp:
        video = Path(tmp) / f"{case.id}.mp4"
        truth = render(case.config, video)
        cpu1 = time.process_time()
        poses, fps = track_video(video)
        cpu2 = time.process_time()
        save_poses(npz_path(case.id), poses, fps)
        write_text_atomic(truth_json_path(case.id), json.dumps(case_truth(case, truth), indent=1) + "\n")
        verified, note = verify_replay(video, case.analyse_as[0], npz_path(case.id)) if verify else (None, "")
    detected = sum(not p.is_empty for p in poses) / max(1, len(poses))
    return Extracted(case.id, len(poses), cpu1 - cpu0, cpu2 - cpu1, time.perf_counter() - started, detected,
                     verified, note)  # fmt: skip


MEASURE_TOLERANCE = 0.25  # degrees (or units of a ratio): the 1e-4 quantization moves measures by up to ~0.1


def same_analysis(live: dict[str, Any], replayed: dict[str, Any]) -> list[str]:
    """Differences between two reports that matter: counts, sides, rep times and faults, partial reps, verdicts,
    view, recognition; measured values may differ by MEASURE_TOLERANCE. Empty when they agree rep for rep."""
    diffs = []
    for key in ("exercise", "rep_count", "reps_by_side", "partial_reps", "camera", "person", "complete", "score"):
        if live.get(key) != replayed.get(key):
            diffs.append(f"{key}: {live.get(key)} != {replayed.get(key)}")
    a_reps, b_reps = live.get("reps", []), replayed.get("reps", [])
    if len(a_reps) != len(b_reps):
        diffs.append(f"{len(a_reps)} reps != {len(b_reps)}")
    for a, b in zip(a_reps, b_reps, strict=False):
        plain = [k for k in a if k != "measures"]
        if any(a[k] != b.get(k) for k in plain):
            diffs.append(f"rep {a['index']}: {[(k, a[k], b.get(k)) for k in plain if a[k] != b.get(k)]}")
        am, bm = a.get("measures", {}), b.get("measures", {})
        off = [k for k in am if k not in bm or abs(am[k] - bm[k]) > MEASURE_TOLERANCE]
        if off or set(bm) - set(am):
            diffs.append(f"rep {a['index']} measures: {[(k, am.get(k), bm.get(k)) for k in off]}")
    flags = lambda r: {c: (v["checked"], v["fault"], v["reps_with_fault"]) for c, v in r.get("cues", {}).items()}  # noqa: E731
    if flags(live) != flags(replayed):
        diffs.append("cue verdicts differ")
    found = lambda r: sorted((f["cue"], f["rep"]) for f in r.get("findings", []))  # noqa: E731
    if found(live) != found(replayed):
        diffs.append(f"findings: {found(live)} != {found(replayed)}")
    recog = lambda r: (r.get("recognition") or {}).get("exercise")  # noqa: E731
    if recog(live) != recog(replayed):
        diffs.append(f"recognition: {recog(live)} != {recog(replayed)}")
    return diffs


def verify_replay(video: Path, exercise: str | None, stored: Path) -> tuple[bool, str]:
    """Run ``formcheck analyze VIDEO [-e EXERCISE] --report r.json`` and compare its report with the replay."""
    from bench.accuracy.replay import replay

    with tempfile.TemporaryDirectory(prefix="fc-verify-") as tmp:
        report_path = Path(tmp) / "r.json"
        cmd = [sys.executable, "-m", "formcheck", "analyze", str(video), "--report", str(report_path), "--quiet"]
        cmd += ["-e", exercise] if exercise else []
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        replayed = json.loads(json.dumps(replay(load_poses(stored), exercise)))
        if not report_path.exists():
            expected_failure = replayed["exercise"] is None and done.returncode == 2
            return expected_failure, f"analyze exited {done.returncode} ({done.stderr.strip()[-160:]}); " + (
                "replay: exercise not recognised either" if expected_failure else f"replay: {replayed['exercise']}")
        live = json.loads(report_path.read_text())
    diffs = same_analysis(live, replayed)
    if not diffs:
        return True, f"{live['rep_count']} reps, same analysis rep for rep"
    return False, "; ".join(diffs)[:400]


# -- real clips (cached outside the repository) -------------------------------------------------------------
def realworld_clips(folder: Path = REALWORLD_DIR) -> list[Path]:
    """Every clip named in the real-world labels.csv and negatives.csv."""
    names: list[str] = []
    for table in ("labels.csv", "negatives.csv"):
        path = folder / table
        if path.exists():
            with open(path, newline="", encoding="utf-8") as file:
                names += [row["file"] for row in csv.DictReader(file)]
    return [folder / n for n in dict.fromkeys(names) if (folder / n).exists()]


def realworld_cache(clip: Path) -> Path:
    return realworld_cache_dir() / f"{clip.stem}.npz"


def _stamp(clip: Path) -> dict[str, Any]:
    """What identifies a clip's content (a copied or re-provisioned folder keeps its cache; an edited clip not)."""
    return {"file": clip.name, "size": clip.stat().st_size, "sha256": hashlib.sha256(clip.read_bytes()).hexdigest()}


def realworld_is_cached(clip: Path) -> bool:
    meta = realworld_cache(clip).with_suffix(".json")
    return realworld_cache(clip).exists() and meta.exists() and json.loads(meta.read_text()) == _stamp(clip)


def extract_clip(clip: Path) -> Extracted:
    """Track one real clip into the cache."""
    started, cpu0 = time.perf_counter(), time.process_time()
    poses, fps = track_video(clip)
    target = realworld_cache(clip)
    save_poses(target, poses, fps)
    write_text_atomic(target.with_suffix(".json"), json.dumps(_stamp(clip)))
    detected = sum(not p.is_empty for p in poses) / max(1, len(poses))
    return Extracted(clip.name, len(poses), 0.0, time.process_time() - cpu0, time.perf_counter() - started, detected)

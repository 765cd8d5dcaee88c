"""Camera cuts: two stored cases of one exercise, filmed from two views, replayed as one clip.

A user who moves the phone mid-set (or an edited video) changes the view without a new set. No rendering is
needed: the second case's poses follow the first's, shifted in time, and so does its truth. The pairs are chosen
by a rule, not by hand: for every exercise, the first stored good-form case (``_0``) of each view its rule file
supports, joined in both orders. The row is supported when both views are.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from itertools import permutations
from pathlib import Path
from typing import Any

from bench.accuracy.store import StoredPoses, load_poses

CUT_VIEW = "camera cut"
GAP_MS = 40  # the cut: about one frame between the last frame of the first case and the first of the second


def cut_pairs(truth_paths: list[Path], supported: Callable[[str], tuple[str, ...]]) -> list[tuple[Path, Path]]:
    """Ordered pairs (first, second) of stored ``_0`` cases of one exercise from two different supported views."""
    firsts: dict[tuple[str, str], Path] = {}
    for path in sorted(truth_paths):
        truth = json.loads(path.read_text())
        case = truth["case"]
        if case["negative"] or not case["id"].endswith("_0") or case["view"] not in supported(truth["exercise"]):
            continue
        firsts.setdefault((truth["exercise"], case["view"]), path)
    pairs = []
    for exercise in sorted({e for e, _ in firsts}):
        views = [v for e, v in firsts if e == exercise]
        pairs.extend((firsts[(exercise, a)], firsts[(exercise, b)]) for a, b in permutations(views, 2))
    return pairs


def _shifted(items: list[dict[str, Any]], offset_s: float) -> list[dict[str, Any]]:
    keys = ("start_s", "top_s", "end_s")
    return [{**item, **{k: item[k] + offset_s for k in keys if k in item}} for item in items]


def joined(first: Path, second: Path) -> tuple[StoredPoses, dict[str, Any]]:
    """The poses and the truth of ``first`` then ``second`` (truth files), as one clip with a camera cut."""
    truths = [json.loads(p.read_text()) for p in (first, second)]
    stored = [load_poses(p.with_name(p.name.replace(".truth.json", ".npz"))) for p in (first, second)]
    offset_ms = stored[0].poses[-1].timestamp_ms + GAP_MS
    poses = [*stored[0].poses,
             *(dataclasses.replace(p, timestamp_ms=p.timestamp_ms + offset_ms) for p in stored[1].poses)]  # fmt: skip
    offset_s = offset_ms / 1000.0
    a, b = truths
    by_side = None
    if a["reps_by_side"] is not None and b["reps_by_side"] is not None:
        by_side = {side: a["reps_by_side"][side] + b["reps_by_side"][side] for side in a["reps_by_side"]}
    truth = {
        **a,
        "rep_count": a["rep_count"] + b["rep_count"],
        "reps_by_side": by_side,
        "reps": [*a["reps"], *_shifted(b["reps"], offset_s)],
        "partial_reps": [*a.get("partial_reps", []), *_shifted(b.get("partial_reps", []), offset_s)],
        "case": {**a["case"], "id": f"{a['case']['id']}+{b['case']['id']}", "view": CUT_VIEW,
                 "tags": [*a["case"].get("tags", []), "camera cut"]},
        "views": [a["case"]["view"], b["case"]["view"]],
    }
    return StoredPoses(poses, stored[0].fps, stored[0].width, stored[0].height), truth

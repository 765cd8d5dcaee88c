"""Replay every stored case (and cached real clip) through the analysis and tabulate the scores.

Each case is analysed twice: with its exercise named (for a negative: as each exercise it could be taken for),
and without (recognition). Rows are exercise x view; a row is *supported* when the exercise's rule file lists
that view, and issue 14's acceptance targets apply to the supported rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench.accuracy.cuts import CUT_VIEW, cut_pairs, joined
from bench.accuracy.extract import CASES_DIR, REALWORLD_DIR, realworld_cache, realworld_clips, realworld_is_cached
from bench.accuracy.replay import replay
from bench.accuracy.score import Expected, RecognitionScore, RunScore, score_recognition, score_run
from bench.accuracy.store import StoredPoses, load_poses
from bench.accuracy.workouts import evaluate_workouts, render_workouts
from formcheck.io.atomic import write_text_atomic

OUT = Path(__file__).resolve().parents[1] / "accuracy.json"
TARGETS = {"exact": 0.95, "within_one": 1.0, "fault_recall": 0.9, "false_fault_rate": 0.05, "recognition": 0.95,
           "wrong_confident": 0}  # fmt: skip
VIEW_ORDER = ("front", "three_quarter", "side", "back", CUT_VIEW)


@cache
def supported_views(exercise: str) -> tuple[str, ...]:
    """The views an exercise's bundled rule file lists (``views = [...]``)."""
    from formcheck.rules.loader import find_exercise

    return tuple(find_exercise(exercise, None).views)


@dataclass
class CaseResult:
    case_id: str
    runs: list[RunScore]
    recognition: RecognitionScore
    seconds: float


def evaluate_case(path: Path) -> CaseResult:
    """Replay one stored case: named as each exercise it is analysed as, then without a name."""
    truth = json.loads(path.read_text())
    stored = load_poses(path.with_name(path.name.replace(".truth.json", ".npz")))
    return _evaluate(truth, stored, (truth["case"]["view"],))


def evaluate_cut(pair: tuple[Path, Path]) -> CaseResult:
    """Replay two stored cases from two views as one clip with a camera cut (see ``bench.accuracy.cuts``)."""
    stored, truth = joined(*pair)
    return _evaluate(truth, stored, tuple(truth["views"]))


def _evaluate(truth: dict[str, Any], stored: StoredPoses, views: tuple[str, ...]) -> CaseResult:
    """Score the replays of one clip; a run is supported when the exercise supports every view in ``views``."""
    started = time.perf_counter()
    expected = Expected.from_truth(truth)
    runs = []
    for exercise in expected.analyse_as:
        report = replay(stored, exercise, expected.case_id)
        runs.append(score_run(expected, report, exercise, all(v in supported_views(exercise) for v in views)))
    recognition = score_recognition(expected, replay(stored, None, expected.case_id))
    return CaseResult(expected.case_id, runs, recognition, time.perf_counter() - started)


# -- aggregation ------------------------------------------------------------------------------------------------
def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def aggregate(runs: Sequence[RunScore], recognitions: Sequence[RecognitionScore]) -> dict[str, Any]:
    """The table's measures over some runs and recognitions."""
    n = len(runs)
    judged = sum(r.judged_cue_reps for r in runs)
    return {
        "runs": n,
        "exact": _ratio(sum(r.exact for r in runs), n),
        "within_one": _ratio(sum(r.within_one for r in runs), n),
        "fault_recall": _ratio(sum(r.faults_found for r in runs), sum(r.faults_expected for r in runs)),
        "faults_expected": sum(r.faults_expected for r in runs),
        "false_fault_rate": _ratio(sum(r.false_faults for r in runs), judged),
        "judged_cue_reps": judged,
        "not_checked": _ratio(sum(r.cue_reps - r.judged_cue_reps for r in runs), sum(r.cue_reps for r in runs)),
        "recognition": _ratio(sum(g.correct for g in recognitions), len(recognitions)),
        "wrong_confident": sum(g.wrong_confident for g in recognitions),
    }


def table_rows(results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    """Rows exercise x view (positive cases), then one row per negative kind and analysed-as exercise."""
    groups: dict[tuple[str, str], tuple[list[RunScore], list[RecognitionScore]]] = defaultdict(lambda: ([], []))
    for res in results:
        for run in res.runs:
            key = (f"{res.recognition.expected or _performed(res)} as {run.analysed_as}", "all") if run.negative \
                else (run.analysed_as, run.view)  # fmt: skip
            groups[key][0].append(run)
        if not res.runs[0].negative:
            groups[(res.runs[0].analysed_as, res.recognition.view)][1].append(res.recognition)
        else:
            for run in res.runs:
                groups[(f"{_performed(res)} as {run.analysed_as}", "all")][1].append(res.recognition)
    rows = []
    for (exercise, view), (runs, recs) in groups.items():
        negative = bool(runs) and runs[0].negative
        supported = all(r.supported for r in runs) if runs else False
        rows.append({"exercise": exercise, "view": view, "negative": negative, "supported": supported,
                     **aggregate(runs, recs)})  # fmt: skip
    order = {v: i for i, v in enumerate(VIEW_ORDER)}
    rows.sort(key=lambda r: (r["negative"], r["exercise"], order.get(r["view"], 9)))
    return rows


_PERFORMED: dict[str, str] = {}


def _performed(res: CaseResult) -> str:
    return _PERFORMED.get(res.case_id, "negative")


def totals(results: Sequence[CaseResult]) -> dict[str, dict[str, Any]]:
    """Totals: every positive single-view case, those in supported views, the negatives, and the camera cuts
    (kept apart, so the single-view totals compare with earlier runs)."""
    cuts = [r for res in results for r in res.runs if r.view == CUT_VIEW]
    cut_recs = [res.recognition for res in results if res.recognition.view == CUT_VIEW]
    results = [res for res in results if res.recognition.view != CUT_VIEW]
    positive = [r for res in results for r in res.runs if not r.negative]
    recs = [res.recognition for res in results if not res.runs[0].negative]
    sup = [r for r in positive if r.supported]
    sup_ids = {r.case_id for r in sup}
    negatives = [r for res in results for r in res.runs if r.negative]
    neg_recs = [res.recognition for res in results if res.runs[0].negative]
    return {
        "all views": aggregate(positive, recs),
        "supported views": aggregate(sup, [g for g in recs if g.case_id in sup_ids]),
        "negatives": aggregate(negatives, neg_recs),
        **({"camera cuts": aggregate(cuts, cut_recs)} if cuts else {}),
    }


# -- real clips -------------------------------------------------------------------------------------------------
def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def evaluate_realworld(folder: Path = REALWORLD_DIR) -> list[dict[str, Any]]:
    """Labelled clips: exact count with the exercise named; negatives: 0 reps as each exercise, unknown unnamed."""
    rows: list[dict[str, Any]] = []
    cached = {c.name: c for c in realworld_clips(folder) if realworld_is_cached(c)}
    for row in _read_csv(folder / "labels.csv"):
        if not row["closest_exercise"]:
            if row["file"] in cached:
                rows.append(_none_of_the_five(row, load_poses(realworld_cache(cached[row["file"]]))))
            continue
        if not row["reps"]:
            continue
        entry: dict[str, Any] = {"file": row["file"], "kind": "labelled", "exercise": row["closest_exercise"],
                                 "expected_reps": int(row["reps"])}  # fmt: skip
        if row["file"] not in cached:
            rows.append({**entry, "missing": True})
            continue
        report = replay(load_poses(realworld_cache(cached[row["file"]])), row["closest_exercise"], row["file"])
        got = int(report["rep_count"])
        rows.append({**entry, "got_reps": got, "ok": got == entry["expected_reps"]})
    for row in _read_csv(folder / "negatives.csv"):
        entry = {"file": row["file"], "kind": "negative", "movement": row["movement"]}
        if row["file"] not in cached:
            rows.append({**entry, "missing": True})
            continue
        stored = load_poses(realworld_cache(cached[row["file"]]))
        got = {ex: int(replay(stored, ex, row["file"])["rep_count"]) for ex in row["analyse_as"].split()}
        recognised = replay(stored, None, row["file"])["exercise"]
        ok = all(n == int(row["expected_reps"] or 0) for n in got.values()) and recognised is None
        rows.append({**entry, "got_reps": got, "recognised_as": recognised, "ok": ok})
    return rows


CUSTOM_RULES = Path(__file__).resolve().parents[2] / "tests" / "custom_rules"  # the sixth exercise, hip_hinge


def _none_of_the_five(row: dict[str, str], stored: StoredPoses) -> dict[str, Any]:
    """A labelled clip of none of the five exercises: unnamed it must be unknown; with the custom rule files it is
    shown what that exercise makes of it (the hinge clips: a hip hinge), for information."""
    recognised = replay(stored, None, row["file"])["exercise"]
    custom = replay(stored, None, row["file"], rules=CUSTOM_RULES)
    return {"file": row["file"], "kind": "none_of_five", "movement": row["notes"], "recognised_as": recognised,
            "with_custom_rules": f"{custom['exercise'] or 'unknown'}, {custom['rep_count']} reps",
            "ok": recognised is None}  # fmt: skip


# -- output -----------------------------------------------------------------------------------------------------
def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


def _num(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


HEADER = ("| exercise | view | supported | runs | exact | within 1 | fault recall | false faults | not checked "
          "| recognised | wrong confident |")  # fmt: skip


def _line(label: str, view: str, supported: str, m: dict[str, Any]) -> str:
    return (f"| {label} | {view} | {supported} | {m['runs']} | {_pct(m['exact'])} | {_pct(m['within_one'])} | "
            f"{_num(m['fault_recall'])} ({m['faults_expected']}) | {_pct(m['false_fault_rate'])} | "
            f"{_pct(m['not_checked'])} | {_pct(m['recognition'])} | {m['wrong_confident']} |")  # fmt: skip


def render_table(rows: Sequence[dict[str, Any]], tot: dict[str, dict[str, Any]]) -> str:
    lines = [HEADER, "|" + " --- |" * 11]
    for r in rows:
        lines.append(_line(r["exercise"], r["view"], "yes" if r["supported"] else "no", r))
    for name, m in tot.items():
        lines.append(_line(f"**total, {name}**", "", "", m))
    t = TARGETS
    lines.append(f"| **target** (supported views) | | | | >= {_pct(t['exact'])} | {_pct(t['within_one'])} | "
                 f">= {t['fault_recall']} | <= {_pct(t['false_fault_rate'])} | | >= {_pct(t['recognition'])} | "
                 f"{t['wrong_confident']} |")  # fmt: skip
    return "\n".join(lines)


def render_realworld(rows: Sequence[dict[str, Any]]) -> str:
    lines = ["| real clip | expected | got | ok |", "| --- | --- | --- | --- |"]
    for r in rows:
        if r.get("missing"):
            lines.append(f"| {r['file']} | | not cached: run `python -m bench.accuracy extract` | |")
        elif r["kind"] == "labelled":
            lines.append(f"| {r['file']} | {r['expected_reps']} {r['exercise']} | {r['got_reps']} | "
                         f"{'yes' if r['ok'] else 'no'} |")  # fmt: skip
        elif r["kind"] == "none_of_five":
            lines.append(f"| {r['file']} | unknown (none of the five) | recognised {r['recognised_as'] or 'unknown'}; "
                         f"with tests/custom_rules: {r['with_custom_rules']} | {'yes' if r['ok'] else 'no'} |")
        else:
            got = ", ".join(f"{n} as {ex}" for ex, n in r["got_reps"].items())
            lines.append(f"| {r['file']} | 0 reps, unknown | {got}; recognised {r['recognised_as'] or 'unknown'} | "
                         f"{'yes' if r['ok'] else 'no'} |")  # fmt: skip
    ok = [r for r in rows if not r.get("missing")]
    lines.append(f"| **total** | | | {sum(r['ok'] for r in ok)} of {len(ok)} |")
    return "\n".join(lines)


def stored_cases(pattern: str | None = None) -> list[Path]:
    import re

    paths = sorted(CASES_DIR.glob("*.truth.json"))
    if pattern:
        rx = re.compile(pattern)
        paths = [p for p in paths if rx.search(p.name[: -len(".truth.json")])]
    return paths


def stored_cuts(pattern: str | None = None) -> list[tuple[Path, Path]]:
    """The camera-cut pairs of the stored cases (``bench.accuracy.cuts``), those whose joined id matches."""
    import re

    pairs = cut_pairs(stored_cases(), supported_views)
    if pattern:
        rx = re.compile(pattern)
        pairs = [(a, b) for a, b in pairs if rx.search(f"{_case_id(a)}+{_case_id(b)}")]
    return pairs


def _case_id(path: Path) -> str:
    return path.name[: -len(".truth.json")]


def run(paths: Sequence[Path], jobs: int, cuts: Sequence[tuple[Path, Path]] = ()) -> list[CaseResult]:
    if jobs > 1 and len(paths) + len(cuts) > 1:
        with Pool(jobs) as pool:
            return [*pool.imap(evaluate_case, paths, chunksize=2), *pool.imap(evaluate_cut, cuts)]
    return [*map(evaluate_case, paths), *map(evaluate_cut, cuts)]


def case_details(results: Iterable[CaseResult]) -> list[dict[str, Any]]:
    out = []
    for res in results:
        out.append({
            "case": res.case_id,
            "runs": [{**{k: v for k, v in asdict(r).items() if k != "case_id"}, "exact": r.exact,
                      "within_one": r.within_one} for r in res.runs],
            "recognition": {**{k: v for k, v in asdict(res.recognition).items() if k != "case_id"},
                            "correct": res.recognition.correct,
                            "wrong_confident": res.recognition.wrong_confident},
        })  # fmt: skip
    return out


def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    paths, cuts = stored_cases(args.only), stored_cuts(args.only)
    if not paths and not cuts:
        print("no stored cases: run `python -m bench.accuracy extract` first", file=sys.stderr)
        return 2
    for p in paths:
        _PERFORMED[p.name[: -len(".truth.json")]] = json.loads(p.read_text())["exercise"]
    results = run(paths, args.jobs, cuts)
    rows, tot = table_rows(results), totals(results)
    print(render_table(rows, tot))
    real = [] if args.no_realworld or args.only else evaluate_realworld()
    if not (args.no_realworld or args.only):
        print()
        print(render_realworld(real) if REALWORLD_DIR.exists() else f"real clips: {REALWORLD_DIR} not found")
    workouts = [] if args.only else evaluate_workouts()
    if workouts:
        print()
        print(render_workouts(workouts))
    if args.verbose:
        print("\nfailing cases:")
        for res in results:
            for run_ in res.runs:
                if not run_.ok:
                    print(f"  {run_.case_id} as {run_.analysed_as} ({run_.view}): {'; '.join(run_.problems)}")
            g = res.recognition
            if not g.correct:
                print(f"  {g.case_id} unnamed: recognised {g.got or 'unknown'}, expected {g.expected or 'unknown'}")
    seconds = time.perf_counter() - started
    if not args.only:
        from bench.accuracy.grid import cases

        missing = [c.id for c in cases() if not (CASES_DIR / f"{c.id}.truth.json").exists()]
        if missing:
            print(f"\n{len(missing)} declared case(s) not stored yet (run extract): {', '.join(missing[:8])}"
                  + (" ..." if len(missing) > 8 else ""))  # fmt: skip
    out = {"targets": TARGETS, "rows": rows, "totals": tot, "realworld": real, "workouts": workouts,
           "cases": case_details(results)}
    target = args.out or (OUT if not args.only else None)
    if target:
        write_text_atomic(target, json.dumps(out, indent=1) + "\n")
    print(f"\n{len(results)} cases replayed in {seconds:.0f} s" + (f"; wrote {target}" if target else ""))
    return 0

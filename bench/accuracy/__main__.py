"""Command line: ``python -m bench.accuracy [--verbose] [--only RE]`` and ``python -m bench.accuracy extract``."""

from __future__ import annotations

import argparse
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from bench.accuracy.extract import (
    REALWORLD_DIR,
    Extracted,
    extract_case,
    extract_clip,
    npz_path,
    realworld_cache_dir,
    realworld_clips,
    realworld_is_cached,
    truth_json_path,
)
from bench.accuracy.grid import Case, select


def _cost(case: Case) -> float:
    from tools.synth.timeline import build_timeline

    cfg = case.config
    return build_timeline(cfg).duration_s * cfg.fps * (1.0 + cfg.width * cfg.height / 640 / 480)


def _extract_job(job: tuple[Case, bool]) -> Extracted:
    return extract_case(*job)


def _line(res: Extracted) -> str:
    check = "" if res.verified is None else f"; replay == analyze: {res.verified} ({res.verify_note})"
    return (f"  {res.case_id}: {res.frames} frames, detected {res.detected:.0%}, render {res.render_cpu_s:.0f} s, "
            f"pose {res.pose_cpu_s:.0f} s CPU, {res.wall_s:.0f} s{check}")  # fmt: skip


def cmd_extract(args: argparse.Namespace) -> int:
    grid = [] if args.no_grid else select(args.only)
    stored = {c.id for c in grid if npz_path(c.id).exists() and truth_json_path(c.id).exists()}
    todo = [c for c in grid if args.force or c.id not in stored]
    # --verify checks the shortest cases; batch by batch (one case of every cell first), cheapest first: an
    # interrupted run leaves as many cases as it can (it resumes where it stopped)
    jobs = [(c, i < args.verify) for i, c in enumerate(sorted(todo, key=_cost))]
    jobs.sort(key=lambda j: (j[0].batch, _cost(j[0])))
    print(f"extracting {len(jobs)} case(s) with {args.jobs} process(es)", flush=True)
    # load everything before the workers fork, so a long run uses one version of the code throughout
    import bench.accuracy.replay  # noqa: F401
    import formcheck.perception.estimator  # noqa: F401
    import tools.synth.video  # noqa: F401

    started = time.perf_counter()
    results: list[Extracted] = []
    failed = 0
    if args.jobs > 1 and len(jobs) > 1:
        with Pool(args.jobs, maxtasksperchild=8) as pool:
            for res in pool.imap_unordered(_extract_job, jobs):
                results.append(res)
                print(_line(res), flush=True)
    else:
        for job in jobs:
            res = _extract_job(job)
            results.append(res)
            print(_line(res), flush=True)
    failed += sum(1 for r in results if r.verified is False)
    if results:
        render = sum(r.render_cpu_s for r in results)
        pose = sum(r.pose_cpu_s for r in results)
        frames = sum(r.frames for r in results)
        print(f"grid: {len(results)} cases, {frames} frames, CPU render {render:.0f} s + pose {pose:.0f} s, "
              f"wall {time.perf_counter() - started:.0f} s")  # fmt: skip
    if not args.no_realworld and REALWORLD_DIR.exists():
        clips = [c for c in realworld_clips() if args.force or not realworld_is_cached(c)]
        print(f"real clips: {len(clips)} to track into {realworld_cache_dir()}", flush=True)
        for clip in clips:
            print(_line(extract_clip(clip)), flush=True)
    return 1 if failed else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from bench.accuracy.evaluate import main as evaluate_main

    return evaluate_main(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__)
    p.add_argument("--only", metavar="RE", help="cases whose id matches this regular expression")
    p.add_argument("--verbose", "-v", action="store_true", help="list every failing case and why")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", type=Path, help="write the JSON here (default bench/accuracy.json)")
    p.add_argument("--no-realworld", action="store_true", help="skip the clips of ../shared/realworld")
    p.set_defaults(func=cmd_evaluate)
    sub = p.add_subparsers(dest="command")
    x = sub.add_parser("extract", help="render and track the cases not stored yet (slow, resumable)")
    x.add_argument("--only", metavar="RE", help="cases whose id matches this regular expression")
    x.add_argument("--jobs", type=int, default=2)
    x.add_argument("--force", action="store_true", help="redo cases already stored")
    x.add_argument("--verify", type=int, default=0, metavar="N",
                   help="for N cases, also run `formcheck analyze` on the video and compare its report")
    x.add_argument("--no-realworld", action="store_true", help="skip the clips of ../shared/realworld")
    x.add_argument("--no-grid", action="store_true", help="only the clips of ../shared/realworld")
    x.set_defaults(func=cmd_extract)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m tools.synth {samples,render,check,list}``."""

from __future__ import annotations

import argparse
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from tools.synth.config import VIEWS, SynthConfig
from tools.synth.exercises import EXERCISES
from tools.synth.samples import SAMPLES, sample
from tools.synth.timeline import build_timeline
from tools.synth.video import render

DEFAULT_OUT = Path("sample_videos")


def _render_sample(job: tuple[str, str, bool]) -> tuple[str, float, int]:
    name, out_dir, gz = job
    started = time.perf_counter()
    out = Path(out_dir) / f"{name}.mp4"
    render(sample(name), out, gzip_truth=gz)
    return name, time.perf_counter() - started, out.stat().st_size


def _cost(name: str) -> float:
    cfg = sample(name)
    return build_timeline(cfg).duration_s * cfg.fps * cfg.width * cfg.height


def cmd_samples(args: argparse.Namespace) -> int:
    from tools.synth.readme import write_readme

    names = args.only or list(SAMPLES)
    for name in names:
        sample(name)
    names.sort(key=_cost, reverse=True)  # longest first keeps both processes busy
    jobs = [(name, str(args.out), not args.plain_truth) for name in names]
    print(f"rendering {len(jobs)} sample(s) into {args.out} with {args.jobs} process(es)")
    if args.jobs > 1 and len(jobs) > 1:
        with Pool(args.jobs) as pool:
            results = pool.imap_unordered(_render_sample, jobs)
            for name, seconds, size in results:
                print(f"  {name}: {seconds:.0f} s, {size / 1e6:.2f} MB", flush=True)
    else:
        for job in jobs:
            name, seconds, size = _render_sample(job)
            print(f"  {name}: {seconds:.0f} s, {size / 1e6:.2f} MB", flush=True)
    write_readme(args.out)
    return 0


def _faults(text: str | None, reps: int) -> tuple[tuple[str, ...], ...]:
    """'a,b;;c' -> per-rep fault tuples; a single group without ';' applies to every rep."""
    if not text:
        return ()
    groups = [tuple(f for f in g.split(",") if f) for g in text.split(";")]
    return tuple(groups * reps) if ";" not in text else tuple(groups)


def cmd_render(args: argparse.Namespace) -> int:
    width, height = (int(v) for v in args.size.lower().split("x"))
    cfg = SynthConfig(
        exercise=args.exercise,
        reps=args.reps,
        faults=_faults(args.faults, args.reps),
        set_faults=tuple(f for f in (args.set_faults or "").split(",") if f),
        first_side=args.first_side,
        tempo_up_s=args.tempo_up,
        tempo_down_s=args.tempo_down,
        rest_s=args.rest,
        hold_s=args.hold,
        view=args.view,
        camera_side=args.camera_side,
        yaw_deg=args.yaw,
        distance_m=args.distance,
        camera_height_m=args.camera_height,
        fps=args.fps,
        width=width,
        height=height,
        body_height_m=args.body_height,
        girth=args.girth,
        seed=args.seed,
        short_range=args.short_range,
        setup_s=args.setup,
        opens_mid_rep=args.opens_mid_rep,
        leave=args.leave,
        fixed_camera=args.fixed_camera,
        **{
            k: getattr(args, k)
            for k in ("skin", "shirt", "shorts", "hair", "shoes", "background", "floor")
            if getattr(args, k)
        },
    )
    started = time.perf_counter()
    truth = render(cfg, args.out, gzip_truth=args.gzip)
    seconds = time.perf_counter() - started
    print(f"{args.out}: {truth['video']['frames']} frames, {truth['rep_count']} reps, {seconds:.0f} s")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from formcheck.perception.model import resolve_model
    from tools.synth.check import evaluate_video

    model = resolve_model().path
    for video in args.videos:
        res = evaluate_video(video, model, args.step)
        print(
            f"{video.name}: detected {res.detection_rate:.1%} of {res.frames} frames, near-side error "
            f"mean {res.mean_error:.3f} p95 {res.p95_error:.3f} torso lengths (worst {res.worst_joint})"
        )
    return 0


def cmd_workout(args: argparse.Namespace) -> int:
    from tools.synth.workout import WORKOUTS, render_workout

    for name in args.only or list(WORKOUTS):
        started = time.perf_counter()
        out = Path(args.out) / f"{name}.mp4"
        truth = render_workout(WORKOUTS[name], out, jobs=args.jobs)
        sets = ", ".join(f"{s['exercise']} {s['reps']}" for s in truth["sets"])
        print(f"{out}: {truth['frames']} frames, {sets}; {out.stat().st_size / 1e6:.2f} MB, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    from tools.synth.readme import write_readme

    write_readme(args.out)
    return 0


def cmd_list(_: argparse.Namespace) -> int:
    for spec in EXERCISES.values():
        extra = f"; set faults: {', '.join(spec.set_faults)}" if spec.set_faults else ""
        print(f"{spec.id} (default view {spec.view}): faults {', '.join(spec.fault_ids)}{extra}")
    print("samples:", ", ".join(SAMPLES))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.synth", description="Synthetic exercise videos with ground truth."
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("samples", help="render the sample videos of the manifest")
    s.add_argument("--out", type=Path, default=DEFAULT_OUT)
    s.add_argument("--only", action="append", metavar="NAME", help="render just this sample (repeatable)")
    s.add_argument("--jobs", type=int, default=2)
    s.add_argument("--plain-truth", action="store_true", help="write .truth.json instead of .truth.json.gz")
    s.set_defaults(func=cmd_samples)
    w = sub.add_parser("workout", help="render the workout samples (several sets in one H.264 video)")
    w.add_argument("--out", type=Path, default=DEFAULT_OUT)
    w.add_argument("--only", action="append", metavar="NAME", help="render just this workout (repeatable)")
    w.add_argument("--jobs", type=int, default=2)
    w.set_defaults(func=cmd_workout)
    r = sub.add_parser("render", help="render one custom video")
    r.add_argument("--exercise", required=True, choices=sorted(EXERCISES))
    r.add_argument("--reps", type=int, default=10)
    r.add_argument("--faults", help="fault ids: 'a,b' for every rep, or per rep 'a,b;;c' (empty = clean rep)")
    r.add_argument("--set-faults", help="comma-separated set-level faults, e.g. switch_sides")
    r.add_argument("--first-side", choices=("left", "right"), default="right")
    r.add_argument("--tempo-up", type=float)
    r.add_argument("--tempo-down", type=float)
    r.add_argument("--rest", type=float)
    r.add_argument("--hold", type=float)
    r.add_argument("--view", choices=VIEWS)
    r.add_argument("--camera-side", choices=("left", "right"), default="right")
    r.add_argument("--yaw", type=float, help="camera yaw in degrees (0 = front, +90 = athlete's left)")
    r.add_argument("--distance", type=float, help="camera distance in metres (default: fit the athlete)")
    r.add_argument("--camera-height", type=float)
    r.add_argument("--fps", type=float, default=30.0)
    r.add_argument("--size", default="640x480")
    r.add_argument("--body-height", type=float, default=1.75)
    r.add_argument("--girth", type=float, default=1.0)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--short-range", type=float, default=0.55, help="range fraction reached by 'short' reps")
    r.add_argument("--setup", type=float, default=0.0, help="seconds of getting into position before the set")
    r.add_argument("--opens-mid-rep", action="store_true", help="the clip opens at the top of an earlier rep")
    r.add_argument("--leave", choices=("walk", "cut"), default="", help="walk out of the picture after the set "
                   "(cut: the clip ends on the way)")
    r.add_argument("--fixed-camera", action="store_true", help="one-arm row: the camera stays when sides switch")
    for colour in ("skin", "shirt", "shorts", "hair", "shoes", "background", "floor"):
        r.add_argument(f"--{colour}", help="#RRGGBB")
    r.add_argument("--gzip", action="store_true", help="gzip the truth JSON")
    r.add_argument("--out", type=Path, required=True)
    r.set_defaults(func=cmd_render)
    c = sub.add_parser("check", help="measure MediaPipe detection and landmark error against the truth")
    c.add_argument("videos", type=Path, nargs="+")
    c.add_argument("--step", type=int, default=3, help="check every n-th frame")
    c.set_defaults(func=cmd_check)
    ls = sub.add_parser("list", help="list exercises, fault ids and samples")
    ls.set_defaults(func=cmd_list)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark formcheck against bare MediaPipe: overhead, throughput, memory, live latency and start-up.

Run from the repository root: `.venv/bin/python bench/run.py` (see bench/README.md). Prints a table and writes
bench/results.json. Every measurement runs in a fresh subprocess (bench/child.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table

from bench import media
from bench.stats import Target, growth_mb, median, percentile, ratio, realtime_multiple, verdict

ROW_GROUPS = ("overhead", "lite", "memory", "live", "startup")
BENCH_DIR = Path(__file__).resolve().parent
CHILD = BENCH_DIR / "child.py"
TARGETS = {
    "overhead": Target(1.10),
    "overhead_annotate": Target(1.35),
    "throughput_full": Target(1.5, at_most=False),
    "peak_rss": Target(400.0),
    "rss_growth": Target(10.0),  # "no growth with length", beyond run-to-run noise
    "startup": Target(1.5),
}


@dataclass
class Row:
    """One line of the table (and of results.json)."""

    key: str
    measure: str
    value: float | None
    unit: str
    target: str
    met: bool | None
    notes: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChildRun:
    """What a child process printed, and its ru_maxrss as wait4 counted it.

    ru_maxrss survives fork and exec, so it is at least the parent's RSS at spawn time: the children report their
    own high-water mark (VmHWM, which starts afresh at exec) as ``result["peak_rss_mb"]``, and that is what counts.
    """

    result: dict[str, Any]
    maxrss_mb: float
    wall_s: float


class ChildFailed(RuntimeError):
    """A benchmark subprocess exited with an error."""


def run_child(workload: str, args: dict[str, Any], prefix: tuple[str, ...] = ()) -> ChildRun:
    """Run one workload of bench/child.py in a fresh interpreter; peak RSS from wait4's rusage (ru_maxrss)."""
    command = [*prefix, sys.executable, str(CHILD), workload, json.dumps(args)]
    # bytecode caching on, as on a user's machine (this sandbox sets PYTHONDONTWRITEBYTECODE=1, which would make
    # every run recompile formcheck's own modules); __pycache__ is git-ignored
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=BENCH_DIR.parent)
        assert proc.stdout is not None
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        lines = output.decode(errors="replace").strip().splitlines()
        if proc.returncode != 0 or not lines:
            stderr.seek(0)
            tail = stderr.read().decode(errors="replace").strip().splitlines()[-3:]
            raise ChildFailed(f"{workload} exited with {proc.returncode}: {' | '.join(tail)}")
    return ChildRun(json.loads(lines[-1]), usage.ru_maxrss / 1024.0, wall)


def video_seconds(path: Path) -> tuple[float, int]:
    """Duration and frame count of a video."""
    import cv2

    capture = cv2.VideoCapture(str(path))
    fps = float(capture.get(cv2.CAP_PROP_FPS) or media.FPS)
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    capture.release()
    return count / fps, count


# -- rows ------------------------------------------------------------------------------------------------
def measure_overhead(clip: media.Clip, video: Path, work: Path, rounds: int, console: Console) -> list[Row]:
    """Alternate bare / ours / ours+annotate runs on the same frames; ratios of the medians."""
    can_annotate, why_not = True, ""
    report = str(work / "overhead.json")
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "ours": [], "annotate": []}
    for index in range(rounds):
        console.log(f"overhead round {index + 1}/{rounds}")
        runs["bare"].append(run_child("bare", {"video": str(video)}).result)
        runs["ours"].append(run_child("analyze", {"video": str(video), "exercise": clip.exercise,
                                                  "reports": [report]}).result)  # fmt: skip
        if can_annotate:
            annotated = work / "annotated.mp4"
            annotated.unlink(missing_ok=True)
            try:
                result = run_child("analyze", {"video": str(video), "exercise": clip.exercise, "reports": [report],
                                               "annotate": str(annotated)}).result  # fmt: skip
            except ChildFailed as error:
                can_annotate, why_not = False, f"--annotate failed ({error})"
                continue
            if not annotated.is_file():
                can_annotate, why_not = False, "--annotate ran but wrote no video"
                continue
            runs["annotate"].append(result)
    duration, frames = video_seconds(video)
    bare_s = median([r["wall_s"] for r in runs["bare"]])
    ours_s = median([r["wall_s"] for r in runs["ours"]])
    inference_ms = median([r["inference_ms"] for r in runs["bare"]])
    common = {"video": str(video), "source_clip": str(clip.path), "exercise": clip.exercise, "frames": frames,
              "video_s": round(duration, 3), "bare_wall_s": [round(r["wall_s"], 3) for r in runs["bare"]],
              "inference_ms_median": round(inference_ms, 2)}  # fmt: skip
    cpu_ratio = ratio(median([r["cpu_s"] for r in runs["ours"]]), median([r["cpu_s"] for r in runs["bare"]]))
    common["bare_cpu_s"] = [round(r["cpu_s"], 3) for r in runs["bare"]]
    rows = []
    value = ratio(ours_s, bare_s)
    rows.append(Row("overhead", "overhead: analyze / bare MediaPipe", value, "x", TARGETS["overhead"].describe("x"),
                    TARGETS["overhead"].met(value),
                    f"median of {rounds} alternating runs, {frames} frames 640x480; bare {bare_s:.2f} s, "
                    f"ours {ours_s:.2f} s (JSON report); CPU-time ratio {cpu_ratio:.3f}",
                    {**common, "ours_wall_s": [round(r["wall_s"], 3) for r in runs["ours"]],
                     "ours_cpu_s": [round(r["cpu_s"], 3) for r in runs["ours"]], "cpu_ratio": round(cpu_ratio, 4),
                     "round_ratios": [round(o["wall_s"] / b["wall_s"], 3)
                                      for o, b in zip(runs["ours"], runs["bare"], strict=True)]}))  # fmt: skip
    if runs["annotate"] and can_annotate:
        ann_s = median([r["wall_s"] for r in runs["annotate"]])
        value = ratio(ann_s, bare_s)
        ann_cpu = ratio(median([r["cpu_s"] for r in runs["annotate"]]), median([r["cpu_s"] for r in runs["bare"]]))
        rows.append(Row("overhead_annotate", "overhead with --annotate", value, "x",
                        TARGETS["overhead_annotate"].describe("x"), TARGETS["overhead_annotate"].met(value),
                        f"median of {len(runs['annotate'])} runs; ours {ann_s:.2f} s; CPU-time ratio {ann_cpu:.3f}",
                        {**common, "annotate_wall_s": [round(r["wall_s"], 3) for r in runs["annotate"]],
                         "annotate_cpu_s": [round(r["cpu_s"], 3) for r in runs["annotate"]],
                         "cpu_ratio": round(ann_cpu, 4)}))  # fmt: skip
    else:
        rows.append(Row("overhead_annotate", "overhead with --annotate", None, "x",
                        TARGETS["overhead_annotate"].describe("x"), None, f"not available: {why_not}"))
    full = realtime_multiple(duration, ours_s)
    rows.append(Row("throughput_full", "throughput, full model (640x480 30 fps)", full, "x real time",
                    TARGETS["throughput_full"].describe("x"), TARGETS["throughput_full"].met(full),
                    f"from the overhead runs; bare MediaPipe alone {realtime_multiple(duration, bare_s):.2f}x, "
                    f"median inference {inference_ms:.1f} ms/frame", common))  # fmt: skip
    return rows


def measure_lite(clip: media.Clip, video: Path, work: Path) -> Row:
    """Throughput with the lite model, or why it cannot be had."""
    from formcheck.errors import FormcheckError
    from formcheck.perception.model import resolve_model

    try:
        resolve_model("lite")
    except FormcheckError as error:
        return Row("throughput_lite", "throughput, lite model (640x480 30 fps)", None, "x real time", "-", None,
                   f"unavailable: {str(error).split(';')[0]}")  # fmt: skip
    duration, _ = video_seconds(video)
    args = {"video": str(video), "exercise": clip.exercise, "model": "lite", "reports": [str(work / "lite.json")]}
    walls = [run_child("analyze", args).result["wall_s"] for _ in range(2)]
    value = realtime_multiple(duration, median(walls))
    return Row("throughput_lite", "throughput, lite model (640x480 30 fps)", value, "x real time", "-", None,
               f"median of {len(walls)} runs")


def measure_memory(clip: media.Clip, short: Path, long: Path, work: Path, stride: int, console: Console) -> list[Row]:
    """Peak RSS of analyze on a short and a long looped video (the long one with MediaPipe on every n-th frame)."""
    short_min, long_min = video_seconds(short)[0] / 60, video_seconds(long)[0] / 60
    report = [str(work / "memory.json"), str(work / "memory.html")]
    results = {}
    plan = (("short_full", short, 1), ("short_strided", short, stride), ("long_strided", long, stride))
    for name, video, step in plan:
        console.log(f"memory: {video.name}, MediaPipe on every {step} frame(s)")
        run = run_child("analyze", {"video": str(video), "exercise": clip.exercise, "reports": report, "stride": step})
        results[name] = {"video": str(video), "stride": step, "peak_rss_mb": round(run.result["peak_rss_mb"], 1),
                         "ru_maxrss_mb": round(run.maxrss_mb, 1), "wall_s": round(run.result["wall_s"], 2),
                         "frames": run.result["frames"], "reps": run.result["reps"]}  # fmt: skip
    peak = max(r["peak_rss_mb"] for r in results.values())
    growth = growth_mb(results["short_strided"]["peak_rss_mb"], results["long_strided"]["peak_rss_mb"])
    short_label, long_label = f"{short_min:g}-min", f"{long_min:g}-min"
    return [
        Row("peak_rss", f"peak RSS, analyze {short_label} / {long_label} video", peak, "MB",
            TARGETS["peak_rss"].describe(" MB"), TARGETS["peak_rss"].met(peak),
            f"{short_label}: {results['short_full']['peak_rss_mb']:.0f} MB (every frame), "
            f"{long_label}: {results['long_strided']['peak_rss_mb']:.0f} MB (MediaPipe on every {stride}th frame, "
            "pose repeated between; decode, analysis and JSON+HTML reports on every frame)", results),
        Row("rss_growth", f"peak RSS growth {short_label} -> {long_label}", growth, "MB",
            TARGETS["rss_growth"].describe(" MB"), TARGETS["rss_growth"].met(growth),
            f"same stride ({stride}) on both lengths; {results['short_strided']['reps']} -> "
            f"{results['long_strided']['reps']} reps counted", results),
    ]  # fmt: skip


def display_prefix() -> tuple[tuple[str, ...] | None, str]:
    """How to give the live window a screen: the real one, a virtual X server (xvfb-run), or none."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return (), "on this display"
    if shutil.which("xvfb-run"):
        return ("xvfb-run", "-a", "-s", "-screen 0 1280x800x24"), "window on a virtual X server (xvfb-run)"
    return None, "no display and no xvfb-run (apt-get install xvfb)"


def measure_live(clip: media.Clip, video: Path, work: Path) -> Row:
    """Capture-to-display latency of `formcheck live --camera FILE` as its session measures it."""
    name, unit, target_text = "live: capture-to-display latency p95", "ms", "<= inference + 15 ms"
    if not (BENCH_DIR.parent / "formcheck" / "commands" / "live.py").is_file():
        return Row("live_latency", name, None, unit, target_text, None, "not available: formcheck live is not there")
    prefix, how = display_prefix()
    if prefix is None:
        return Row("live_latency", name, None, unit, target_text, None, f"not available: {how}")
    try:
        result = run_child("live", {"video": str(video), "exercise": clip.exercise,
                                    "report": str(work / "live.json")}, prefix).result  # fmt: skip
    except ChildFailed as error:
        return Row("live_latency", name, None, unit, target_text, None, f"not available: {error}")
    latencies = result.pop("latency_ms", [])
    if not latencies:
        return Row("live_latency", name, None, unit, target_text, None, "not available: no frame was displayed")
    p50, p95 = median(latencies), percentile(latencies, 95)
    target = Target(round(result["inference_ms"] + 15.0, 1))
    notes = (f"median {p50:.1f} ms over {len(latencies)} shown frames ({result.get('dropped', '?')} of "
             f"{result.get('grabbed', '?')} dropped to keep up); inference median {result['inference_ms']:.1f}, p95 "
             f"{result['inference_p95_ms']:.1f} ms; waiting for the analysis median {result['wait_ms']:.1f}, p95 "
             f"{result['wait_p95_ms']:.1f} ms; {how}")  # fmt: skip
    details = {"median_ms": round(p50, 2), "p95_ms": round(p95, 2), "max_ms": round(max(latencies), 2), **result}
    return Row("live_latency", name, p95, unit, target.describe(" ms"), target.met(p95), notes, details)


def measure_startup(clip: media.Clip, video: Path, runs: int, console: Console) -> Row:
    """Fresh `formcheck analyze` until the first frame's pose exists (model cached; one warm-up run first)."""
    args = {"video": str(video), "exercise": clip.exercise}
    samples = []
    for index in range(runs + 1):
        console.log(f"start-up run {index + 1}/{runs + 1}" + (" (warm-up, not counted)" if index == 0 else ""))
        spawned = time.time()
        stamps = run_child("startup", args).result
        if index:
            samples.append({name: round(stamp - spawned, 3) for name, stamp in stamps.items()})
    total = median([s["first_pose"] for s in samples])
    middle = sorted(samples, key=lambda s: s["first_pose"])[len(samples) // 2]
    phases = {
        "interpreter_s": middle["process_started"],
        "imports_s": round(middle["mediapipe_imported"] - middle["process_started"], 3),
        "cli_to_model_s": round(middle["model_load_started"] - middle["mediapipe_imported"], 3),
        "model_load_s": round(middle["model_loaded"] - middle["model_load_started"], 3),
        "first_frame_s": round(middle["first_pose"] - middle["model_loaded"], 3),
    }
    notes = ", ".join(f"{k.removesuffix('_s')} {v:.2f}" for k, v in phases.items())
    return Row("startup", "start-up to first analysed frame", total, "s", TARGETS["startup"].describe(" s"),
               TARGETS["startup"].met(total), f"median of {runs}; {notes}", {"phases_s": phases, "runs": samples})


# -- report ----------------------------------------------------------------------------------------------
def render(rows: list[Row], console: Console) -> None:
    """The results table."""
    table = Table(title="formcheck vs bare MediaPipe", title_justify="left")
    for column in ("measure", "value", "target", "", "notes"):
        table.add_column(column, overflow="fold")
    for row in rows:
        value = "-" if row.value is None else f"{row.value:.2f} {row.unit}"
        style = {True: "green", False: "bold red", None: "dim"}[row.met]
        table.add_row(row.measure, value, row.target, f"[{style}]{verdict(row.met)}[/{style}]", row.notes)
    console.print(table)


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    import cv2
    import mediapipe

    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "mediapipe": mediapipe.__version__, "opencv": cv2.__version__,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating bare/ours rounds for the overhead row")
    parser.add_argument("--overhead-seconds", type=float, default=10.0, help="length of the overhead video")
    parser.add_argument("--short-minutes", type=float, default=1.0)
    parser.add_argument("--long-minutes", type=float, default=10.0)
    parser.add_argument("--stride", type=int, default=6, help="MediaPipe on every n-th frame for the memory runs")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None, choices=ROW_GROUPS, help="run only these rows")
    parser.add_argument("--workdir", type=Path, default=None, help="keep generated videos here (reused next time)")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--profile", type=Path, default=None,
                        help="also cProfile one analyze run of the overhead video into this file")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="tiny lengths and 1 round: checks the bench works")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.overhead_seconds, args.short_minutes, args.long_minutes = 1, 3.0, 0.1, 0.3
        args.startup_runs, args.stride = 1, 2
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=160)
    started = time.perf_counter()
    from formcheck.rules.loader import load_all

    clip = media.pick_source(list(load_all()))
    console.log(f"source clip: {clip.path} ({clip.exercise})")
    info = machine_info()
    with tempfile.TemporaryDirectory(prefix="formcheck-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        wanted = set(args.only or ROW_GROUPS)
        frames = media.load_frames(clip.path)
        console.log(f"writing the videos into {work}")
        overhead_video = media.looped_clip(frames, args.overhead_seconds, work, clip.path.stem)
        if "memory" in wanted:
            short, long = (media.looped_clip(frames, m * 60, work, clip.path.stem)
                           for m in (args.short_minutes, args.long_minutes))  # fmt: skip
        del frames  # the children's memory is theirs; keep the parent small anyway
        rows: list[Row] = []
        if "overhead" in wanted:
            rows += measure_overhead(clip, overhead_video, work, args.rounds, console)
        if args.profile:
            console.log(f"profiling analyze into {args.profile}")
            profiled = {"video": str(overhead_video), "exercise": clip.exercise, "reports": [str(work / "p.json")]}
            run_child("analyze", {**profiled, "profile": str(args.profile.resolve())})
        if "lite" in wanted:
            rows.append(measure_lite(clip, overhead_video, work))
        if "memory" in wanted:
            rows += measure_memory(clip, short, long, work, args.stride, console)
        if "live" in wanted:
            rows.append(measure_live(clip, overhead_video, work))
        if "startup" in wanted:
            rows.append(measure_startup(clip, overhead_video, args.startup_runs, console))
    elapsed = time.perf_counter() - started
    render(rows, console)
    console.print(f"bench took {elapsed:.0f} s; results in {args.output}")
    results = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "bench_seconds": round(elapsed, 1),
               "machine": info, "source_clip": str(clip.path), "exercise": clip.exercise,
               "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
               "rows": [asdict(row) for row in rows]}  # fmt: skip
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(row.met is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

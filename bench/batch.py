"""Benchmark `formcheck batch`: videos per hour with --jobs 1 and --jobs 2, the Ray engine against the local one,
a rerun with nothing to do, and the driver's cost of rewriting the summary as a cohort grows.

Run from the repository root: `.venv/bin/python bench/batch.py` (see bench/README.md). Prints a table and writes
bench/batch_results.json. Every batch is a fresh `python -m formcheck batch ... --force` (start-up, spawning the
workers and loading the model included, as a user sees it); the Ray runs go to a local Ray head with 2 CPUs that
this script starts once (`--address` of that head: the cluster exists before the batch, as on a real cluster).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
from rich.console import Console
from rich.table import Table

from bench.stats import median

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "batch_results.json"
SUMMARY_SIZES = (100, 1000, 10000)


def video_seconds(videos: list[Path]) -> float:
    """Total length of the videos, from their frame counts and rates."""
    total = 0.0
    for video in videos:
        capture = cv2.VideoCapture(str(video))
        total += capture.get(cv2.CAP_PROP_FRAME_COUNT) / (capture.get(cv2.CAP_PROP_FPS) or 30.0)
        capture.release()
    return total


def quick_videos(folder: Path, samples: list[Path], frames: int = 60) -> list[Path]:
    """The first ``frames`` frames of two samples (numbers meaningless: only checks the bench works)."""
    out = []
    for sample in samples[:2]:
        capture = cv2.VideoCapture(str(sample))
        fps, writer = capture.get(cv2.CAP_PROP_FPS), None
        for _ in range(frames):
            ok, image = capture.read()
            if not ok:
                break
            if writer is None:
                size = (image.shape[1], image.shape[0])
                writer = cv2.VideoWriter(str(folder / sample.name), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
            writer.write(image)
        capture.release()
        if writer is not None:
            writer.release()
            out.append(folder / sample.name)
    return out


def run_batch(videos: list[Path], out: Path, *args: str) -> dict[str, Any]:
    """One `formcheck batch` in a fresh interpreter: wall time, CPU time of it and its workers, its result line."""
    command = [sys.executable, "-m", "formcheck", "batch", *map(str, videos), "--out", str(out), *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in done.stderr.splitlines() if " videos: " in line]
    if done.returncode not in (0, 1) or not lines:
        raise RuntimeError(f"batch failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "result": lines[-1].strip(), "exit": done.returncode}


def summary_costs(rows: list[dict[str, Any]], work: Path) -> dict[int, float]:
    """Seconds to write summary.csv + .parquet + .html of n rows (the driver's O(n) cost per rewrite)."""
    from formcheck.batch.summary import write_summary

    costs = {}
    for size in SUMMARY_SIZES:
        many = [{**rows[i % len(rows)], "video": f"v{i}.mp4"} for i in range(size)]
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            write_summary(work, many)
            timings.append(time.perf_counter() - start)
        costs[size] = round(median(timings), 4)
    return costs


def start_ray_head(cpus: int) -> Any:
    import ray

    ray.init(address="local", num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    return ray


def measure(videos: list[Path], work: Path, rounds: int, use_ray: bool, console: Console) -> dict[str, Any]:
    """Run the batches (alternating jobs 1, jobs 2, ray per round), a rerun, and the summary-cost rows."""
    ray = start_ray_head(2) if use_ray else None
    engines = {"jobs1": ["--jobs", "1"], "jobs2": ["--jobs", "2"]}
    if ray:
        engines["ray"] = ["--engine", "ray", "--address", ray.get_runtime_context().gcs_address]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in engines}
    try:
        for round_ in range(rounds):
            for name, extra in engines.items():
                run = run_batch(videos, work / name, *extra, "--force")
                runs[name].append(run)
                console.print(f"round {round_ + 1} {name}: {run['wall_s']:.1f} s ({run['result']})")
    finally:
        if ray:
            ray.shutdown()
    rerun = run_batch(videos, work / "jobs2", "--jobs", "2")
    console.print(f"rerun with nothing to do: {rerun['wall_s']:.1f} s ({rerun['result']})")
    summaries = {name: (work / name / "summary.csv").read_text(encoding="utf-8") for name in engines}
    import pyarrow.parquet as pq

    rows = pq.read_table(work / "jobs2" / "summary.parquet").to_pylist()  # typed, as the driver holds them
    return {
        "runs": runs, "rerun": rerun, "walls_s": {name: median([r["wall_s"] for r in runs[name]]) for name in runs},
        "same_summary": {name: text == summaries["jobs1"] for name, text in summaries.items()},
        "summary_write_s": summary_costs(rows, work / "summary_cost"),
    }  # fmt: skip


def render(results: dict[str, Any], console: Console) -> None:
    table = Table(title=f"formcheck batch: {results['videos']} videos, {results['video_seconds']:.0f} s of video")
    for column in ("measure", "value", "notes"):
        table.add_column(column)
    walls, same = results["walls_s"], results["same_summary"]
    for name, wall in walls.items():
        cpu = median([r["cpu_s"] for r in results["runs"][name]])
        cpu_note = f", {cpu:.0f} s CPU" if name != "ray" else " (CPU in the Ray workers not counted)"
        table.add_row(f"videos per hour, {name}", f"{results['videos_per_hour'][name]:.0f}",
                      f"{results['realtime'][name]:.2f}x real time; {wall:.1f} s wall{cpu_note}")  # fmt: skip
    if "jobs2" in walls:
        table.add_row("speed-up jobs 2 / jobs 1", f"{walls['jobs1'] / walls['jobs2']:.2f}x",
                      f"same summary: {same['jobs2']}")  # fmt: skip
    if "ray" in walls:
        table.add_row("Ray engine / local jobs 2 (wall)", f"{walls['ray'] / walls['jobs2']:.2f}x",
                      f"same summary: {same['ray']}")  # fmt: skip
    table.add_row("rerun, nothing to do", f"{results['rerun']['wall_s']:.1f} s", results["rerun"]["result"])
    for size, cost in results["summary_write_s"].items():
        table.add_row(f"summary rewrite, {size} rows", f"{1000 * cost:.0f} ms", "csv + parquet + html")
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two 2 s clips: checks the bench works")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of jobs 1 / jobs 2 / ray (median)")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    args = parser.parse_args(argv)
    console = Console()
    samples = sorted((REPO / "sample_videos").glob("*.mp4"))
    work = Path(tempfile.mkdtemp(prefix="formcheck-bench-batch-"))
    try:
        videos = quick_videos(work, samples) if args.quick else samples
        seconds = video_seconds(videos)
        load = os.getloadavg()[0]
        console.print(f"{len(videos)} videos, {seconds:.0f} s of video; load average {load:.1f}")
        results = measure(videos, work, args.rounds, not args.no_ray, console)
        walls = results["walls_s"]
        results |= {
            "date": time.strftime("%Y-%m-%d"), "videos": len(videos), "video_seconds": round(seconds, 1),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "load_average": [round(load, 1), round(os.getloadavg()[0], 1)]},
            "videos_per_hour": {name: round(len(videos) * 3600 / wall, 1) for name, wall in walls.items()},
            "realtime": {name: round(seconds / wall, 2) for name, wall in walls.items()},
        }  # fmt: skip
        render(results, console)
        if not args.quick:
            RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

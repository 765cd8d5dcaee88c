"""Workloads the benchmark runs in fresh subprocesses: `python bench/child.py WORKLOAD 'JSON args'`.

Each prints one JSON object on its last stdout line. Times are wall-clock (time.perf_counter) and exclude the
interpreter and import start-up, except in ``startup``, which reports absolute ``time.time()`` stamps.
"""

from __future__ import annotations

import time

STARTED_AT = time.time()  # before any import, for the start-up workload

import dataclasses  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def bare(video: str) -> dict[str, Any]:
    """Decode with cv2.VideoCapture and run PoseLandmarker exactly as formcheck's estimator configures it."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from formcheck.perception.model import resolve_model

    start, cpu = time.perf_counter(), time.process_time()
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model().path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=2,
        min_pose_detection_confidence=0.5,
        min_pose_presence_confidence=0.5,
        min_tracking_confidence=0.5,
    )
    landmarker = vision.PoseLandmarker.create_from_options(options)
    capture = cv2.VideoCapture(video)
    frames, last_ms, inference = 0, -1, []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        stamp = max(last_ms + 1, round(capture.get(cv2.CAP_PROP_POS_MSEC)))
        last_ms = stamp
        rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        before = time.perf_counter()
        landmarker.detect_for_video(rgb, stamp)
        inference.append(time.perf_counter() - before)
        frames += 1
    capture.release()
    landmarker.close()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    inference.sort()
    return {"wall_s": wall, "cpu_s": cpu, "frames": frames, "inference_ms": 1000 * inference[len(inference) // 2],
            "peak_rss_mb": _peak_rss_mb()}  # fmt: skip


def _subsample_estimator(stride: int) -> None:
    """Make PoseEstimator run MediaPipe on every ``stride``-th frame only, repeating that pose in between."""
    from formcheck.perception import estimator

    real_detect = estimator.PoseEstimator.detect

    def detect(self: Any, frame_bgr: Any, timestamp_ms: int) -> Any:
        count = getattr(self, "_bench_count", 0)
        self._bench_count = count + 1
        if count % stride == 0:
            self._bench_last = real_detect(self, frame_bgr, timestamp_ms)
            return self._bench_last
        return dataclasses.replace(self._bench_last, timestamp_ms=timestamp_ms)

    estimator.PoseEstimator.detect = detect


def analyze(video: str, exercise: str, reports: list[str], annotate: str | None = None, stride: int = 1,
            model: str | None = None, profile: str | None = None) -> dict[str, Any]:  # fmt: skip
    """`formcheck analyze` in-process (the CLI minus its start-up): pipeline, reports and optional annotation."""
    import contextlib
    import importlib

    import formcheck.commands.analyze
    import formcheck.perception.estimator  # noqa: F401 - both imported before the clock starts, as the CLI has them by then
    from formcheck.cli import app

    with contextlib.suppress(ImportError):  # what typer imports to parse arguments (pydantic): CLI start-up
        importlib.import_module("typer._adapters")

    if stride > 1:
        _subsample_estimator(stride)
    args = ["analyze", video, "--exercise", exercise]
    for report in reports:
        args += ["--report", report]
    if annotate:
        args += ["--annotate", annotate]
    if model:
        args += ["--model", model]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start, cpu = time.perf_counter(), time.process_time()
    app(args, standalone_mode=False)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        _write_profile(profiler, Path(profile))
    frames = reps = None
    json_reports = [r for r in reports if r.endswith(".json")]
    if json_reports:
        report = json.loads(Path(json_reports[0]).read_text(encoding="utf-8"))
        frames, reps = report.get("source", {}).get("frames"), report.get("rep_count")
    return {"wall_s": wall, "cpu_s": cpu, "frames": frames, "reps": reps, "peak_rss_mb": _peak_rss_mb()}


def _write_profile(profiler: Any, path: Path) -> None:
    """The functions that took the most time, by own time and by cumulative time."""
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)
    path.write_text(out.getvalue(), encoding="utf-8")


def startup(video: str, exercise: str) -> dict[str, Any]:
    """Run the CLI until the first frame's pose exists; report when imports, model and first pose were done."""
    stamps: dict[str, float] = {"process_started": STARTED_AT}
    from formcheck.perception import estimator

    stamps["mediapipe_imported"] = time.time()
    real_init, real_detect = estimator.PoseEstimator.__init__, estimator.PoseEstimator.detect

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        stamps["model_load_started"] = time.time()
        real_init(self, *args, **kwargs)
        stamps["model_loaded"] = time.time()

    def detect(self: Any, *args: Any) -> Any:
        pose = real_detect(self, *args)
        stamps["first_pose"] = time.time()
        print(json.dumps(stamps), flush=True)
        os._exit(0)
        return pose

    estimator.PoseEstimator.__init__, estimator.PoseEstimator.detect = init, detect
    from formcheck.cli import main

    sys.argv = ["formcheck", "analyze", video, "--exercise", exercise, "--quiet"]
    main()
    raise RuntimeError("the analysis ended without analysing a frame")


def live(video: str, exercise: str, report: str) -> dict[str, Any]:
    """`formcheck live --camera VIDEO` (needs a display): the session's own capture-to-display latencies."""
    from mediapipe.tasks.python.vision import PoseLandmarker

    import formcheck.commands.live as live_command
    from formcheck.cli import app

    seen: dict[str, Any] = {}
    inference: list[float] = []
    waits: list[float] = []  # from the grab to the analysis taking the frame
    real_detect, real_finish = PoseLandmarker.detect_for_video, live_command.LiveSession.finish
    real_pose = live_command.LiveSession._pose

    def pose(self: Any, frame: Any) -> Any:
        waits.append(1000 * (time.monotonic() - self.grabber.captured_at))
        return real_pose(self, frame)

    def detect_for_video(self: Any, *args: Any, **kwargs: Any) -> Any:
        before = time.perf_counter()
        result = real_detect(self, *args, **kwargs)
        inference.append(1000 * (time.perf_counter() - before))
        return result

    def finish(self: Any, outcome: Any) -> Any:
        seen.update(latency_ms=list(self.stats.latencies_ms), analysed=self.stats.analysed,
                    grabbed=self.grabber.grabbed, dropped=self.grabber.dropped, reason=outcome.reason)  # fmt: skip
        return real_finish(self, outcome)

    PoseLandmarker.detect_for_video, live_command.LiveSession.finish = detect_for_video, finish
    live_command.LiveSession._pose = pose
    app(["live", "--camera", video, "--exercise", exercise, "--report", report, "--linger", "0"], standalone_mode=False)
    return {**seen, "inference_ms": _median(inference), "inference_p95_ms": _p95(inference),
            "wait_ms": _median(waits), "wait_p95_ms": _p95(waits)}  # fmt: skip


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else float("nan")


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))] if values else float("nan")


WORKLOADS: dict[str, Callable[..., dict[str, Any]]] = {
    "bare": bare, "analyze": analyze, "startup": startup, "live": live,
}  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    result = WORKLOADS[sys.argv[1]](**json.loads(sys.argv[2]))
    print(json.dumps(result), flush=True)

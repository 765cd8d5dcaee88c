"""A rendered workout: several sets of one athlete joined into one H.264 video, with the truth of every set.

Each set is a :class:`SynthConfig` rendered as usual (getting into position, the reps, getting up and walking out
of the picture, the empty picture); the sets follow one another in one video. The truth keeps per set its
exercise, where it lies in the video and its reps (no per-frame joints: those are in the single-set samples).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, replace
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from tools.synth.config import SynthConfig
from tools.synth.scene import near_side
from tools.synth.truth import build_truth
from tools.synth.video import frames, plan

WORKOUT_SCHEMA = 1
CRF = 27  # H.264 quality: the sample stays small (sample_videos/ must stay under 30 MB in all)


@dataclass(frozen=True)
class WorkoutConfig:
    """The sets of a workout, in order; every set shares the first set's size and frame rate."""

    name: str
    sets: tuple[SynthConfig, ...]

    def __post_init__(self) -> None:
        if not self.sets:
            raise ValueError("a workout needs at least one set")
        first = self.sets[0]
        for cfg in self.sets[1:]:
            if (cfg.fps, cfg.width, cfg.height) != (first.fps, first.width, first.height):
                raise ValueError("every set of a workout needs the same fps and picture size")


ATHLETE = dict(skin="#a46f4c", shirt="#2e7d5b", shorts="#2b2f3a", hair="#1d140e", shoes="#f2f2f2",
               background="#d6d0c4", floor="#8a7a68", body_height_m=1.70, girth=1.05)  # fmt: skip
WORKOUT_SET = dict(setup_s=2.5, leave="walk", lead_in_s=1.0, lead_out_s=5.0, fps=24.0, **ATHLETE)

# The article's routine in its order (formcheck/plans/data/back-routine.toml), each exercise filmed from its best
# view, with fewer reps than the plan asks so the video stays short: the plan's report then says "short".
WORKOUTS: dict[str, WorkoutConfig] = {
    "back_workout": WorkoutConfig(
        "back_workout",
        (
            SynthConfig(exercise="reverse_fly", reps=6, view="three_quarter", seed=21, **WORKOUT_SET),
            SynthConfig(exercise="seated_row", reps=5, view="side", seed=22, **WORKOUT_SET),
            SynthConfig(exercise="hip_raise", reps=4, view="side", seed=23, **WORKOUT_SET),
            SynthConfig(exercise="bent_over_lateral_raise", reps=5, view="three_quarter", seed=24, **WORKOUT_SET),
            SynthConfig(exercise="one_arm_row", reps=4, view="three_quarter", seed=25, **WORKOUT_SET),
        ),
    ),
}


def _encoder(path: Path, cfg: SynthConfig, lossless: bool) -> subprocess.Popen:
    from imageio_ffmpeg import get_ffmpeg_exe

    quality = ["-qp", "0", "-preset", "ultrafast"] if lossless else ["-crf", str(CRF), "-preset", "slow"]
    command = [get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
               "-s", f"{cfg.width}x{cfg.height}", "-r", f"{cfg.fps:g}", "-i", "-", "-c:v", "libx264", *quality,
               "-pix_fmt", "yuv420p" if not lossless else "yuv444p", str(path)]  # fmt: skip
    return subprocess.Popen(command, stdin=subprocess.PIPE)


def _render_set(job: tuple[int, dict[str, Any], str]) -> tuple[int, dict[str, Any], int]:
    """Render one set losslessly into ``folder``; returns its index, truth (joints dropped) and frame count."""
    index, params, folder = job
    cfg = SynthConfig.from_dict(params)
    shot = plan(cfg)
    encoder = _encoder(Path(folder) / f"set{index}.mkv", cfg, lossless=True)
    assert encoder.stdin is not None
    for image in frames(shot):
        encoder.stdin.write(image.tobytes())
    encoder.stdin.close()
    if encoder.wait() != 0:
        raise RuntimeError(f"ffmpeg failed on set {index}")
    truth = build_truth(cfg, shot.motion.timeline, "", shot.view, near_side(shot.yaw_deg), shot.joints_3d,
                        shot.joints_3d[:, :, :2] * 0)  # fmt: skip
    return index, truth, len(shot.skeletons)


def render_workout(workout: WorkoutConfig, out: Path, jobs: int = 2) -> dict[str, Any]:
    """Render the workout to ``out`` (H.264 MP4) and ``NAME.truth.json.gz`` beside it; returns the truth."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="synth-workout-") as folder:
        work = [(i, cfg.to_dict(), folder) for i, cfg in enumerate(workout.sets)]
        if jobs > 1:
            with Pool(jobs) as pool:
                done = sorted(pool.imap_unordered(_render_set, work))
        else:
            done = [_render_set(job) for job in work]
        listing = Path(folder) / "sets.txt"
        listing.write_text("".join(f"file 'set{i}.mkv'\n" for i, _, _ in done))
        tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp.mp4")
        from imageio_ffmpeg import get_ffmpeg_exe

        subprocess.run([get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i",
                        str(listing), "-c:v", "libx264", "-crf", str(CRF), "-preset", "slow", "-pix_fmt", "yuv420p",
                        "-movflags", "+faststart", str(tmp)], check=True)  # fmt: skip
        os.replace(tmp, out)
    truth = workout_truth(workout, out.name, [(t, n) for _, t, n in done])
    path = out.with_name(out.stem + ".truth.json.gz")
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(truth, handle, indent=1)
    return truth


def workout_truth(workout: WorkoutConfig, video: str, sets: list[tuple[dict[str, Any], int]]) -> dict[str, Any]:
    """The workout's truth from each set's truth and frame count (times moved to the joined video)."""
    first = workout.sets[0]
    out_sets, offset = [], 0
    for cfg, (truth, count) in zip(workout.sets, sets, strict=True):
        start_s = offset / cfg.fps
        reps = [{**rep, **{k: round(rep[k] + start_s, 3) for k in ("start_s", "top_s", "end_s")}}
                for rep in truth["reps"]]  # fmt: skip
        out_sets.append({
            "exercise": cfg.exercise,
            "view": truth["view"],
            "start_s": round(start_s, 3),
            "end_s": round((offset + count) / cfg.fps, 3),
            "reps": truth["rep_count"],
            "reps_by_side": truth["reps_by_side"],
            "rep_faults": [rep["faults"] for rep in truth["reps"]],
            "rep_times": reps,
            "params": replace(cfg).to_dict(),
        })  # fmt: skip
        offset += count
    return {"schema": WORKOUT_SCHEMA, "kind": "workout", "video": video, "fps": first.fps, "frames": offset,
            "width": first.width, "height": first.height, "sets": out_sets}  # fmt: skip


def load_workout_truth(path: Path) -> dict[str, Any]:
    """The truth of a rendered workout (``NAME.truth.json.gz``)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)

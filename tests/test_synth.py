"""Synthetic sample videos: reproducible bytes, consistent truth, and MediaPipe sees what the truth says."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import cv2
import pytest

from formcheck.pose.landmarks import Landmark
from tools.synth.check import CheckResult, evaluate_video
from tools.synth.config import SynthConfig
from tools.synth.exercises import get_exercise
from tools.synth.samples import SAMPLES
from tools.synth.truth import load_truth
from tools.synth.video import render

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_videos"
MIN_DETECTION = 0.95
MAX_ERROR = 0.10  # torso lengths
FRAME_STEP = 3


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _truth_file(name: str) -> Path | None:
    for suffix in (".truth.json.gz", ".truth.json"):
        path = SAMPLE_DIR / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def test_render_is_byte_identical(tmp_path: Path) -> None:
    cfg = SynthConfig(
        exercise="reverse_fly", reps=1, fps=12.0, width=320, height=240, lead_in_s=0.3, lead_out_s=0.3, seed=5
    )
    first = render(cfg, tmp_path / "a" / "clip.mp4", gzip_truth=True)
    second = render(cfg, tmp_path / "b" / "clip.mp4", gzip_truth=True)
    assert first == second
    for name in ("clip.mp4", "clip.truth.json.gz"):
        assert _sha(tmp_path / "a" / name) == _sha(tmp_path / "b" / name)


def test_truth_regenerates_from_params(tmp_path: Path) -> None:
    cfg = SynthConfig(exercise="hip_raise", reps=1, fps=8.0, width=160, height=120, hold_s=1.0, seed=3)
    truth = render(cfg, tmp_path / "x.mp4")
    again = SynthConfig.from_dict(load_truth(tmp_path / "x.truth.json")["params"])
    assert again == cfg
    assert truth["video"]["frames"] == int(cv2.VideoCapture(str(tmp_path / "x.mp4")).get(cv2.CAP_PROP_FRAME_COUNT))


@pytest.mark.parametrize("name", list(SAMPLES))
def test_sample_truth_is_consistent(name: str) -> None:
    path = _truth_file(name)
    video = SAMPLE_DIR / f"{name}.mp4"
    if path is None or not video.exists():
        pytest.skip(f"{name} not rendered")
    truth = load_truth(path)
    spec = get_exercise(truth["exercise"])
    assert truth["schema_version"] == 1
    assert truth["video"]["file"] == video.name
    assert truth["rep_count"] == len(truth["reps"])
    if truth["reps_by_side"] is not None:
        assert sum(truth["reps_by_side"].values()) == truth["rep_count"]
        assert all(r["side"] in ("left", "right") for r in truth["reps"])
    cap = cv2.VideoCapture(str(video))
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    assert (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))) == (
        truth["video"]["width"],
        truth["video"]["height"],
    )
    cap.release()
    assert truth["video"]["frames"] == frames
    assert len(truth["joints_2d"]) == len(truth["joints_3d"]) == frames
    for name_ in truth["joint_names"]:
        Landmark.from_name(name_)
    end = 0.0
    for i, rep in enumerate(truth["reps"], start=1):
        assert rep["index"] == i
        assert end <= rep["start_s"] < rep["top_s"] < rep["end_s"]
        assert rep["top_s"] + rep["hold_s"] < rep["end_s"]
        assert set(rep["faults"]) <= set(spec.fault_ids)
        end = rep["end_s"]
    assert end <= frames / truth["video"]["fps"]
    counts = list(truth["reps_by_side"].values()) if truth["reps_by_side"] else [truth["rep_count"]]
    short = any(0 < n < 10 for n in counts)
    assert ("rep_range" in truth["set_faults"]) == short
    params = SynthConfig.from_dict(truth["params"])
    assert params == SAMPLES[name]


def test_samples_fit_the_size_budget() -> None:
    files = [p for p in SAMPLE_DIR.glob("*") if p.is_file()] if SAMPLE_DIR.exists() else []
    if not any(p.suffix == ".mp4" for p in files):
        pytest.skip("no sample videos rendered")
    assert sum(p.stat().st_size for p in files) <= 30_000_000


@pytest.fixture(scope="module")
def model_path() -> Path:
    from formcheck.errors import ModelError
    from formcheck.perception.model import resolve_model

    try:
        return resolve_model().path
    except ModelError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"no pose model: {exc}")


@pytest.fixture(scope="module")
def detections(model_path: Path) -> dict[str, CheckResult]:
    """MediaPipe results per rendered sample, computed once for the module."""
    results = {}
    for name in SAMPLES:
        video = SAMPLE_DIR / f"{name}.mp4"
        if video.exists() and _truth_file(name) is not None:
            results[name] = evaluate_video(video, model_path, FRAME_STEP)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SAMPLES))
def test_mediapipe_sees_the_truth(name: str, detections: dict[str, CheckResult]) -> None:
    if name not in detections:
        pytest.skip(f"{name} not rendered")
    res = detections[name]
    assert res.detection_rate >= MIN_DETECTION, f"{name}: detected {res.detection_rate:.1%}"
    assert res.mean_error <= MAX_ERROR, f"{name}: mean near-side error {res.mean_error:.3f}"
    worst = {j: e for j, e in res.per_joint_median.items() if e > MAX_ERROR}
    assert not worst, f"{name}: median error above {MAX_ERROR} torso lengths: {worst}"


def test_preview_config_is_a_prefix_of_the_sample() -> None:
    from tools.synth.samples import preview

    cfg = preview("one_arm_row_faults", 2)
    assert cfg.reps == 2 and len(cfg.faults) == 2
    assert replace(cfg, reps=6, faults=SAMPLES["one_arm_row_faults"].faults) == SAMPLES["one_arm_row_faults"]


@pytest.mark.parametrize("exercise", ["hip_raise", "seated_row"])
def test_a_camera_at_head_height_stays_back_instead_of_looking_down_from_overhead(exercise: str) -> None:
    """Framing a lying or seated body from a shelf at head height moved the camera almost overhead (75 degrees),
    where a side view no longer shows the height of the hips; it now looks down at most MAX_PITCH_DEG."""
    import math

    from tools.synth.scene import MAX_PITCH_DEG
    from tools.synth.video import plan

    shot = plan(SynthConfig(exercise=exercise, reps=1, yaw_deg=90.0, camera_height_m=1.9, supersample=1))
    pitch = math.degrees(math.asin(-float(shot.camera.rot[2][1])))
    assert 30.0 < pitch <= MAX_PITCH_DEG + 1e-6

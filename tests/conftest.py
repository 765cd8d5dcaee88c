"""Shared fixtures: the pose model (obtained through formcheck's own model resolution) and paths."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_videos"
SHARED = REPO.parent / "shared"
REALWORLD = SHARED / "realworld"


@pytest.fixture(scope="session", autouse=True)
def history_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Sets recorded by the tests (and the formcheck processes they start) never reach the user's history."""
    import os

    os.environ["FORMCHECK_DATA_DIR"] = str(tmp_path_factory.mktemp("formcheck-data"))


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The default pose model, downloaded or built (offline fallback) and cached by formcheck.perception.model."""
    from formcheck.perception.model import resolve_model

    return resolve_model().path


@pytest.fixture(scope="session")
def poses_of(model_path: Path):
    """``poses_of(video)`` -> the PoseFrames of every frame, computed once per test session per video."""
    from formcheck.io.source import open_source
    from formcheck.perception.estimator import PoseEstimator

    cache: dict[Path, list] = {}

    def track(video: Path) -> list:
        video = Path(video).resolve()
        if video not in cache:
            with open_source(video) as source, PoseEstimator(model_path) as estimator:
                cache[video] = [estimator.detect(f.image, f.timestamp_ms) for f in source]
        return cache[video]

    return track


# -- analysed samples (shared by the report tests and any other test that needs whole-set analyses) ----------
def _truth_exercise(video: Path) -> str | None:
    """The exercise id in a sample's truth file (``<name>.truth.json`` or ``.truth.json.gz``), if there is one."""
    import gzip
    import json

    for truth in (video.with_name(video.stem + ".truth.json"), video.with_name(video.stem + ".truth.json.gz")):
        if truth.exists():
            opener = gzip.open if truth.suffix == ".gz" else open
            with opener(truth, "rt", encoding="utf-8") as file:
                return json.load(file).get("exercise")
    return None


def sample_clips() -> dict[str, tuple[Path, str]]:
    """{sample name: (video, exercise id)}: every ``sample_videos/*.mp4`` with a truth file."""
    clips: dict[str, tuple[Path, str]] = {}
    for video in sorted(SAMPLES.glob("*.mp4")):
        exercise = _truth_exercise(video)
        if exercise:
            clips[video.stem] = (video, exercise)
    return clips


class AnalysedSamples(Mapping):
    """{sample name: SetResult}, each analysed with run_analysis on first access and kept for the session."""

    def __init__(self, clips: dict[str, tuple[Path, str]], poses_of) -> None:
        self.clips, self._poses_of, self._done = clips, poses_of, {}

    def __getitem__(self, name: str):
        if name not in self._done:
            from formcheck.io.source import open_source
            from formcheck.rules.loader import find_exercise
            from formcheck.session import run_analysis

            video, exercise = self.clips[name]
            poses = iter(self._poses_of(video))  # MediaPipe PoseEstimator, once per video per session
            self._done[name] = run_analysis(open_source(str(video)), lambda frame: next(poses), find_exercise(exercise))
        return self._done[name]

    def __iter__(self):
        return iter(self.clips)

    def __len__(self) -> int:
        return len(self.clips)


@pytest.fixture(scope="session")
def analysed_samples(poses_of) -> AnalysedSamples:
    """Session-wide {sample name: SetResult} of the sample videos (see ``sample_clips``); lazily analysed."""
    return AnalysedSamples(sample_clips(), poses_of)


WHOLE_VIDEO_FIXTURES = {"poses_of", "analysed_samples"}  # MediaPipe over whole sample videos


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that track whole videos with MediaPipe are ``slow``: ``pytest -m "not slow"`` leaves them out."""
    for item in items:
        if WHOLE_VIDEO_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes ``sample_name`` runs once per sample clip (and is skipped when there are none)."""
    if "sample_name" in metafunc.fixturenames:
        metafunc.parametrize("sample_name", list(sample_clips()))

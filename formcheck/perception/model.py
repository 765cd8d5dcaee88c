"""Find the pose model: explicit path, user cache, official download, or an offline build.

Resolution order: ``--model PATH`` or ``$FORMCHECK_MODEL`` -> the user cache -> download of Google's official
``pose_landmarker_{lite,full,heavy}.task`` -> (full only) a bundle built from the legacy models inside the
``mediapipe==0.10.21`` wheel on PyPI, fetched with ``pip download`` and never installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

from formcheck.errors import BadModelError, ModelError
from formcheck.io.atomic import atomic_path

VARIANTS = ("lite", "full", "heavy")
DEFAULT_VARIANT = "full"
BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/latest/pose_landmarker_{variant}.task"
)
LEGACY_WHEEL = "mediapipe==0.10.21"
# member of the legacy wheel -> (name inside our bundle, sha256, normalisation mean, std)
LEGACY_MODELS = {
    "mediapipe/modules/pose_detection/pose_detection.tflite": (
        "pose_detector.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        127.5,
        127.5,
    ),
    "mediapipe/modules/pose_landmark/pose_landmark_full.tflite": (
        "pose_landmarks_detector.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        0.0,
        255.0,
    ),
}
LEGACY_BUNDLE_NAME = "pose_landmarker_full_from_mediapipe_0.10.21.task"


@dataclass(frozen=True)
class ResolvedModel:
    """A usable model file and where it came from."""

    path: Path
    variant: str | None
    source: str


def cache_dir() -> Path:
    """Where downloaded and built models are kept (``$FORMCHECK_CACHE_DIR`` overrides)."""
    override = os.environ.get("FORMCHECK_CACHE_DIR")
    return Path(override) if override else platformdirs.user_cache_path("formcheck") / "models"


def is_valid_bundle(path: Path) -> bool:
    """True if ``path`` is a zip holding both pose models."""
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return all(member in names for member in BUNDLE_MEMBERS)


def resolve_model(choice: str | None = None, *, fetch: bool = True) -> ResolvedModel:
    """Return the model to use; ``choice`` is a variant name, a path, or None for the default.

    With ``fetch=False`` nothing is downloaded or built; a missing model raises ModelError.
    """
    if choice is None and os.environ.get("FORMCHECK_MODEL"):
        return _explicit(Path(os.environ["FORMCHECK_MODEL"]), "FORMCHECK_MODEL")
    variant = choice or DEFAULT_VARIANT
    if variant not in VARIANTS:
        return _explicit(Path(variant), "--model")
    cached = _cached(variant)
    if cached is not None:
        return cached
    if not fetch:
        raise ModelError(f"no {variant} pose model in {cache_dir()}; run `formcheck model --model {variant}`")
    return _fetch(variant)


def _explicit(path: Path, origin: str) -> ResolvedModel:
    if not path.is_file():
        raise BadModelError(f"{origin}: model file {path} does not exist (or use one of {', '.join(VARIANTS)})")
    if not is_valid_bundle(path):
        raise BadModelError(f"{origin}: {path} is not a pose landmarker .task bundle (zip with {BUNDLE_MEMBERS})")
    return ResolvedModel(path.resolve(), None, f"given by {origin}")


def _cached(variant: str) -> ResolvedModel | None:
    official = cache_dir() / f"pose_landmarker_{variant}.task"
    if is_valid_bundle(official):
        return ResolvedModel(official, variant, "user cache (official download)")
    legacy = cache_dir() / LEGACY_BUNDLE_NAME
    if variant == "full" and is_valid_bundle(legacy):
        return ResolvedModel(legacy, variant, f"user cache (built from {LEGACY_WHEEL})")
    return None


def _fetch(variant: str) -> ResolvedModel:
    url = OFFICIAL_URL.format(variant=variant)
    target = cache_dir() / f"pose_landmarker_{variant}.task"
    try:
        _download(url, target)
        return ResolvedModel(target, variant, f"downloaded from {url}")
    except (OSError, urllib.error.URLError, ModelError) as error:
        download_error = error
    if variant != "full":
        raise ModelError(
            f"could not download the {variant} pose model ({download_error}); "
            f"download {url} by hand and pass --model PATH, or use --model full (which can be built offline)"
        )
    print(f"Official model unavailable ({download_error}); building it from {LEGACY_WHEEL} on PyPI.", file=sys.stderr)
    target = cache_dir() / LEGACY_BUNDLE_NAME
    build_legacy_bundle(target)
    return ResolvedModel(target, variant, f"built from {LEGACY_WHEEL} (offline fallback)")


def _download(url: str, target: Path) -> None:
    if os.environ.get("FORMCHECK_OFFLINE"):
        raise ModelError("downloads disabled by FORMCHECK_OFFLINE")
    with urllib.request.urlopen(url, timeout=15) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
        with atomic_path(target) as partial, open(partial, "wb") as out, Progress(*columns, transient=True) as bar:
            task = bar.add_task("model", total=total)
            while chunk := response.read(1 << 16):
                out.write(chunk)
                bar.advance(task, len(chunk))
            out.flush()
            if not is_valid_bundle(partial):
                raise ModelError(f"the file downloaded from {url} is not a pose landmarker bundle")


def build_legacy_bundle(target: Path) -> None:
    """Build the full-model ``.task`` bundle from the legacy models in the mediapipe 0.10.21 wheel."""
    from formcheck.perception.estimator import add_image_input_metadata, write_task_bundle

    with tempfile.TemporaryDirectory(prefix="formcheck-wheel-") as tmp:
        wheel = _pip_download_legacy_wheel(Path(tmp))
        models = {}
        with zipfile.ZipFile(wheel) as archive:
            for member, (name, sha256, mean, std) in LEGACY_MODELS.items():
                data = archive.read(member)
                if hashlib.sha256(data).hexdigest() != sha256:
                    raise ModelError(f"{member} in {wheel.name} does not have the expected sha256 {sha256}")
                models[name] = add_image_input_metadata(data, name=name.removesuffix(".tflite"), mean=mean, std=std)
        with atomic_path(target) as partial:
            write_task_bundle(models, partial)


def _pip_download_legacy_wheel(folder: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
        "--dest", str(folder), LEGACY_WHEEL,
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        done = None
        reason = str(error)
    if done is not None:
        reason = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
    wheels = sorted(folder.glob("mediapipe-0.10.21-*.whl"))
    if not wheels:
        raise ModelError(
            f"no pose model: the download failed and `pip download {LEGACY_WHEEL}` failed too ({reason}). "
            "Download pose_landmarker_full.task from Google's model storage and pass --model PATH."
        )
    return wheels[0]

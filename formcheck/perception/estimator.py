"""The one module that talks to MediaPipe: PoseLandmarker in, PoseFrame out.

MediaPipe's Python API moves between releases, so every MediaPipe object stays in here.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import cv2
import flatbuffers
import mediapipe as mp
import numpy as np
from mediapipe.tasks.metadata import metadata_schema_py_generated as metadata_fb
from mediapipe.tasks.metadata import schema_py_generated as tflite_fb
from mediapipe.tasks.python import BaseOptions, vision

from formcheck.errors import BadModelError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark

_TORSO = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
_SHOULDERS = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]
_HIPS = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
MAX_STEP_TORSOS = 1.0      # between two sightings the followed torso centre moves less than one torso length ...
REACQUIRE_AFTER_MS = 2000  # ... unless the person was lost this long: then follow the most prominent person again


@contextlib.contextmanager
def _quiet_native_logs() -> Iterator[None]:
    """Send what MediaPipe's C++ prints straight to file descriptor 2 to a sink, for one call.

    Not only start-up talks: LiteRT warns mid-video when a frame's buffer happens to be unaligned, and a
    warning line in the middle of formcheck's own one-line errors and reports is noise to the user.
    Python's own ``sys.stderr`` writes go through the same descriptor, so the window is kept to the call.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    try:
        os.dup2(_native_log_sink(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@functools.cache
def _native_log_sink() -> int:
    """The descriptor native log lines go to: the null device, opened once per process."""
    return os.open(os.devnull, os.O_WRONLY)


class PoseEstimator:
    """Tracks one person through a stream of frames with MediaPipe's PoseLandmarker (VIDEO mode).

    When several people are in view it follows the most prominent one at the start and then the one
    closest to where the followed person was, so it never jumps between people: while the followed person
    is out of sight, somebody else far from where they were is not taken for them (the frame has nobody),
    until they have been gone for ``REACQUIRE_AFTER_MS``.
    """

    def __init__(
        self,
        model_path: Path | str,
        *,
        max_people: int = 2,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=max_people,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        try:
            with _quiet_native_logs():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as error:  # e.g. a zip of two files that are not TFLite models
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise BadModelError(f"{model_path}: MediaPipe cannot load this pose model ({first})") from None
        self._last_timestamp_ms: int | None = None
        self._followed_centre: np.ndarray | None = None
        self._followed_torso = 0.0
        self._followed_ms = 0

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the native graph."""
        if self._landmarker is not None:
            with _quiet_native_logs():
                self._landmarker.close()
            self._landmarker = None

    def detect(self, frame_bgr: np.ndarray, timestamp_ms: int) -> PoseFrame:
        """Landmarks of the followed person in a BGR frame; timestamps must increase strictly."""
        if self._last_timestamp_ms is not None and timestamp_ms <= self._last_timestamp_ms:
            raise ValueError(
                f"timestamps must increase: {timestamp_ms} ms after {self._last_timestamp_ms} ms"
            )
        self._last_timestamp_ms = timestamp_ms
        height, width = frame_bgr.shape[:2]
        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)  # 40x faster than a reversed-slice copy
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        with _quiet_native_logs():
            result = self._landmarker.detect_for_video(image, timestamp_ms)
        if not result.pose_landmarks:
            return PoseFrame.empty(timestamp_ms, (width, height))
        chosen = self._choose_person(result.pose_landmarks, width, height, timestamp_ms)
        if chosen is None:
            return PoseFrame.empty(timestamp_ms, (width, height))
        return _to_pose_frame(
            result.pose_landmarks[chosen], result.pose_world_landmarks[chosen], timestamp_ms, (width, height)
        )

    def forget_person(self) -> None:
        """Stop following the current person (e.g. when the set is reset)."""
        self._followed_centre = None

    def _choose_person(self, people: list, width: int, height: int, timestamp_ms: int) -> int | None:
        """Index of the followed person among the detected ones, or None when they are not among them."""
        scale = np.array([width, height], dtype=np.float32)
        points = [np.array([[p.x, p.y] for p in person], dtype=np.float32) * scale for person in people]
        centres = [pts[_TORSO].mean(axis=0) for pts in points]
        lost = self._followed_centre is None or timestamp_ms - self._followed_ms > REACQUIRE_AFTER_MS
        if lost:  # the most prominent person: the largest body
            index = int(np.argmax([np.prod(pts.max(axis=0) - pts.min(axis=0)) for pts in points]))
        else:  # the one closest to where the followed person was, if close enough to be them
            distances = [float(np.linalg.norm(c - self._followed_centre)) for c in centres]
            index = int(np.argmin(distances))
            if distances[index] > MAX_STEP_TORSOS * self._followed_torso:
                return None
        pts = points[index]
        floor = 0.02 * float(np.hypot(width, height))  # a torso seen end-on still has some size
        self._followed_torso = max(floor, float(np.linalg.norm(pts[_SHOULDERS].mean(0) - pts[_HIPS].mean(0))))
        self._followed_centre, self._followed_ms = centres[index], timestamp_ms
        return index


def _to_pose_frame(
    landmarks: list, world_landmarks: list, timestamp_ms: int, image_size: tuple[int, int]
) -> PoseFrame:
    xyz = np.array([[p.x, p.y, p.z] for p in landmarks], dtype=np.float32)
    world = np.array([[p.x, p.y, p.z] for p in world_landmarks], dtype=np.float32)
    visibility = np.array([p.visibility or 0.0 for p in landmarks], dtype=np.float32)
    presence = np.array([p.presence or 0.0 for p in landmarks], dtype=np.float32)
    assert xyz.shape == (NUM_LANDMARKS, 3)
    return PoseFrame(xyz, world, visibility, presence, timestamp_ms, image_size)


def add_image_input_metadata(tflite_model: bytes, *, name: str, mean: float, std: float) -> bytes:
    """Return a TFLite model with image-input metadata (RGB, normalised as (pixel - mean) / std).

    MediaPipe's Tasks API reads the normalisation of an image model from this metadata; the legacy
    models shipped inside old mediapipe wheels lack it.
    """
    model = tflite_fb.ModelT.InitFromObj(tflite_fb.Model.GetRootAsModel(tflite_model, 0))
    subgraph = model.subgraphs[0]

    normalization = metadata_fb.NormalizationOptionsT()
    normalization.mean, normalization.std = [mean], [std]
    process_unit = metadata_fb.ProcessUnitT()
    process_unit.optionsType = metadata_fb.ProcessUnitOptions.NormalizationOptions
    process_unit.options = normalization
    image_properties = metadata_fb.ImagePropertiesT()
    image_properties.colorSpace = metadata_fb.ColorSpaceType.RGB
    content = metadata_fb.ContentT()
    content.contentPropertiesType = metadata_fb.ContentProperties.ImageProperties
    content.contentProperties = image_properties
    image_input = metadata_fb.TensorMetadataT()
    image_input.name, image_input.content, image_input.processUnits = "image", content, [process_unit]

    outputs = []
    for tensor_index in subgraph.outputs:
        output = metadata_fb.TensorMetadataT()
        output.name = subgraph.tensors[tensor_index].name
        outputs.append(output)
    subgraph_metadata = metadata_fb.SubGraphMetadataT()
    subgraph_metadata.inputTensorMetadata = [image_input]
    subgraph_metadata.outputTensorMetadata = outputs
    model_metadata = metadata_fb.ModelMetadataT()
    model_metadata.name, model_metadata.minParserVersion = name, "1.0.0"
    model_metadata.subgraphMetadata = [subgraph_metadata]
    builder = flatbuffers.Builder(0)
    builder.Finish(model_metadata.Pack(builder), b"M001")

    buffer = tflite_fb.BufferT()
    buffer.data = builder.Output()
    model.buffers.append(buffer)
    entry = tflite_fb.MetadataT()
    entry.name, entry.buffer = "TFLITE_METADATA", len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if m.name != b"TFLITE_METADATA"] + [entry]
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def write_task_bundle(models: dict[str, bytes], path: Path) -> None:
    """Zip TFLite models into a ``.task`` bundle the way MediaPipe expects (stored, aligned)."""
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import (
        create_model_asset_bundle,
    )

    create_model_asset_bundle(models, str(path))

"""Still images: resizing and encoding frames (thumbnails for reports)."""

from __future__ import annotations

import base64

import cv2
import numpy as np


def resize_to_width(image: np.ndarray, width: int) -> np.ndarray:
    """Scale an image to ``width`` pixels, keeping its aspect ratio (area filter down, cubic up)."""
    height, old_width = image.shape[:2]
    new_height = max(1, round(height * width / old_width))
    interpolation = cv2.INTER_AREA if width < old_width else cv2.INTER_CUBIC
    return cv2.resize(image, (width, new_height), interpolation=interpolation)


def jpeg_data_uri(image_bgr: np.ndarray, quality: int = 85) -> str:
    """A BGR image as a base64 JPEG ``data:`` URI."""
    ok, data = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode the image as JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(data.tobytes()).decode("ascii")


def encode_jpeg(image_bgr: np.ndarray, quality: int = 90) -> bytes:
    """A BGR image as JPEG bytes (thumbnails kept for reports stay small: ~10 kB instead of ~130 kB)."""
    ok, data = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode the image as JPEG")
    return data.tobytes()


def decode_image(data: bytes) -> np.ndarray:
    """Encoded image bytes back to a BGR array."""
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("not an encoded image")
    return image

"""Shared fixtures: the pose model (obtained through formcheck's own model resolution) and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_videos"
SHARED = REPO.parent / "shared"
REALWORLD = SHARED / "realworld"


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The default pose model, downloaded or built (offline fallback) and cached by formcheck.model."""
    from formcheck.model import resolve_model

    return resolve_model().path

"""What a batch remembers per video, so that a rerun skips what is done: content hash, version, settings, outcome.

A record is a small JSON file per video under ``DIR/.formcheck-batch/`` written (atomically) after the video's
reports. A video is up to date when its record has the same content hash, formcheck version and settings
(exercise, model, rules), covers the requested formats, its reports are all there, and it either succeeded or
failed because of the video itself (damaged file, nobody in view): such a failure would only happen again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from formcheck.io.atomic import write_text_atomic

RECORDS_DIR = ".formcheck-batch"
REPORTS_DIR = "reports"
RECORD_VERSION = 1
_CHUNK = 1 << 20


def formcheck_version() -> str:
    """The installed formcheck's version (what a report was made with)."""
    try:
        return metadata.version("formcheck")
    except metadata.PackageNotFoundError:
        return "unknown"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def texts_sha256(texts: dict[str, str]) -> str:
    """A digest of named texts (e.g. rule files), independent of their order."""
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Settings:
    """What, besides the video and the version, decides a report."""

    exercise: str | None
    model_sha256: str
    rules_sha256: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "model_sha256": self.model_sha256, "rules_sha256": self.rules_sha256}


def record_path(out_dir: Path, key: str) -> Path:
    return out_dir / RECORDS_DIR / f"{key}.json"


def report_path(out_dir: Path, key: str, fmt: str) -> Path:
    return out_dir / REPORTS_DIR / f"{key}.{fmt}"


def read_record(out_dir: Path, key: str) -> dict[str, Any] | None:
    """The record of a video, or None when there is none or it cannot be read."""
    try:
        record = json.loads(record_path(out_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("record_version") == RECORD_VERSION else None


def write_record(out_dir: Path, key: str, record: dict[str, Any]) -> None:
    write_text_atomic(record_path(out_dir, key), json.dumps({"record_version": RECORD_VERSION, **record}, indent=1))


def is_up_to_date(
    record: dict[str, Any] | None, sha256: str, settings: Settings, formats: tuple[str, ...], out_dir: Path
) -> bool:
    """True when ``record`` says this exact video was done with these settings and its reports are in place."""
    if not record:
        return False
    same = (
        record.get("sha256") == sha256
        and record.get("formcheck_version") == formcheck_version()
        and record.get("settings") == settings.as_dict()
    )
    final = record.get("status") == "ok" or bool(record.get("final_failure"))
    reports = record.get("reports") or {}
    if not (same and final and set(formats) <= set(record.get("formats") or ())):
        return False
    if reports:
        return all(fmt in reports and (out_dir / reports[fmt]).is_file() for fmt in formats)
    return record.get("status") != "ok"  # a video that failed before any report (e.g. a damaged file)

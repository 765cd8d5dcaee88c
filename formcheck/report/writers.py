"""Write reports by file extension, atomically; paths are checked before any analysis starts."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from formcheck.atomic import write_text_atomic
from formcheck.errors import BadInputError
from formcheck.pipeline import Analysis


def write_json(path: Path, report: dict[str, Any], analysis: Analysis) -> None:
    """The report contract as indented JSON."""
    write_text_atomic(path, json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _writers() -> dict[str, Callable[[Path, dict[str, Any], Analysis], None]]:
    writers: dict[str, Callable[[Path, dict[str, Any], Analysis], None]] = {".json": write_json}
    try:
        from formcheck.report.csv_report import write_csv

        writers[".csv"] = write_csv
    except ImportError:
        pass
    try:
        from formcheck.report.html_report import write_html

        writers[".html"] = write_html
    except ImportError:
        pass
    return writers


def check_report_paths(paths: list[Path]) -> None:
    """Refuse unknown formats and unwritable places before the analysis starts."""
    formats = _writers()
    for path in paths:
        if path.suffix.lower() not in formats:
            raise BadInputError(f"{path}: unknown report format; use one of {', '.join(sorted(formats))}")
        if path.is_dir():
            raise BadInputError(f"{path}: is a directory; give a file name for the report")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise BadInputError(f"{path}: folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise BadInputError(f"{path}: cannot write here (permission denied)")


def write_reports(paths: list[Path], report: dict[str, Any], analysis: Analysis) -> None:
    """Write the report once per requested path, in the format its extension names."""
    formats = _writers()
    for path in paths:
        formats[path.suffix.lower()](path, report, analysis)

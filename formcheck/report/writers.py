"""Write reports by file extension, atomically; paths are checked before any result starts."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from formcheck.analysis.result import SetResult
from formcheck.errors import BadInputError
from formcheck.io.atomic import write_text_atomic
from formcheck.report.csv_report import write_csv
from formcheck.report.html_report import write_html


def write_json(path: Path, report: dict[str, Any], result: SetResult) -> None:
    """The report contract as indented JSON."""
    write_text_atomic(path, json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def write_pdf(path: Path, report: dict[str, Any], analysis: SetResult) -> None:
    """The HTML report's content on A4 pages (charts and key frames included)."""
    from formcheck.report.pdf_report import write_pdf as write  # fpdf2 loads only when a PDF is asked for

    write(path, report, analysis)


def _writers() -> dict[str, Callable[[Path, dict[str, Any], SetResult], None]]:
    return {".json": write_json, ".csv": write_csv, ".html": write_html, ".pdf": write_pdf}


def check_report_paths(paths: list[Path]) -> None:
    """Refuse unknown formats and unwritable places before the result starts."""
    formats = _writers()
    for path in paths:
        if path.suffix.lower() not in formats:
            raise BadInputError(f"{path}: unknown report format; use one of {', '.join(sorted(formats))}")
        check_writable(path)


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written, by creating (and removing) a file beside it."""
    path = Path(path)
    if path.is_dir():
        raise BadInputError(f"{path}: is a directory; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadInputError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BadInputError(f"{path}: cannot write here (permission denied)")
    try:  # permissions say yes, but root on a read-only or special file system is still refused
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as error:
        raise BadInputError(f"{path}: cannot create a file in {folder} ({error.strerror or error})") from None
    os.close(fd)
    os.unlink(probe)


def write_reports(paths: list[Path], report: dict[str, Any], result: SetResult) -> None:
    """Write the report once per requested path, in the format its extension names."""
    formats = _writers()
    for path in paths:
        formats[path.suffix.lower()](path, report, result)

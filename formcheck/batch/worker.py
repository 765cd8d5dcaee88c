"""The per-video function of a batch: one video in, its report dict, report files and status out, as plain data.

It runs `formcheck analyze` itself (``analyze_command``: one PoseLandmarker per video, as MediaPipe's VIDEO mode
needs) with the reports written to a private temporary folder, and hands their bytes back: nothing it returns
needs MediaPipe or formcheck objects to unpickle, so it can travel from a worker process or a Ray node.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from formcheck.batch.records import formcheck_version
from formcheck.errors import BadInputError, FormcheckError, InterruptedAnalysis, NoPersonError

FORMATS = ("json", "csv", "html")


def analyze_one(
    path: str | Path,
    exercise: str | None = None,
    *,
    formats: tuple[str, ...] = FORMATS,
    model: str | None = None,
    rules: dict[str, str] | None = None,
    name: str | None = None,
    on_frame: Callable[[int, int | None], None] | None = None,
) -> dict[str, Any]:
    """Analyse one video like `formcheck analyze` and return its outcome as plain data.

    ``exercise`` None recognises it; ``model`` is a variant or a ``.task`` path; ``rules`` maps rule file names to
    their TOML text (custom rules, shipped as text so that a remote node needs no copy); ``name`` is the path the
    report and any error name (default ``path``); ``on_frame(done, total)`` follows the frames.

    Returns ``{"status": "ok" | "failed", "error": one line or None, "final_failure": the video itself is the
    cause (damaged, unreadable, nobody in view, exercise unclear: trying again would fail again), "report": the
    report dict or None, "files": {format: bytes}, "formcheck_version", "host"}``. A video where nobody is seen
    fails but still has its report. Ctrl-C is not an outcome: InterruptedAnalysis propagates.
    """
    name = name or str(path)
    outcome = failed_outcome(None)
    from formcheck.commands.analyze import analyze_command

    with tempfile.TemporaryDirectory(prefix="formcheck-batch-") as tmp:
        folder = Path(tmp)
        rules_dir = _write_rules(folder / "rules", rules) if rules else None
        written = {fmt: folder / f"report.{fmt}" for fmt in ("json", *formats)}
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # its summary and warnings: the batch reports them
                analyze_command(_path_arg(path), exercise, list(written.values()), None, None, rules_dir, model,
                                True, on_frame=on_frame, source_name=name)  # fmt: skip
            outcome["status"] = "ok"
        except InterruptedAnalysis:
            raise
        except (BadInputError, NoPersonError) as error:
            outcome.update(error=_one_line(str(error), path, name), final_failure=True)
        except FormcheckError as error:
            outcome["error"] = _one_line(str(error), path, name)
        except Exception as error:  # a bug must not stop the batch: one line, like the CLI's last line of defence
            outcome["error"] = _one_line(f"internal error: {type(error).__name__}: {error}", path, name)
        if written["json"].is_file():
            outcome["report"] = json.loads(written["json"].read_text(encoding="utf-8"))
            outcome["files"] = {fmt: written[fmt].read_bytes() for fmt in formats if written[fmt].is_file()}
    return outcome


def failed_outcome(error: str | None) -> dict[str, Any]:
    """The outcome of a video that could not be analysed (``error``: one line)."""
    return {"status": "failed", "error": error, "final_failure": False, "report": None, "files": {},
            "formcheck_version": formcheck_version(), "host": socket.gethostname()}


def _path_arg(path: str | Path) -> str:
    """The video as `analyze` takes it: never a bare number, which would open that camera."""
    text = str(path)
    return f"./{text}" if text.isdigit() else text


def _write_rules(folder: Path, rules: dict[str, str]) -> Path:
    folder.mkdir()
    for file_name, text in rules.items():
        (folder / Path(file_name).name).write_text(text, encoding="utf-8")
    return folder


def _one_line(message: str, path: str | Path, name: str) -> str:
    """The message on one line, naming the video as the user knows it."""
    return " ".join(message.replace(str(path), name).split())

"""What a new user trips over on the command line (issue 19, items 6 and 10).

Flags that take no value, `--version`, a bad `--model` is bad input (exit 2), a video with nobody in it and no
`--exercise` still gets its report, and the summary never prints "camera None".
"""

from __future__ import annotations

import json
import re
import zipfile
from importlib.metadata import version
from pathlib import Path

import jsonschema
import pytest

from formcheck.errors import EXIT_BAD_INPUT, EXIT_NO_PERSON
from formcheck.report.writers import _writers
from tests.media import assert_clean_error, blank_wall_video, run_formcheck, wall, write_frames

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "formcheck/report/schema.json").read_text())


# -- item 10: flags and --version -----------------------------------------------------------------------
@pytest.mark.parametrize("command", [[], ["analyze"], ["live"], ["model"], ["exercises"]])
def test_help_shows_boolean_options_as_flags_without_a_value(command: list[str]) -> None:
    done = run_formcheck(*command, "--help")
    assert done.returncode == 0, done.stderr
    assert "<bool>" not in done.stdout and "BOOLEAN" not in done.stdout, done.stdout
    assert "--help" in done.stdout


def test_quiet_is_a_flag_and_a_value_after_it_is_an_extra_argument(tmp_path: Path) -> None:
    video = write_frames(tmp_path / "v.mp4", [wall(64, 48)])
    done = run_formcheck("analyze", video, "-e", "hip_raise", "--quiet", "--model", tmp_path / "none.task")
    assert "unexpected extra argument" not in done.stderr  # --quiet took no value: the error is about the model
    assert_clean_error(done, EXIT_BAD_INPUT, "none.task")
    done = run_formcheck("analyze", video, "--quiet", "true")
    assert_clean_error(done, EXIT_BAD_INPUT, "true")


def test_version_prints_the_installed_version() -> None:
    done = run_formcheck("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"formcheck {version('formcheck')}"
    assert re.fullmatch(r"formcheck \d+\.\d+\.\d+\S*", done.stdout.strip())


# -- item 6: a bad --model is bad input ---------------------------------------------------------------------
def _fake_bundle(path: Path) -> Path:
    """A zip with the two member names of a pose bundle, but no models in them."""
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("pose_detector.tflite", b"not a model" * 10)
        bundle.writestr("pose_landmarks_detector.tflite", b"not a model either" * 10)
    return path


@pytest.mark.parametrize("kind", ["missing", "not_a_zip", "zip_of_junk", "unknown_variant"])
def test_a_bad_model_exits_2_with_one_line(kind: str, tmp_path: Path) -> None:
    video = write_frames(tmp_path / "v.mp4", [wall(64, 48)] * 3)
    model = {
        "missing": str(tmp_path / "nope.task"),
        "not_a_zip": str(tmp_path / "text.task"),
        "zip_of_junk": str(_fake_bundle(tmp_path / "junk.task")),
        "unknown_variant": "medium",
    }[kind]
    (tmp_path / "text.task").write_text("hello", encoding="utf-8")
    done = run_formcheck("analyze", video, "-e", "hip_raise", "-q", "--model", model)
    assert_clean_error(done, EXIT_BAD_INPUT, Path(model).name)


# -- item 6: nobody in view, no --exercise ------------------------------------------------------------------
def test_nobody_in_view_without_exercise_still_writes_every_report(tmp_path: Path) -> None:
    video = blank_wall_video(tmp_path / "wall.mp4", seconds=1.0)
    reports = [tmp_path / f"r{ext}" for ext in _writers()]
    done = run_formcheck("analyze", video, *[arg for r in reports for arg in ("--report", r)])
    assert done.returncode == EXIT_NO_PERSON, done.stderr
    assert "Traceback" not in done.stderr
    assert all(r.is_file() for r in reports), sorted(p.name for p in tmp_path.iterdir())
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data["exercise"] == "unknown" and data["recognition"]["exercise"] is None
    assert data["source"]["frames"] == 30 and data["person"]["frames_with_person"] == 0
    assert data["rep_count"] == 0 and data["cues"] == {} and data["score"] is None
    assert "Nobody was seen in the video" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "None" not in done.stderr  # the summary said "camera None"
    assert "camera view unknown" in done.stderr and "nobody" in done.stderr.splitlines()[-1]


# -- item 9: --target-reps reaches the report -----------------------------------------------------------------
def test_target_reps_on_the_command_line_is_the_reports_target(tmp_path: Path) -> None:
    video = write_frames(tmp_path / "one.mp4", [wall(64, 48)])
    report = tmp_path / "r.json"
    done = run_formcheck("analyze", video, "-e", "hip_raise", "-q", "--target-reps", "7", "--report", report)
    assert done.returncode == EXIT_NO_PERSON, done.stderr  # nobody in a wall: the report is written all the same
    assert json.loads(report.read_text(encoding="utf-8"))["target_reps"] == {"min": 7, "max": 7}

"""Acceptance: three sample videos analysed under a fresh FORMCHECK_DATA_DIR are three recorded sets, and their
progress report renders as PDF and HTML; a live set stopped with Ctrl-C still records what was analysed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formcheck.history.location import DATA_DIR_ENV
from tests.conftest import REPO, sample_clips
from tests.test_history_reports import assert_not_blank, pdf_pages, pdf_text
from tests.test_live_window import LiveApp, display, wait_for  # noqa: F401  (display: the virtual screen fixture)

pytestmark = pytest.mark.slow
SHORT = ("reverse_fly_faults", "bent_over_lateral_raise_faults", "seated_row_faults")  # the shortest samples
ARTIFACTS = REPO / "tests" / "artifacts"
WAIT_S = 900
LIVE_S = 5.0  # a bound on waiting on a busy machine, not a timed check


def test_three_sample_videos_record_three_sets(tmp_path: Path) -> None:
    clips = sample_clips()
    if not all(name in clips for name in SHORT):
        pytest.skip("sample videos missing")
    env = {**os.environ, DATA_DIR_ENV: str(tmp_path / "data"), "COLUMNS": "200"}
    procs = []
    for i, name in enumerate(SHORT):  # at the same time: three formcheck processes recording into one new database
        video, exercise = clips[name]
        cmd = [sys.executable, "-m", "formcheck", "analyze", str(video), "-e", exercise, "-q", "--report",
               str(tmp_path / f"{name}.json"), "--person", "Ann Lee", "--pain", str(2 + i), "--effort", "6"]
        procs.append(subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, stdin=subprocess.DEVNULL))  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=WAIT_S)
        assert proc.returncode == 0, err
    listed = json.loads(subprocess.run([sys.executable, "-m", "formcheck", "history", "--json"], env=env, cwd=REPO,
                                       capture_output=True, text=True, check=True).stdout)  # fmt: skip
    assert len(listed) == 3
    by_exercise = {s["exercise"]: s for s in listed}
    for name in SHORT:
        report = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        got = by_exercise[report["exercise"]]
        assert (got["rep_count"], got["score"], got["person"]) == (report["rep_count"], report["score"], "Ann Lee")
        assert got["partial_reps"] == len(report["partial_reps"]) and got["origin"] == "analyze"
    assert sorted(s["pain"] for s in listed) == [2, 3, 4]

    pdf, html = tmp_path / "p.pdf", tmp_path / "p.html"
    done = subprocess.run([sys.executable, "-m", "formcheck", "progress", "--report", str(pdf), "--report", str(html)],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=WAIT_S)  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages = pdf_pages(pdf, tmp_path / "pages")
    assert len(pages) == 1 + 3 + 1
    for page in pages:
        assert_not_blank(page)
    text = pdf_text(pdf)
    for report in by_exercise.values():
        assert report["exercise_name"] in text
    assert html.read_text(encoding="utf-8").count("<svg") == 4
    ARTIFACTS.mkdir(exist_ok=True)                  # kept for a person to look at (gitignored)
    for made in (pdf, html):
        shutil.copy(made, ARTIFACTS / f"progress_samples{made.suffix}")


def test_live_stopped_with_ctrl_c_records_what_was_analysed(display: str, tmp_path: Path,  # noqa: F811
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    report = tmp_path / "live.json"
    app = LiveApp(display, report, "--linger", "0", "--person", "Ann", "--note", "stopped early")
    try:
        wait_for(lambda: app.screenshot_showing("skeleton"), "somebody in view")
        time.sleep(LIVE_S)                          # let a few reps go by (the clip plays in real time)
        app.process.send_signal(signal.SIGINT)
        code, err = app.finish()
    finally:
        app.kill()
    assert code == 130, err
    listed = json.loads(subprocess.run([sys.executable, "-m", "formcheck", "history", "--json"], cwd=REPO,
                                       capture_output=True, text=True, check=True).stdout)  # fmt: skip
    (got,) = listed
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert (got["origin"], got["person"], got["note"], got["complete"]) == ("live", "Ann", "stopped early", False)
    assert got["rep_count"] == saved["rep_count"]

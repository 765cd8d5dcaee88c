"""Interruption and output safety: Ctrl-C keeps the work done, bad report paths are refused up front,
reports appear atomically."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from formcheck.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK
from formcheck.io.atomic import atomic_path, write_text_atomic
from tests.media import H264, assert_clean_error, ffmpeg, one_line, popen_formcheck, real_clip, run_formcheck

POLL_S = 0.05
START_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real hip raise played three times over (30 s, 360 px, 15 fps): long enough to interrupt."""
    out = tmp_path_factory.mktemp("interrupt") / "long.mp4"
    ffmpeg("-stream_loop", "2", "-i", real_clip("hip_raise_b.mp4"), "-vf", "scale=360:-2,fps=15", *H264, out)
    return out


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("short") / "short.mp4"
    ffmpeg("-t", "1", "-i", real_clip("hip_raise_a.mp4"), "-vf", "scale=240:-2", *H264, out)
    return out


def _landmark_rows_in_progress(folder: Path) -> int:
    """Rows written so far to the landmarks CSV, which lives under a temporary name until it is finished."""
    rows = 0
    for tmp in folder.glob(".landmarks.csv.*"):
        try:
            rows = max(rows, tmp.read_bytes().count(b"\n") - 1)
        except OSError:
            continue
    return rows


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_writes_the_partial_report_and_exits_130(long_clip: Path, tmp_path: Path) -> None:
    report, landmarks = tmp_path / "report.json", tmp_path / "landmarks.csv"
    proc = popen_formcheck("analyze", long_clip, "-e", "hip_raise", "-q", "--report", report, "--landmarks", landmarks)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while _landmark_rows_in_progress(tmp_path) < 30 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(POLL_S)
        assert proc.poll() is None, "the analysis ended before it could be interrupted"
        assert not report.exists()  # nothing under the final name while the analysis runs
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=START_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    line = one_line(stderr)
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert "interrupted" in line
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert "Ctrl-C" in data["interruption"]
    assert 30 <= data["source"]["frames"] < 450
    assert data["source"]["duration_s"] < 30
    rows = landmarks.read_text(encoding="utf-8").count("\n") - 1
    assert rows == data["source"]["frames"]  # the landmark export covers exactly the analysed frames
    assert sorted(p.name for p in tmp_path.iterdir()) == ["landmarks.csv", "report.json"]  # no temporary files


@pytest.mark.parametrize(
    ("report", "fragment"),
    [
        ("missing_folder/report.json", "does not exist"),
        ("a_folder", "directory"),
        ("/proc/formcheck-report.json", "cannot"),
    ],
)
def test_unwritable_report_path_is_refused_before_analysis(
    report: str, fragment: str, long_clip: Path, tmp_path: Path
) -> None:
    """Refused with exit 2 before any frame is analysed: the landmark export never even starts."""
    if report == "a_folder":
        (tmp_path / "a_folder.json").mkdir()
        report = "a_folder.json"
    if report.startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("no /proc here")
    target = Path(report) if report.startswith("/") else tmp_path / report
    landmarks = tmp_path / "landmarks.csv"
    proc = run_formcheck("analyze", long_clip, "-e", "hip_raise", "-q", "--report", target, "--landmarks", landmarks)
    assert_clean_error(proc, EXIT_BAD_INPUT, str(target), fragment)
    assert not landmarks.exists()
    assert not list(tmp_path.glob(".landmarks.csv.*"))


def test_unwritable_landmarks_path_is_refused(long_clip: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "landmarks.csv"
    proc = run_formcheck("analyze", long_clip, "-e", "hip_raise", "-q", "--landmarks", target)
    assert_clean_error(proc, EXIT_BAD_INPUT, str(target), "does not exist")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_folder_is_refused(long_clip: Path, tmp_path: Path) -> None:
    """A folder without write permission; for root, who may write anywhere on disk, /proc (no files can be made)."""
    folder = Path("/proc") if os.geteuid() == 0 else tmp_path / "locked"
    if folder != Path("/proc"):
        folder.mkdir()
        folder.chmod(0o555)
    try:
        proc = run_formcheck("analyze", long_clip, "-e", "hip_raise", "-q", "--report", folder / "r.json")
    finally:
        if folder != Path("/proc"):
            folder.chmod(0o755)
    assert_clean_error(proc, EXIT_BAD_INPUT, "cannot")
    assert not (folder / "r.json").exists()


def test_existing_report_is_replaced_in_one_rename(short_clip: Path, tmp_path: Path) -> None:
    """The old report stays whole until the new one, fully written under a temporary name, is renamed over it."""
    report = tmp_path / "report.json"
    report.write_text('{"old": true}\n', encoding="utf-8")
    old_inode = report.stat().st_ino
    proc = run_formcheck("analyze", short_clip, "-e", "hip_raise", "-q", "--report", report)
    assert proc.returncode == EXIT_OK, proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and "old" not in data
    assert report.stat().st_ino != old_inode  # a new file renamed into place, not the old one rewritten
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """A write that fails half way (disk full, Ctrl-C) leaves the old file whole and no temporary file."""
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"), atomic_path(target) as tmp:
        tmp.write_text("half a rep", encoding="utf-8")
        raise OSError("disk full")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    write_text_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]

"""The HTML report in a real headless browser (Debian's chromium): it renders, offline, without console errors.

Screenshots are kept in tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.report.build import build_report
from formcheck.report.html_report import write_html

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WINDOW = (1280, 2400)
GUARD_S = 180  # a hung browser fails the test instead of hanging the run (not a timing assertion)


@pytest.fixture(scope="module")
def chromium() -> str:
    """Path of the chromium binary; missing is a skip on a developer machine but a failure in CI."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, but CI must run the browser test (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


def screenshot(chromium: str, page: Path, png: Path, profile: Path) -> list[str]:
    """Render ``page`` headless into ``png``; returns the browser's console messages."""
    png.unlink(missing_ok=True)
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
        f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.resolve().as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=GUARD_S, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    assert png.exists(), f"chromium wrote no screenshot:\n{done.stderr[-3000:]}"
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_console_messages_are_seen(chromium: str, tmp_path: Path) -> None:
    """The console check itself works: a page with a script error is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom'); notDefined();</script>", encoding="utf-8")
    messages = screenshot(chromium, page, tmp_path / "broken.png", tmp_path / "profile")
    assert any("boom" in m for m in messages) and any("Uncaught" in m for m in messages), messages


def test_report_renders_in_chromium(chromium: str, sample_name: str, analysed_samples, tmp_path: Path) -> None:
    analysis = analysed_samples[sample_name]
    page = tmp_path / f"{sample_name}.html"
    report = build_report(analysis)
    write_html(page, report, analysis)
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / f"report_{sample_name}.png"
    messages = screenshot(chromium, page, png, tmp_path / "profile")
    assert messages == [], "\n".join(messages)

    image = cv2.imread(str(png))
    assert image is not None and image.shape[:2] == (WINDOW[1], WINDOW[0])
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert float(gray.std()) > 10.0, "the screenshot is blank"
    rows_with_content = np.mean(gray.std(axis=1) > 4.0)
    assert rows_with_content > 0.3, f"only {rows_with_content:.0%} of the screenshot's rows show anything"
    if report["reps"]:  # the chart's lines and bands (and key frames) are in colour; text and cards are grey
        saturated = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1] > 60
        assert saturated.mean() > 0.01, "no chart or key frame colour visible"

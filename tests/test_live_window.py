"""`formcheck live` in a real window on a virtual screen (Xvfb): screenshots (at 480p, 1080p and 4K), keys, Ctrl-C,
same count as analyze.

Needs Xvfb, xdotool and ImageMagick's `import`; skipped locally without them, a failure in CI (env CI set).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.analysis.coach import summary_state
from formcheck.commands.live import saved_lines
from formcheck.draw.hud import COUNTDOWN, SKELETON_COLOR, HudAnnotator
from formcheck.draw.layout import overlaps
from formcheck.rules.loader import find_exercise
from tests.conftest import REALWORLD, SAMPLES, sample_clips
from tests.media import ctrl_c_as_in_a_terminal

pytestmark = pytest.mark.slow
TOOLS = ("Xvfb", "xdotool", "import")
TITLE = "formcheck live"
WAIT_S = 300.0          # generous limits on a busy machine; they bound waiting, nothing is timed


def _clip() -> tuple[Path, str] | None:
    """The shortest sample video with a truth file, else the real hip raise clip (3 reps)."""
    clips = [c for name, c in sample_clips().items() if not name.startswith("seated_row")]
    if clips:
        return min(clips, key=lambda c: cv2.VideoCapture(str(c[0])).get(cv2.CAP_PROP_FRAME_COUNT))
    fallback = REALWORLD / "hip_raise_b.mp4"
    return (fallback, "hip_raise") if fallback.exists() else None


CLIP = _clip()


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {', '.join(missing)} (apt-get install xvfb xdotool imagemagick)")
        pytest.skip(f"needs {', '.join(missing)}")
    if CLIP is None:
        pytest.skip("no sample video (sample_videos/ or ../shared/realworld)")
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    number = server.stdout.readline().strip() if server.stdout else ""
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def wait_for(check: Callable[[], object], what: str, limit_s: float = WAIT_S) -> object:
    """Poll ``check`` until it returns something other than None/False (a bound on waiting, not a timed check)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        result = check()
        if result is not None and result is not False:
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


class LiveApp:
    """`formcheck live` running on the virtual display."""

    def __init__(self, display: str, report: Path, *extra: str, clip: tuple[Path, str] | None = None) -> None:
        clip = clip or CLIP
        assert clip is not None
        self.env = {**os.environ, "DISPLAY": display}
        cmd = [sys.executable, "-m", "formcheck", "live", "--camera", str(clip[0]), "-e", clip[1],
               "--report", str(report), *extra]  # fmt: skip
        self.process = subprocess.Popen(cmd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        preexec_fn=ctrl_c_as_in_a_terminal)  # fmt: skip
        self.window = str(wait_for(self._find_window, "the live window"))
        # On a bare X server (no window manager) Qt now and then misses its window's first map and never paints
        # it (about 1 run in 10: all black). Mapping it once more makes Qt paint; a desktop's window manager
        # does this itself.
        for action in ("windowunmap", "windowmap"):
            subprocess.run(["xdotool", action, "--sync", self.window], env=self.env, capture_output=True, timeout=30)

    def _find_window(self) -> str | None:
        if self.process.poll() is not None:
            raise AssertionError(f"live exited early: {self.process.communicate()[1]}")
        found = subprocess.run(["xdotool", "search", "--name", TITLE], env=self.env, capture_output=True, text=True)
        return found.stdout.split()[0] if found.stdout.split() else None

    def screenshot(self) -> np.ndarray:
        """The window as the X server shows it (ImageMagick `import`)."""
        done = subprocess.run(["import", "-window", self.window, "png:-"], env=self.env, capture_output=True)
        if done.returncode != 0:
            if self.process.poll() is not None:
                raise AssertionError(f"live ended before the screenshot: {self.process.communicate()[1]}")
            raise AssertionError(f"import failed: {done.stderr.decode(errors='replace')}")
        return cv2.imdecode(np.frombuffer(done.stdout, np.uint8), cv2.IMREAD_COLOR)

    def screenshot_showing(self, *parts: str) -> np.ndarray | None:
        """A screenshot in which every named part of the overlay is visible (else None)."""
        shot = self.screenshot()
        return shot if shot is not None and all(hud_parts(shot)[part] for part in parts) else None

    def key(self, name: str) -> None:
        subprocess.run(["xdotool", "key", "--window", self.window, name], env=self.env, capture_output=True)

    def finish(self) -> tuple[int, str]:
        _, err = self.process.communicate(timeout=WAIT_S)
        return self.process.returncode, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def colour(image: np.ndarray, bgr: tuple[int, int, int], tolerance: int = 8) -> np.ndarray:
    return np.all(np.abs(image.astype(int) - np.array(bgr)) <= tolerance, axis=2)


def hud_parts(shot: np.ndarray) -> dict[str, bool]:
    """Which parts of the overlay a screenshot of the window shows (positions follow the HUD's layout)."""
    h, w = shot.shape[:2]
    s = w / HudAnnotator().design_width
    count_panel = shot[round(16 * s): round(100 * s), round(24 * s): round(290 * s)]
    cue_band = shot[h - round(40 * s):, :]

    def panel_with_text(part: np.ndarray) -> bool:
        dark = (part.max(axis=2) < 100).mean() > 0.5          # the translucent panel
        text = (part.max(axis=2) > 150).sum() > 40 * s * s     # bright or coloured letters on it
        return bool(dark and text)

    return {
        "skeleton": bool(colour(shot, SKELETON_COLOR).sum() > 300),
        "count": panel_with_text(count_panel),
        "cue": panel_with_text(cue_band),
        "summary": bool(colour(shot, COUNTDOWN, 30)[h // 4: 3 * h // 4].sum() > 200),
    }


def analyze_count(tmp_path: Path) -> int:
    assert CLIP is not None
    out = tmp_path / "analyze.json"
    cmd = [sys.executable, "-m", "formcheck", "analyze", str(CLIP[0]), "-e", CLIP[1], "-q", "--report", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=WAIT_S)
    return json.loads(out.read_text())["rep_count"]


def test_live_window_shows_skeleton_count_and_cue_and_counts_like_analyze(display: str, tmp_path: Path) -> None:
    report = tmp_path / "live.json"
    app = LiveApp(display, report, "--linger", str(WAIT_S))
    try:
        shot = wait_for(lambda: app.screenshot_showing("skeleton", "count", "cue"), "skeleton, count and a cue")
        cv2.imwrite(str(tmp_path / "playing.png"), shot)
        assert not hud_parts(shot)["summary"]
        wait_for(report.exists, "the end of the video")        # the report is written, then the summary is shown
        summary = wait_for(lambda: app.screenshot_showing("summary"), "the set summary")
        cv2.imwrite(str(tmp_path / "summary.png"), summary)
        app.key("q")
        code, err = app.finish()
    finally:
        app.kill()
    assert code == 0, err
    live = json.loads(report.read_text())
    assert live["complete"] is True and live["exercise"] == CLIP[1]
    assert live["rep_count"] == analyze_count(tmp_path)
    assert "capture-to-display latency" in err


def test_q_quits_and_leaves_the_report(display: str, tmp_path: Path) -> None:
    report = tmp_path / "q.json"
    app = LiveApp(display, report, "--linger", "0")
    try:
        wait_for(lambda: app.screenshot_showing("skeleton"), "the first analysed frames")   # the model is loaded
        app.key("q")
        code, err = app.finish()
    finally:
        app.kill()
    assert code == 0, err
    saved = json.loads(report.read_text())
    assert saved["complete"] is True and saved["source"]["frames"] >= 1


def test_ctrl_c_leaves_the_report(display: str, tmp_path: Path) -> None:
    report = tmp_path / "c.json"
    app = LiveApp(display, report, "--linger", "0")
    try:
        wait_for(lambda: app.screenshot_showing("skeleton"), "the first analysed frames")   # the model is loaded
        app.process.send_signal(signal.SIGINT)
        code, err = app.finish()
    finally:
        app.kill()
    assert code == 130, err
    saved = json.loads(report.read_text())
    assert saved["complete"] is False and "Ctrl-C" in saved["interruption"]
    assert "interrupted" in err and "the sets so far were saved" in err and str(report) in err


def test_every_sample_fed_as_a_camera_counts_like_analyze(display: str, sample_name: str, tmp_path: Path) -> None:
    """Played in real time as a camera, each sample gives the rep count `analyze` gives (its truth, which
    tests/test_samples.py checks `analyze` against)."""
    from tools.synth.truth import load_truth, truth_path

    video, exercise = sample_clips()[sample_name]
    truth_file = truth_path(video)
    truth = load_truth(truth_file if truth_file.exists() else truth_file.with_name(truth_file.name + ".gz"))
    report = tmp_path / "live.json"
    app = LiveApp(display, report, "--linger", "0", clip=(video, exercise))
    try:
        code, err = app.finish()
    finally:
        app.kill()
    assert code == 0, err
    live = json.loads(report.read_text())
    assert live["complete"] is True
    assert (live["rep_count"], live["reps_by_side"]) == (truth["rep_count"], truth["reps_by_side"])


# -- the overlay at 480p, 1080p and 4K (issue 19, item 5) ---------------------------------------------------
RESOLUTIONS = {"480p": (854, 480), "1080p": (1920, 1080), "4k": (3840, 2160)}
FAULTS_CLIP = SAMPLES / "seated_row_faults.mp4"


def keep_screenshot(image: np.ndarray, name: str, tmp_path: Path) -> None:
    """Save a screenshot beside the test, and in $FORMCHECK_SCREENS when set (to look at them)."""
    cv2.imwrite(str(tmp_path / name), image)
    folder = os.environ.get("FORMCHECK_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(Path(folder) / name), image)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_overlay_layout_holds_at_480p_1080p_and_4k(display: str, resolution: str, tmp_path: Path) -> None:
    """A faulty seated row played as a camera at three resolutions: the camera shows from the first screenshot,
    the playing overlay has names and a fix, and the summary's layout (from the HUD's geometry) keeps its
    "press any key" box apart from it and everything inside the window."""
    from tests.media import H264, ffmpeg

    if not FAULTS_CLIP.exists():
        pytest.skip("needs sample_videos/seated_row_faults.mp4")
    width, height = RESOLUTIONS[resolution]
    video = tmp_path / f"seated_row_{resolution}.mp4"
    ffmpeg("-t", "12", "-i", FAULTS_CLIP, "-vf", f"scale=-2:{height},pad={width}:{height}:(ow-iw)/2:0", *H264,
           "-crf", "30", video)  # fmt: skip
    report = tmp_path / "live.json"
    app = LiveApp(display, report, "--linger", str(WAIT_S), clip=(video, "seated_row"))
    try:
        first = wait_for(lambda: app.screenshot() if app.screenshot().max() > 0 else None, "a first picture")
        keep_screenshot(first, f"live_{resolution}_start.png", tmp_path)
        assert np.median(first) > 20                          # the camera's picture from the start, not black
        playing = wait_for(lambda: app.screenshot_showing("skeleton", "count", "cue"), "skeleton, count and a cue")
        keep_screenshot(playing, f"live_{resolution}_playing.png", tmp_path)
        wait_for(report.exists, "the end of the video")
        shot = wait_for(lambda: app.screenshot_showing("summary"), "the set summary")
        keep_screenshot(shot, f"live_{resolution}_summary.png", tmp_path)
        app.key("q")
        code, err = app.finish()
    finally:
        app.kill()
    assert code == 0, err
    shown = (min(width, 1280), min(height, 720))                # the window fits the picture in 1280x720
    assert (shot.shape[1], shot.shape[0]) == shown
    saved = json.loads(report.read_text())
    state = summary_state(saved, find_exercise("seated_row"), "press any key to close", saved_lines([report], 1))
    layout = HudAnnotator().layout(*shown, state)
    boxes = layout.boxes()
    assert {"count", "summary", "status"} <= boxes.keys()
    assert all(box.inside(*shown) for box in boxes.values()) and overlaps(layout) == []
    assert boxes["status"].y0 >= boxes["summary"].y1          # "press any key" below the summary, not over it
    # the window shows that layout: the amber title inside the summary box, the key box dark with text on it
    amber = colour(shot, COUNTDOWN, 30)
    summary_box, status_box = boxes["summary"], boxes["status"]
    inside = amber[summary_box.y0:summary_box.y1, summary_box.x0:summary_box.x1].sum()
    assert inside > 100 and inside >= 0.95 * amber.sum()
    status = shot[status_box.y0:status_box.y1, status_box.x0:status_box.x1].max(axis=2)
    assert (status < 100).mean() > 0.5 and (status > 150).sum() > 50


def test_voice_without_a_sound_device_says_so_once(display: str, tmp_path: Path) -> None:
    """espeak-ng exits 0 with no sound device; live must not stay silent about it."""
    from tests.test_live import _has_sound_device

    if shutil.which("espeak-ng") is None or _has_sound_device():
        pytest.skip("needs espeak-ng on a machine without a sound device")
    app = LiveApp(display, tmp_path / "v.json", "--voice", "--linger", "0")
    try:
        code, err = app.finish()
    finally:
        app.kill()
    assert code == 0, err
    assert err.count("voice off") == 1 and "no sound" in err, err


WORKOUT = SAMPLES / "back_workout.mp4"


@pytest.mark.skipif(not WORKOUT.exists(), reason="workout sample not rendered")
def test_live_plan_fed_the_workout_sample_as_a_camera_gives_its_sets(display: str, tmp_path: Path) -> None:
    """Acceptance of `live --plan`: the rendered workout played as a camera gives every set's exercise and reps as
    its truth says, and one report with the plan's adherence."""
    from tools.synth.workout import load_workout_truth

    report = tmp_path / "workout.json"
    cmd = [sys.executable, "-m", "formcheck", "live", "--plan", "back-routine", "--camera", str(WORKOUT),
           "--report", str(report), "--report", str(tmp_path / "workout.html"), "--no-history"]  # fmt: skip
    process = subprocess.run(cmd, env={**os.environ, "DISPLAY": display}, capture_output=True, text=True,
                             timeout=2 * WAIT_S)  # fmt: skip
    assert process.returncode == 0, process.stderr
    saved = json.loads(report.read_text())
    truth = load_workout_truth(SAMPLES / "back_workout.truth.json.gz")
    assert [(s["exercise"], s["rep_count"], s["reps_by_side"]) for s in saved["sets"]] == [
        (s["exercise"], s["reps"], s["reps_by_side"]) for s in truth["sets"]]
    assert saved["plan"]["id"] == "back-routine" and saved["adherence"]["summary"].startswith("5 of 5 planned sets")
    assert "recognised, counting" in process.stderr and "next: set 2 of 5" in process.stderr

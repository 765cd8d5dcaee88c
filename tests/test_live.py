"""Live mode without a screen: newest-frame capture, the session's keys and reports, drawing, voice."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from formcheck.commands.live import LiveSession, per_exercise_path
from formcheck.draw.hud import SKELETON_COLOR
from formcheck.errors import BadInputError
from formcheck.io.realtime import LatestFrameGrabber, LiveFeed
from formcheck.io.source import Frame, FrameSource
from formcheck.io.speech import Speaker
from formcheck.io.window import PreviewWindow
from formcheck.rules.loader import find_exercise, load_all
from formcheck.session import run_analysis
from tests.test_coach import _lying_pose

FPS = 30.0


class SyntheticSource(FrameSource):
    """``count`` grey frames at 30 fps; ``live`` makes it behave like a camera (its end means it was lost)."""

    def __init__(self, count: int, live: bool = False, size: tuple[int, int] = (320, 240)) -> None:
        self.count, self.is_live, self.size = count, live, size
        self.name, self.fps, self.closed = "synthetic", FPS, False

    def __iter__(self):
        for i in range(self.count):
            yield Frame(i, round(i * 1000 / FPS), np.full((self.size[1], self.size[0], 3), 90, np.uint8))

    def close(self) -> None:
        self.closed = True


def bridge_lift(t_s: float, reps: int = 3, period_s: float = 1.6) -> float:
    """Hip lift angle over time: ``reps`` bridges (0.4 s up, 0.5 s at the top, 0.4 s down, 0.3 s rest)."""
    if t_s < 0.5 or t_s >= 0.5 + reps * period_s:
        return 2.0
    phase = (t_s - 0.5) % period_s
    ramp = [(0.0, 2.0), (0.4, 28.0), (0.9, 28.0), (1.3, 2.0), (period_s, 2.0)]
    xs, ys = zip(*ramp, strict=True)
    return float(np.interp(phase, xs, ys))


def bridge_detect(frame: Frame):
    return _lying_pose(frame.timestamp_ms, bridge_lift(frame.timestamp_ms / 1000))


class FakeWindow:
    """Stands in for the OpenCV window: records what is shown and presses scripted keys at given show calls."""

    max_width, max_height = 1280, 720

    def __init__(self, keys: dict[int, str] | None = None, probes: dict | None = None) -> None:
        self.keys, self.calls, self.last = keys or {}, 0, None
        self.probes, self.probed = probes or {}, {}
        self.waits: list[int] = []

    def prepare(self, image: np.ndarray, mirror: bool = False) -> np.ndarray:
        return PreviewWindow.prepare(self, image, mirror)  # type: ignore[arg-type]

    def show(self, image: np.ndarray, wait_ms: int = 1) -> int | None:
        self.calls += 1
        self.last = image
        if self.calls in self.probes:
            self.probed[self.calls] = self.probes[self.calls]()
        self.waits.append(wait_ms)
        key = self.keys.get(self.calls)
        if key is None:
            return None
        return {"esc": 27, "space": 32}[key] if len(key) > 1 else ord(key)

    def close(self) -> None:
        pass


def session(source: FrameSource, tmp_path: Path, keys: dict[int, str] | None = None, pace: bool = True,
            exercise: str | None = "hip_raise", detect=bridge_detect) -> tuple[LiveSession, FakeWindow]:  # fmt: skip
    window = FakeWindow(keys)
    grabber = LatestFrameGrabber(source, pace=pace).start()
    live = LiveSession(grabber, detect, load_all(), exercise, [tmp_path / "set.json"], window,  # type: ignore[arg-type]
                       Console(stderr=True, quiet=True), linger_s=0.0)  # fmt: skip
    return live, window


# -- newest-frame capture ----------------------------------------------------------------------------


def test_a_slow_reader_gets_the_newest_frame_and_the_rest_are_dropped() -> None:
    source = SyntheticSource(200)
    grabber = LatestFrameGrabber(source, pace=False).start()
    grabber.join()                               # the reader is slower than the camera: all 200 arrive first
    last = grabber.next()
    assert last is not None and last.index == 199   # the newest one, not the next in line
    assert grabber.next() is None and grabber.ended and not grabber.lost
    assert grabber.grabbed == 200 and grabber.dropped == 199


def test_frames_come_in_order_never_twice() -> None:
    grabber = LatestFrameGrabber(SyntheticSource(60), pace=True).start()
    seen = []
    while (frame := grabber.next()) is not None:
        seen.append(frame.index)
    assert seen == sorted(set(seen)) and seen[-1] == 59
    assert len(seen) + grabber.dropped == 60


def test_a_camera_that_stops_delivering_is_lost_and_ends_the_set() -> None:
    grabber = LatestFrameGrabber(SyntheticSource(5, live=True)).start()
    feed = LiveFeed(grabber)
    assert len(list(feed)) >= 1
    assert grabber.lost and feed.reason == "lost"
    stopped = LatestFrameGrabber(SyntheticSource(10**6, live=True)).start()
    stopped.stop()
    assert not stopped.lost and stopped.source.closed


# -- the session: same analysis, keys, reports -------------------------------------------------------


def test_live_counts_the_same_reps_as_the_offline_analysis(tmp_path: Path) -> None:
    frames = round(5.8 * FPS)
    offline = run_analysis(SyntheticSource(frames), bridge_detect, find_exercise("hip_raise"))
    live, window = session(SyntheticSource(frames), tmp_path)
    outcome = live.run()
    report = live.finish(outcome)
    assert outcome.reason == "ended" and report["complete"]
    assert offline.rep_count == 3
    assert report["rep_count"] == offline.rep_count
    saved = json.loads((tmp_path / "set.json").read_text())
    assert saved["rep_count"] == 3 and saved["exercise"] == "hip_raise"
    skeleton = np.all(window.last == np.array(SKELETON_COLOR, np.uint8), axis=2)
    assert skeleton.sum() > 50                   # the body is drawn on what was shown


def test_without_an_exercise_live_recognises_it_then_counts(tmp_path: Path) -> None:
    live, _ = session(SyntheticSource(round(6 * FPS)), tmp_path, exercise=None)
    outcome = live.run()
    report = live.finish(outcome)
    assert report["recognition"]["exercise"] == "hip_raise" == report["exercise"]
    assert report["rep_count"] == 3                  # the reps seen while recognising are replayed, not lost
    assert live.rules is not None and live.rules.id == "hip_raise"   # kept for the next set


def test_keys_save_switch_reset_and_quit(tmp_path: Path) -> None:
    keys = {20: "s", 40: "e", 60: "r", 80: "q"}
    live, _ = session(SyntheticSource(10**4), tmp_path, keys)
    ids = list(load_all())
    outcome = live.run()
    live.finish(outcome)
    assert outcome.reason == "quit"
    assert live.rules.id == ids[(ids.index("hip_raise") + 1) % len(ids)]   # e moved on to the next exercise
    assert outcome.analysis.rules.id == live.rules.id
    assert outcome.analysis.frames_seen == 20                      # r started the set afresh at call 60
    report = json.loads((tmp_path / "set.json").read_text())
    assert report["exercise"] == live.rules.id and report["complete"]
    assert live.grabber.source.closed is False                               # the camera stays open between sets
    live.grabber.stop()


def test_s_saves_the_set_so_far(tmp_path: Path) -> None:
    report = tmp_path / "set.json"
    live, window = session(SyntheticSource(10**4), tmp_path, {100: "s", 102: "q"})
    window.probes = {99: report.exists, 101: lambda: json.loads(report.read_text())}
    outcome = live.run()
    assert window.probed[99] is False
    saved = window.probed[101]
    assert saved["complete"] is False and "saved during the set" in saved["interruption"]
    assert 1 <= saved["rep_count"] <= live.finish(outcome)["rep_count"]
    assert saved["source"]["frames"] == 100
    live.grabber.stop()


def test_switching_exercise_keeps_a_set_with_reps_beside_the_report(tmp_path: Path) -> None:
    live, _ = session(SyntheticSource(10**4), tmp_path, {130: "e", 135: "q"})
    live.finish(live.run())
    kept = per_exercise_path(tmp_path / "set.json", "hip_raise")
    assert kept.name == "set.hip_raise.json"
    assert json.loads(kept.read_text())["rep_count"] >= 2
    live.grabber.stop()


def test_space_pauses_until_space_again(tmp_path: Path) -> None:
    live, window = session(SyntheticSource(10**4), tmp_path, {10: "space", 14: "space", 20: "q"})
    outcome = live.run()
    assert window.waits[10:13] == [50, 50, 50]    # the paused loop redraws the frozen frame
    assert outcome.analysis.frames_seen == 20 - 4
    live.grabber.stop()


def test_camera_lost_mid_set_saves_an_incomplete_report(tmp_path: Path) -> None:
    live, _ = session(SyntheticSource(round(2.5 * FPS), live=True), tmp_path)
    outcome = live.run()
    report = live.finish(outcome)
    assert outcome.reason == "lost"
    assert report["complete"] is False and "camera" in report["interruption"]
    assert json.loads((tmp_path / "set.json").read_text())["complete"] is False


def test_camera_frames_are_mirrored_and_so_is_the_skeleton(tmp_path: Path) -> None:
    source = SyntheticSource(20, live=True, size=(1000, 1000))
    live, window = session(source, tmp_path, detect=lambda f: _lying_pose(f.timestamp_ms, 2.0))
    live.run()
    shown = window.last
    pose = _lying_pose(0, 2.0)
    from formcheck.pose.landmarks import Landmark

    x, y = pose.pixels(Landmark.RIGHT_KNEE)
    mirrored = (round(1000 - x) * 720 // 1000, round(y) * 720 // 1000)   # shown at 720 px, flipped
    patch = shown[mirrored[1] - 4: mirrored[1] + 5, mirrored[0] - 4: mirrored[0] + 5]
    assert np.all(patch == np.array(SKELETON_COLOR, np.uint8), axis=2).any()
    straight = (round(x) * 720 // 1000, round(y) * 720 // 1000)
    patch = shown[straight[1] - 4: straight[1] + 5, straight[0] - 4: straight[0] + 5]
    assert not np.all(patch == np.array(SKELETON_COLOR, np.uint8), axis=2).any()


# -- voice ---------------------------------------------------------------------------------------------


def test_speaker_runs_the_command_in_the_background(tmp_path: Path) -> None:
    said = tmp_path / "said.txt"
    speaker = Speaker([sys.executable, "-c", f"import sys; open({str(said)!r}, 'a').write(sys.argv[1] + '\\n')"])
    speaker.say("three")
    speaker.close()
    assert said.read_text().splitlines() == ["three"]
    assert speaker.failures == 0


def test_voice_without_espeak_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(BadInputError, match="espeak-ng"):
        Speaker()

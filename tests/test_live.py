"""Live mode without a screen: newest-frame capture, the session's keys and reports (every set kept), the camera
shown while the model loads, drawing, voice."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from formcheck.commands.live import LiveSession, start_grabber
from formcheck.commands.live_sets import SetFiles
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
            exercise: str | None = "hip_raise", detect=bridge_detect, reports: list[Path] | None = None,
            speaker=None, console: Console | None = None) -> tuple[LiveSession, FakeWindow]:  # fmt: skip
    window = FakeWindow(keys)
    grabber = LatestFrameGrabber(source, pace=pace).start()
    reports = [tmp_path / "set.json"] if reports is None else reports
    live = LiveSession(grabber, detect, load_all(), exercise, reports, window,  # type: ignore[arg-type]
                       console or Console(stderr=True, quiet=True), speaker=speaker, linger_s=0.0)  # fmt: skip
    return live, window


def saved_sets(folder: Path) -> dict[str, dict]:
    """{file name: report} of every JSON report in ``folder``."""
    return {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


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
    assert report["exercise"] == "hip_raise" and report["complete"]         # the set saved with s, completed by e
    assert report["source"]["frames"] == 40
    assert list(saved_sets(tmp_path)) == ["set.json"]     # the later sets had no reps and were never saved
    assert live.grabber.source.closed is False                               # the camera stays open between sets
    live.grabber.stop()


# -- every set of a session is kept (issue 19, item 2) ------------------------------------------------


def test_s_then_e_then_q_keeps_each_set_under_its_own_exercise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first set (saved with s) stays in the file named after its exercise; the second gets its own."""
    monkeypatch.chdir(tmp_path)                 # without --report the sets are saved in the working folder
    live, _ = session(SyntheticSource(10**4), tmp_path, {10: "s", 20: "e", 170: "q"},
                      exercise="bent_over_lateral_raise", reports=[])  # fmt: skip
    live.finish(live.run())
    live.grabber.stop()
    sets = saved_sets(tmp_path)
    assert len(sets) == 2, list(sets)
    for name, report in sets.items():
        assert name.startswith(f"formcheck-live-{report['exercise']}-"), name   # each file holds its own exercise
    by_exercise = {r["exercise"]: r for r in sets.values()}
    assert by_exercise.keys() == {"bent_over_lateral_raise", "hip_raise"}
    assert by_exercise["bent_over_lateral_raise"]["source"]["frames"] == 20       # the whole first set, up to e
    assert by_exercise["hip_raise"]["rep_count"] >= 2
    assert [s.exercise for s in live.files.sets] == ["bent_over_lateral_raise", "hip_raise"]


def test_s_then_e_then_q_with_a_report_name_keeps_the_first_set_there(tmp_path: Path) -> None:
    live, _ = session(SyntheticSource(10**4), tmp_path, {10: "s", 20: "e", 170: "q"},
                      exercise="bent_over_lateral_raise", reports=[tmp_path / "set.json", tmp_path / "set.csv"])
    live.finish(live.run())
    live.grabber.stop()
    sets = saved_sets(tmp_path)
    assert sets["set.json"]["exercise"] == "bent_over_lateral_raise"
    (second,) = [name for name in sets if name != "set.json"]
    assert second.startswith("set.hip_raise-") and sets[second]["rep_count"] >= 2
    assert (tmp_path / second).with_suffix(".csv").exists() and (tmp_path / "set.csv").exists()   # every format


def test_s_r_e_q_keeps_the_set_saved_with_s(tmp_path: Path) -> None:
    report = tmp_path / "set.json"
    live, window = session(SyntheticSource(10**4), tmp_path, {100: "s", 175: "r", 180: "e", 185: "q"})
    window.probes = {101: lambda: json.loads(report.read_text())}
    live.finish(live.run())
    live.grabber.stop()
    saved_with_s = window.probed[101]
    kept = json.loads(report.read_text())
    assert kept["exercise"] == "hip_raise" and kept["rep_count"] >= saved_with_s["rep_count"] >= 1
    assert kept["source"]["frames"] == 175           # completed when r ended it (the bridges were over by then)
    assert list(saved_sets(tmp_path)) == ["set.json"]


def test_a_reset_set_with_reps_is_kept_even_unsaved(tmp_path: Path) -> None:
    live, _ = session(SyntheticSource(10**4), tmp_path, {130: "r", 150: "q"})
    live.finish(live.run())
    live.grabber.stop()
    sets = saved_sets(tmp_path)
    assert list(sets) == ["set.json"] and sets["set.json"]["rep_count"] >= 2    # the last set (no reps) is not


def test_keys_before_the_exercise_is_recognised_start_over_without_an_error(tmp_path: Path) -> None:
    live, _ = session(SyntheticSource(10**4), tmp_path, {5: "e", 10: "r", 15: "q"}, exercise=None)
    outcome = live.run()
    live.finish(outcome)
    live.grabber.stop()
    assert outcome.reason == "quit" and live.rules is not None   # e picked an exercise while recognising


def test_set_files_never_reuse_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    at = dt.datetime(2025, 5, 4, 10, 15, 2)
    files = SetFiles([])
    first, again = files.claim("hip_raise", at), files.claim("hip_raise", at)   # two sets within one second
    assert first == [Path("formcheck-live-hip_raise-20250504-101502.json")]
    assert again == [Path("formcheck-live-hip_raise-20250504-101502-2.json")]
    Path("formcheck-live-seated_row-20250504-101502.json").write_text("{}")     # left by an earlier session
    assert files.claim("seated_row", at) == [Path("formcheck-live-seated_row-20250504-101502-2.json")]
    named = SetFiles([Path("out/set.json"), Path("out/set.html")])
    assert named.claim("hip_raise", at) == [Path("out/set.json"), Path("out/set.html")]
    assert named.claim("seated_row", at) == [Path("out/set.seated_row-20250504-101502.json"),
                                             Path("out/set.seated_row-20250504-101502.html")]  # fmt: skip


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


def test_switching_exercise_keeps_a_set_with_reps(tmp_path: Path) -> None:
    live, _ = session(SyntheticSource(10**4), tmp_path, {130: "e", 135: "q"})
    live.finish(live.run())
    kept = json.loads((tmp_path / "set.json").read_text())
    assert kept["exercise"] == "hip_raise" and kept["rep_count"] >= 2
    live.grabber.stop()


# -- the camera shows while the model loads (no black start) ------------------------------------------


def test_the_camera_shows_while_the_pose_model_loads(tmp_path: Path) -> None:
    detected = []

    def detect(frame: Frame):
        detected.append(frame.index)
        return bridge_detect(frame)

    live, window = session(SyntheticSource(10**4, live=True), tmp_path, detect=None)
    shown_while_loading = []
    window.probes = {i: (lambda: shown_while_loading.append(window.last.copy())) for i in range(1, 6)}
    assert live.warm_up(lambda: window.calls >= 5) is True
    assert len(shown_while_loading) == 5 and not detected          # shown before any pose was detected
    for image in shown_while_loading:
        camera = np.all(image == 90, axis=2).mean()
        assert camera > 0.5, camera                                 # mostly the camera's picture, not a black window
    live.detect = detect
    window.keys = {window.calls + 40: "q"}
    outcome = live.run()
    assert outcome.reason == "quit" and len(detected) == 40        # then analysed as usual
    live.grabber.stop()


def test_a_file_played_as_a_camera_waits_on_its_first_frame_for_the_model(tmp_path: Path) -> None:
    """Nothing of a file is missed while the model loads: it shows its first frame, then plays from there."""
    detected = []

    def detect(frame: Frame):
        detected.append(frame.index)
        return bridge_detect(frame)

    window = FakeWindow()
    live = LiveSession(start_grabber(SyntheticSource(10**4)), None, load_all(), "hip_raise",  # type: ignore[arg-type]
                       [tmp_path / "set.json"], window, Console(quiet=True), linger_s=0.0)  # fmt: skip
    shown = []
    window.probes = {i: (lambda: shown.append(live._last[1].timestamp_ms)) for i in range(1, 31)}
    assert live.warm_up(lambda: window.calls >= 30) is True
    assert shown == [0] * 30                                        # the first frame, held
    live.detect = detect
    window.keys = {window.calls + 20: "q"}
    live.run()
    assert detected[0] == 0                                         # ... and analysed first
    live.grabber.stop()


def test_q_while_the_model_loads_quits(tmp_path: Path) -> None:
    live, window = session(SyntheticSource(10**4), tmp_path, {3: "q"}, detect=None)
    assert live.warm_up(lambda: False) is False
    assert window.calls == 3
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


NO_SOUND_CARD = (  # what espeak-ng prints, exiting 0, on a machine without a sound device
    "import sys; sys.stderr.write(\"ALSA lib confmisc.c:855:(parse_card) cannot find card '0'\\n"
    "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default\\nerror: No such file or directory\\n\")"
)


def test_speaker_notices_that_no_sound_came_out() -> None:
    speaker = Speaker([sys.executable, "-c", NO_SOUND_CARD])
    speaker.say("three")
    speaker.close()
    assert speaker.failures == 1
    assert speaker.problem is not None and "no sound" in speaker.problem and "Unknown PCM default" in speaker.problem
    fine = Speaker([sys.executable, "-c", "pass"])
    fine.say("three")
    fine.close()
    assert fine.problem is None and fine.failures == 0


def _has_sound_device() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return (Path("/dev/snd").exists() or bool(os.environ.get("PULSE_SERVER"))
            or (bool(runtime) and (Path(runtime) / "pulse").exists()))  # fmt: skip


@pytest.mark.skipif(shutil.which("espeak-ng") is None or _has_sound_device(),
                    reason="needs espeak-ng on a machine without a sound device")  # fmt: skip
def test_real_espeak_without_a_sound_device_is_noticed() -> None:
    speaker = Speaker()
    speaker.say("three")
    speaker.close()
    assert speaker.problem is not None and "no sound" in speaker.problem


class SilentSpeaker:
    """A voice that cannot be heard, as Speaker reports it."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.problem: str | None = "no sound could be played (no audio output device?): Unknown PCM default"

    def say(self, text: str) -> None:
        self.said.append(text)


def test_live_says_once_that_the_voice_cannot_be_heard(tmp_path: Path) -> None:
    out = io.StringIO()
    speaker = SilentSpeaker()
    live, window = session(SyntheticSource(10**4), tmp_path, {60: "q"}, speaker=speaker,
                           console=Console(file=out, width=200))  # fmt: skip
    window.probes = {30: live._status_text}
    live.finish(live.run())
    live.grabber.stop()
    assert out.getvalue().count("voice off") == 1 and "Unknown PCM default" in out.getvalue()
    assert window.probed[30].startswith("Voice off")             # on screen too

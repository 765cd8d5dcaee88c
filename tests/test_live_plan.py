"""`live --plan` without a screen: a guided workout of two planned sets on a synthetic camera, the person
leaving the picture between them; one report with both sets and the plan's adherence; the keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from formcheck.commands.live_plan import PlanSession, save_workout
from formcheck.io.realtime import LatestFrameGrabber
from formcheck.io.source import Frame
from formcheck.plans.loader import load_plan
from formcheck.pose.frame import PoseFrame
from formcheck.rules.loader import load_all
from tests.test_coach import _lying_pose
from tests.test_live import FPS, FakeWindow, SyntheticSource, bridge_lift

SET_S, AWAY_S = 6.0, 4.0   # each set: 3 bridges in 6 s; between them the person is out of the picture for 4 s


def two_sets(frame: Frame) -> PoseFrame:
    """Bridges, nobody, bridges again."""
    t = frame.timestamp_ms / 1000
    if SET_S <= t < SET_S + AWAY_S:
        return PoseFrame.empty(frame.timestamp_ms, (320, 240))
    local = t if t < SET_S else t - SET_S - AWAY_S
    return _lying_pose(frame.timestamp_ms, bridge_lift(local))


def guided(tmp_path: Path, keys: dict[int, str] | None = None) -> tuple[PlanSession, dict, str]:
    plan_file = tmp_path / "bridges.toml"
    plan_file.write_text('name = "Bridges"\nrest_s = 30\n[[exercises]]\nexercise = "hip_raise"\nsets = 2\n'
                         'reps = [3, 5]\n')  # fmt: skip
    frames = round((2 * SET_S + AWAY_S) * FPS)
    grabber = LatestFrameGrabber(SyntheticSource(frames), pace=True).start()
    out = io.StringIO()
    session = PlanSession(grabber, two_sets, load_all(), None, [tmp_path / "w.json"], FakeWindow(keys),  # type: ignore[arg-type]
                          Console(file=out, width=200), plan=load_plan(plan_file))  # fmt: skip
    workout = session.run_plan()
    grabber.stop()
    report = save_workout(workout, [tmp_path / "w.json", tmp_path / "w.html"])
    return session, report, out.getvalue()


def test_a_guided_workout_counts_each_planned_set_and_reports_the_plan(tmp_path: Path) -> None:
    _, report, console = guided(tmp_path)
    assert [(s["exercise"], s["rep_count"], s["planned"]) for s in report["sets"]] == [
        ("hip_raise", 3, "hip_raise"), ("hip_raise", 3, "hip_raise")]
    assert report["sets"][0]["ended_by"] == "left the picture"
    assert [p["status"] for p in report["adherence"]["sets"]] == ["done", "done"]
    assert report["adherence"]["summary"].startswith("2 of 2 planned sets done")
    assert json.loads((tmp_path / "w.json").read_text())["kind"] == "workout"
    html = (tmp_path / "w.html").read_text()
    assert 'id="timeline"' in html and "Against the plan" in html
    assert "Set 1 done: Hip raise, 3 reps" in console and "next: set 2 of 2" in console
    assert console.count("Hip raise recognised, counting") == 2


def test_n_between_sets_skips_the_next_planned_set(tmp_path: Path) -> None:
    """n pressed after the first set ended (the person has been away for 3 s): the second planned set is skipped,
    so the second set done is extra."""
    away_frame = round((SET_S + AWAY_S - 0.5) * FPS)
    session, report, _ = guided(tmp_path, keys={away_frame: "n"})
    assert session.run_ is not None and session.run_.splitter.skipped == [1]
    statuses = [p["status"] for p in report["adherence"]["sets"]]
    assert statuses == ["done", "skipped"] and len(report["adherence"]["extra"]) == 1

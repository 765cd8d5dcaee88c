"""`formcheck batch`: inputs, resumption, isolated failures, Ctrl-C, the summary, and the Ray engine.

MediaPipe runs on short clips cut from the sample videos here (6 s at 320 px); the whole samples are slow tests.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path

import cv2
import jsonschema
import pytest

from formcheck.batch.inputs import BatchItem, expand_inputs
from formcheck.batch.records import Settings, file_sha256, formcheck_version, is_up_to_date
from formcheck.batch.summary import COLUMNS, top_faults
from formcheck.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK
from tests.conftest import SAMPLES, sample_clips
from tests.media import assert_clean_error, popen_formcheck, run_formcheck
from tools.synth.workout import load_workout_truth

SCHEMA = json.loads(files("formcheck.report").joinpath("schema.json").read_text(encoding="utf-8"))
# sample -> (folder, exercise, frames kept, person): long enough for two reps with faults
CLIPS = {
    "seated_row_faults": ("ana", "seated_row", 150, "Ana"),
    "one_arm_row_faults": ("ben", "one_arm_row", 180, "Ben"),
    "reverse_fly_faults": ("ana", "reverse_fly", 144, "Ana"),
}
BROKEN = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40  # an MP4 header and then noise
CLIP_WIDTH = 320
TIMEOUT_S = 900


def trim(sample: Path, target: Path, frames: int, width: int = CLIP_WIDTH) -> Path:
    """The first ``frames`` frames of a sample, scaled to ``width``, as an MP4 written by OpenCV."""
    capture = cv2.VideoCapture(str(sample))
    fps = capture.get(cv2.CAP_PROP_FPS)
    writer = None
    for _ in range(frames):
        ok, image = capture.read()
        if not ok:
            break
        height = round(image.shape[0] * width / image.shape[1] / 2) * 2
        if writer is None:
            writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
        writer.write(cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA))
    capture.release()
    assert writer is not None
    writer.release()
    return target


def make_clips(folder: Path) -> Path:
    """Short clips in per-person folders, a broken video, a text file, and the manifest naming the clips."""
    rows = ["path,exercise,person"]
    for sample, (person_dir, exercise, frames, person) in CLIPS.items():
        (folder / person_dir).mkdir(parents=True, exist_ok=True)
        trim(SAMPLES / f"{sample}.mp4", folder / person_dir / f"{sample}.mp4", frames)
        rows.append(f"{person_dir}/{sample}.mp4,{exercise},{person}")
    (folder / "broken.mp4").write_bytes(BROKEN)
    (folder / "notes.txt").write_text("not a video\n", encoding="utf-8")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def counts(stderr: str) -> tuple[int, int, int, int]:
    """(videos, analysed, up to date, failed) from the batch's result line."""
    found = re.search(r"(\d+) videos: (\d+) analysed, (\d+) up to date, (\d+) failed", stderr)
    assert found, stderr
    return tuple(int(n) for n in found.groups())  # type: ignore[return-value]


def summary_rows(out: Path) -> list[dict[str, str]]:
    with open(out / "summary.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def reports_of(out: Path) -> dict[str, tuple[int, bytes]]:
    """{report file: (mtime_ns, content)} of every report under ``out``."""
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.read_bytes()) for p in (out / "reports").rglob("*.*")}


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The manifest of the short clips (its folder also holds a broken video and a text file)."""
    return make_clips(tmp_path_factory.mktemp("clips"))


@pytest.fixture(scope="module")
def local_run(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """`formcheck batch manifest.csv FOLDER --out OUT --jobs 2`: the manifest's clips plus the broken video."""
    out = tmp_path_factory.mktemp("local") / "out"
    proc = run_formcheck("batch", clips, clips.parent, "--out", out, "--jobs", "2", timeout=TIMEOUT_S)
    return out, proc


# -- inputs --------------------------------------------------------------------------------------------
def test_folders_globs_and_manifests_expand_to_unique_videos(tmp_path: Path) -> None:
    for name in ("a/x.mp4", "a/x.MOV", "a/deep/y.mkv", "a/.hidden/z.mp4", "a/.tmp.mp4", "a/notes.txt", "b/x.mp4",
                 "a/out/old.mp4"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,person,exercise\nb/x.mp4,Bo,hip_raise\nmissing.mp4,,\n", encoding="utf-8")
    items = expand_inputs([manifest, tmp_path / "a", str(tmp_path / "b" / "*.mp4")], exclude=tmp_path / "a" / "out")
    assert items == [
        BatchItem(tmp_path / "b/x.mp4", "b/x", "hip_raise", "Bo"),
        BatchItem(tmp_path / "missing.mp4", "missing"),  # kept: the batch reports it as failed
        BatchItem(tmp_path / "a/deep/y.mkv", "deep/y"),
        BatchItem(tmp_path / "a/x.MOV", "x"),
        BatchItem(tmp_path / "a/x.mp4", "x_mp4"),  # same name, other container: its own report
    ]  # b/x.mp4 from the glob is the manifest's video again; hidden files, text and the output folder are left out
    glob_items = expand_inputs([str(tmp_path / "**" / "*.mkv")])
    assert glob_items == [BatchItem(tmp_path / "a/deep/y.mkv", "a/deep/y")]


@pytest.mark.parametrize(
    ("manifest", "fragment"),
    [("", "empty"), ("video,exercise\nx.mp4,hip_raise\n", "no 'path' column"),
     ("path,speed\nx.mp4,3\n", "unknown column"), ("path,exercise\n,hip_raise\n", "line 2: empty path")],
)  # fmt: skip
def test_bad_manifest_is_bad_input(manifest: str, fragment: str, tmp_path: Path) -> None:
    from formcheck.errors import BadInputError

    path = tmp_path / "m.csv"
    path.write_text(manifest, encoding="utf-8")
    with pytest.raises(BadInputError, match=re.escape(fragment)):
        expand_inputs([path])


# -- records -------------------------------------------------------------------------------------------
def test_a_record_is_up_to_date_only_for_the_same_content_version_settings_and_reports(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "v.json").write_text("{}", encoding="utf-8")
    settings = Settings("hip_raise", "m" * 64, None)
    record = {"sha256": "a" * 64, "formcheck_version": formcheck_version(), "settings": settings.as_dict(),
              "formats": ["json"], "status": "ok", "final_failure": False, "reports": {"json": "reports/v.json"}}
    assert is_up_to_date(record, "a" * 64, settings, ("json",), tmp_path)
    assert not is_up_to_date(record, "b" * 64, settings, ("json",), tmp_path)  # the video changed
    assert not is_up_to_date({**record, "formcheck_version": "0.0.0"}, "a" * 64, settings, ("json",), tmp_path)
    assert not is_up_to_date(record, "a" * 64, Settings(None, "m" * 64, None), ("json",), tmp_path)
    assert not is_up_to_date(record, "a" * 64, settings, ("json", "html"), tmp_path)  # a format not made
    failed = {**record, "status": "failed", "reports": {}}
    assert not is_up_to_date(failed, "a" * 64, settings, ("json",), tmp_path)  # e.g. no model: try again
    assert is_up_to_date({**failed, "final_failure": True}, "a" * 64, settings, ("json",), tmp_path)  # damaged
    (tmp_path / "reports" / "v.json").unlink()
    assert not is_up_to_date(record, "a" * 64, settings, ("json",), tmp_path)  # the report was deleted


def test_top_faults_are_the_most_frequent_first_with_set_faults_last() -> None:
    cue = {"fault": True, "reps_with_fault": 1}
    report = {"rep_count": 4, "cues": {"a": cue, "b": {**cue, "reps_with_fault": 3}, "c": {**cue, "fault": False},
                                       "sides": {**cue, "reps_with_fault": None}, "d": {**cue, "reps_with_fault": 2}}}
    assert top_faults(report) == "b 3/4; d 2/4; a 1/4"
    assert top_faults(report, limit=5) == "b 3/4; d 2/4; a 1/4; sides"


# -- the command line ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["nowhere_to_be_found"], "no such file or folder"),
        (["tests/golden"], "no videos found"),
        (["sample_videos/hip_raise_good.mp4", "--formats", "json,pdf"], "--formats"),
        (["sample_videos/hip_raise_good.mp4", "--engine", "spark"], "unknown engine"),
        (["sample_videos/hip_raise_good.mp4", "--address", "10.0.0.1:6379"], "--engine ray"),
        (["sample_videos/hip_raise_good.mp4", "-e", "plank"], "unknown exercise"),
    ],
)
def test_bad_batch_input_is_one_line_and_exit_2(args: list[str], fragment: str, tmp_path: Path) -> None:
    proc = run_formcheck("batch", *args, "--out", tmp_path / "out")
    assert_clean_error(proc, EXIT_BAD_INPUT, fragment)
    assert not (tmp_path / "out" / "summary.csv").exists()


def test_damaged_files_fail_alone_are_remembered_and_force_redoes_them(tmp_path: Path) -> None:
    """No MediaPipe here: the videos fail when opened. A rerun does not retry what would only fail again."""
    folder = tmp_path / "in"
    folder.mkdir()
    names = ("<b>odd&.mp4", "broken.mp4", "empty.mov", "text.avi")
    (folder / names[0]).write_bytes(BROKEN + b"odd")
    (folder / "broken.mp4").write_bytes(BROKEN)
    (folder / "empty.mov").write_bytes(b"")
    (folder / "text.avi").write_text("hello\n", encoding="utf-8")
    out = tmp_path / "out"
    first = run_formcheck("batch", folder, "--out", out, "--jobs", "2")
    assert first.returncode == EXIT_FAILURE, first.stderr
    assert counts(first.stderr) == (4, 4, 0, 4)
    rows = summary_rows(out)
    assert [row["video"] for row in rows] == [str(folder / name) for name in names]
    assert [row["status"] for row in rows] == ["failed"] * 4
    assert "the file is empty" in rows[2]["error"] and "not a readable video" in rows[3]["error"]
    assert all("\n" not in row["error"] and row["error"].startswith(row["video"]) for row in rows)
    assert not (out / "reports").exists() or not any((out / "reports").iterdir())
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;odd&amp;.mp4" in html and "<b>odd" not in html  # names are escaped
    again = run_formcheck("batch", folder, "--out", out)
    assert counts(again.stderr) == (4, 0, 4, 4) and again.returncode == EXIT_FAILURE
    forced = run_formcheck("batch", folder, "--out", out, "--force")
    assert counts(forced.stderr) == (4, 4, 0, 4)
    assert summary_rows(out) == rows


def test_after_each_sees_every_analysed_video_once(tmp_path: Path) -> None:
    """The history hook: called per video analysed in this run, never for one skipped as up to date."""
    from formcheck.batch.local import LocalEngine
    from formcheck.batch.runner import BatchOptions, run_batch

    (tmp_path / "a.mp4").write_bytes(BROKEN)
    (tmp_path / "b.mp4").write_bytes(BROKEN + b"b")
    items = expand_inputs([tmp_path / "a.mp4", tmp_path / "b.mp4"])
    seen: list[tuple[str, str, str]] = []
    options = BatchOptions(tmp_path / "out")
    first = run_batch(items, options, LocalEngine(1), after_each=lambda i, h, o: seen.append((i.key, h, o["status"])))
    assert seen == [("a", file_sha256(tmp_path / "a.mp4"), "failed"), ("b", file_sha256(tmp_path / "b.mp4"), "failed")]
    assert first.analysed == ["a", "b"] and not first.interrupted
    second = run_batch(items, options, LocalEngine(1), after_each=lambda i, h, o: seen.append((i.key, h, "again")))
    assert len(seen) == 2 and second.analysed == [] and second.up_to_date == ["a", "b"]


# -- short clips through MediaPipe ---------------------------------------------------------------------
def test_batch_writes_a_report_per_video_and_the_summary(local_run, clips: Path) -> None:
    out, proc = local_run
    assert proc.returncode == EXIT_FAILURE, proc.stderr  # the broken video failed; the others did not
    assert counts(proc.stderr) == (4, 4, 0, 1)
    rows = summary_rows(out)
    assert list(rows[0]) == list(COLUMNS)
    assert [row["video"] for row in rows] == [
        *(str(clips.parent / folder / f"{sample}.mp4") for sample, (folder, *_) in CLIPS.items()),
        str(clips.parent / "broken.mp4"),
    ]  # the manifest's rows first; its videos, found again in the folder, are not analysed twice
    for row, (sample, (folder, exercise, frames, person)) in zip(rows, CLIPS.items(), strict=False):
        report = json.loads((out / "reports" / folder / f"{sample}.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(SCHEMA).validate(report)
        assert (row["status"], row["exercise"], row["person"]) == ("ok", exercise, person)
        assert report["exercise"] == exercise and report["source"]["frames"] == frames
        assert int(row["reps"]) == report["rep_count"] and report["rep_count"] >= 1
        assert float(row["score"]) == report["score"]
        assert row["top_faults"] == top_faults(report)
        assert row["report"] == f"reports/{folder}/{sample}.html"
        for fmt in ("csv", "html"):
            assert (out / "reports" / folder / f"{sample}.{fmt}").stat().st_size > 0
    assert any(row["top_faults"] for row in rows)  # the faults samples show faults even when cut short
    broken = rows[-1]
    assert broken["status"] == "failed" and broken["report"] == "" and broken["reps"] == ""
    assert "broken.mp4" in broken["error"] and "not a readable video" in broken["error"]
    assert not list((out / "reports").glob("broken.*"))


def test_summary_parquet_and_html_hold_the_same_rows(local_run) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out, _ = local_run
    rows = summary_rows(out)
    table = pq.read_table(out / "summary.parquet").to_pylist()
    assert [r["video"] for r in table] == [r["video"] for r in rows]
    assert [r["reps"] for r in table] == [int(r["reps"]) if r["reps"] else None for r in rows]
    assert [r["score"] for r in table] == [float(r["score"]) if r["score"] else None for r in rows]
    html = (out / "summary.html").read_text(encoding="utf-8")
    for row in rows:
        assert (f'href="{row["report"]}"' in html) if row["report"] else ("not a readable video" in html)


def test_a_batch_report_is_what_analyze_writes(local_run, clips: Path, tmp_path: Path) -> None:
    """The batch runs `formcheck analyze` itself: same report, only the time of analysis differs."""
    out, _ = local_run
    sample, (folder, exercise, *_) = next(iter(CLIPS.items()))
    video = clips.parent / folder / f"{sample}.mp4"
    proc = run_formcheck("analyze", video, "-e", exercise, "-q", "--report", tmp_path / "r.json")
    assert proc.returncode == EXIT_OK, proc.stderr
    alone = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    batched = json.loads((out / "reports" / folder / f"{sample}.json").read_text(encoding="utf-8"))
    assert {**batched, "analysed_at": None} == {**alone, "analysed_at": None}


def test_a_second_run_analyses_nothing(local_run, clips: Path) -> None:
    out, _ = local_run
    before, summary = reports_of(out), (out / "summary.csv").read_bytes()
    proc = run_formcheck("batch", clips, clips.parent, "--out", out, "--jobs", "2")
    assert counts(proc.stderr) == (4, 0, 4, 1)
    assert proc.returncode == EXIT_FAILURE  # the summary still lists the broken video
    assert reports_of(out) == before  # not one report rewritten
    assert (out / "summary.csv").read_bytes() == summary


def test_a_changed_video_is_analysed_again(local_run, clips: Path, tmp_path: Path) -> None:
    out_before, _ = local_run
    folder, out = tmp_path / "clips", tmp_path / "out"
    shutil.copytree(clips.parent, folder)
    shutil.copytree(out_before, out)
    sample, (person_dir, _, frames, _) = next(iter(CLIPS.items()))
    trim(SAMPLES / f"{sample}.mp4", folder / person_dir / f"{sample}.mp4", frames - 30)  # same name, new content
    proc = run_formcheck("batch", folder / "manifest.csv", folder, "--out", out)
    assert counts(proc.stderr) == (4, 1, 3, 1)
    report = json.loads((out / "reports" / person_dir / f"{sample}.json").read_text(encoding="utf-8"))
    assert report["source"]["frames"] == frames - 30


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_keeps_finished_reports_and_the_summary_and_a_rerun_continues(tmp_path: Path) -> None:
    """Interrupted during the second of two videos: the first keeps its reports and its summary row."""
    manifest, out = tmp_path / "two.csv", tmp_path / "out"
    trim(SAMPLES / "seated_row_faults.mp4", tmp_path / "first.mp4", 45)
    trim(SAMPLES / "one_arm_row_faults.mp4", tmp_path / "second.mp4", 150)
    manifest.write_text("path,exercise\nfirst.mp4,seated_row\nsecond.mp4,one_arm_row\n", encoding="utf-8")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # not ignored (as in a background job):
    try:  # the child then starts with Ctrl-C handled, as in a terminal
        proc = popen_formcheck("batch", manifest, "--out", out, "--jobs", "1")
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        deadline, first_done = time.monotonic() + TIMEOUT_S, out / ".formcheck-batch" / "first.json"
        while not first_done.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert "interrupted" in stderr.strip().splitlines()[-1] and "Traceback" not in stderr
    rows = summary_rows(out)
    assert [(row["video"], row["status"]) for row in rows] == [(str(tmp_path / "first.mp4"), "ok")]
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["first.csv", "first.html", "first.json"]
    assert not [p for p in out.rglob(".*") if p.name != ".formcheck-batch"]  # no temporary file left behind
    again = run_formcheck("batch", manifest, "--out", out, "--jobs", "1")
    assert again.returncode == EXIT_OK, again.stderr
    assert counts(again.stderr) == (2, 1, 1, 0)


def _spawned_workers(pid: int) -> list[int]:
    """The multiprocessing workers a process spawned (from /proc)."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            workers.append(int(stat.parent.name))
    return workers


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker through /proc")
def test_a_worker_that_dies_fails_only_its_video(tmp_path: Path) -> None:
    """A worker killed (as by the out-of-memory killer) fails the video it held; a new worker does the next one."""
    trim(SAMPLES / "seated_row_faults.mp4", tmp_path / "first.mp4", 150)
    trim(SAMPLES / "hip_raise_faults.mp4", tmp_path / "second.mp4", 45)
    manifest, out = tmp_path / "m.csv", tmp_path / "out"
    manifest.write_text("path,exercise\nfirst.mp4,seated_row\nsecond.mp4,hip_raise\n", encoding="utf-8")
    proc = popen_formcheck("batch", manifest, "--out", out, "--jobs", "1")
    try:
        deadline, workers = time.monotonic() + TIMEOUT_S, []
        while not workers and proc.poll() is None and time.monotonic() < deadline:
            workers = _spawned_workers(proc.pid)
            time.sleep(0.05)
        assert len(workers) == 1, "no worker to kill"
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = proc.communicate(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == EXIT_FAILURE, stderr
    first, second = summary_rows(out)
    assert first["status"] == "failed" and "worker process died (killed by signal 9)" in first["error"]
    assert second["status"] == "ok" and (out / "reports" / "second.json").is_file()
    again = run_formcheck("batch", manifest, "--out", out, "--jobs", "1")
    assert counts(again.stderr) == (2, 1, 1, 0)  # not the video's fault: tried again
    assert again.returncode == EXIT_OK, again.stderr


# -- whole samples (slow) ------------------------------------------------------------------------------
@pytest.mark.slow
def test_batch_of_the_sample_videos_then_a_rerun(tmp_path: Path) -> None:
    """Acceptance: `formcheck batch sample_videos --out out --jobs 2`, then the same command again."""
    out = tmp_path / "out"
    proc = run_formcheck("batch", "sample_videos", "--out", out, "--jobs", "2", timeout=3 * TIMEOUT_S)
    assert proc.returncode == EXIT_OK, proc.stderr
    truth = sample_clips()
    videos = {p.stem for p in (SAMPLES).glob("*.mp4")}   # the single sets, and the workout
    assert counts(proc.stderr) == (len(videos), len(videos), 0, 0)
    rows = {Path(row["video"]).stem: row for row in summary_rows(out)}
    assert set(rows) == videos and set(truth) < videos
    workout = load_workout_truth(SAMPLES / "back_workout.truth.json.gz")
    assert rows["back_workout"]["exercise"] == "workout: " + ", ".join(s["exercise"] for s in workout["sets"])
    assert int(rows["back_workout"]["reps"]) == sum(s["reps"] for s in workout["sets"])
    for name, (_, exercise) in truth.items():
        report = json.loads((out / "reports" / f"{name}.json").read_text(encoding="utf-8"))
        assert rows[name]["exercise"] == exercise == report["exercise"]  # recognised, as `analyze` does
        assert int(rows[name]["reps"]) == report["rep_count"] and rows[name]["status"] == "ok"
        assert all((out / "reports" / f"{name}.{fmt}").is_file() for fmt in ("csv", "html"))
    before = reports_of(out)
    again = run_formcheck("batch", "sample_videos", "--out", out, "--jobs", "2")
    assert again.returncode == EXIT_OK and counts(again.stderr) == (len(videos), 0, len(videos), 0)
    assert reports_of(out) == before


# -- the Ray engine (slow: starts a Ray head) ----------------------------------------------------------
@pytest.fixture(scope="module")
def ray_head():
    """A local Ray head with 2 CPUs, started by this test process and shut down after the module."""
    ray = pytest.importorskip("ray")
    ray.init(address="local", num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1",
             log_to_driver=False)  # fmt: skip
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_engine_gives_the_local_summary(ray_head, local_run, clips: Path, tmp_path: Path) -> None:
    """The same batch through `--engine ray --address` (a second driver on the running head) as with --jobs 2."""
    local_out, _ = local_run
    out = tmp_path / "out"
    address = ray_head.get_runtime_context().gcs_address
    proc = run_formcheck("batch", clips, clips.parent, "--out", out, "--engine", "ray", "--address", address,
                         timeout=TIMEOUT_S)  # fmt: skip
    assert proc.returncode == EXIT_FAILURE, proc.stderr
    assert counts(proc.stderr) == (4, 4, 0, 1)
    assert (out / "summary.csv").read_text(encoding="utf-8") == (local_out / "summary.csv").read_text(encoding="utf-8")
    for report in (local_out / "reports").rglob("*.json"):
        ours = json.loads((out / report.relative_to(local_out)).read_text(encoding="utf-8"))
        assert {**ours, "analysed_at": None} == {**json.loads(report.read_text(encoding="utf-8")), "analysed_at": None}


@pytest.mark.slow
def test_ray_task_ships_the_video_to_a_node_that_cannot_see_it(ray_head, clips: Path, tmp_path: Path) -> None:
    """A node without the file answers that it needs it; given the bytes, it analyses a copy under the same name."""
    from formcheck.batch.engines import VideoTask
    from formcheck.batch.ray_engine import NEEDS_VIDEO, _ProgressLog, _ray_task
    from formcheck.perception.model import resolve_model

    sample, (folder, exercise, frames, _) = next(iter(CLIPS.items()))
    video = clips.parent / folder / f"{sample}.mp4"
    model = resolve_model().path
    elsewhere = str(tmp_path / "not_on_this_node" / video.name)  # the driver's path, absent on the node
    task = VideoTask("k", elsewhere, "cohort/" + video.name, file_sha256(video), exercise, ("json",), str(model),
                     file_sha256(model))  # fmt: skip
    remote = ray_head.remote(num_cpus=1)(_ray_task)
    progress = ray_head.remote(num_cpus=0)(_ProgressLog).remote()
    model_ref = [ray_head.put(model.read_bytes())]
    assert ray_head.get(remote.remote(task, [], model_ref, progress)) == {"status": NEEDS_VIDEO}
    outcome = ray_head.get(remote.remote(task, [ray_head.put(video.read_bytes())], model_ref, progress))
    assert outcome["status"] == "ok", outcome["error"]
    assert outcome["report"]["source"]["path"] == "cohort/" + video.name
    assert outcome["report"]["source"]["frames"] == frames
    assert json.loads(outcome["files"]["json"]) == outcome["report"]
    updates: list = []
    deadline = time.monotonic() + 30
    while ("k", frames, frames) not in updates and time.monotonic() < deadline:  # actor calls land a bit later
        updates += ray_head.get(progress.drain.remote())
        time.sleep(0.1)
    assert ("k", frames, frames) in updates and all(u[0] == "k" and u[2] == frames for u in updates)


"""The history database: recording sets, reading them back, migrations, bad databases, names, export/import,
delete, and two formcheck processes recording at the same time."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from formcheck.errors import EXIT_BAD_INPUT, EXIT_HISTORY, EXIT_OK, BadInputError, HistoryError
from formcheck.history import db as history_db
from formcheck.history.db import History
from formcheck.history.location import DATA_DIR_ENV, database_path
from formcheck.history.names import note_text, person_name
from formcheck.history.query import Selection, delete_sets, list_sets, parse_since, reports
from formcheck.history.record import SetContext, record_set
from formcheck.history.recording import HistoryOptions, record_finished
from formcheck.history.schema import MIGRATIONS, Migration
from formcheck.history.targets import RANGE_TARGETS, target_for
from formcheck.history.transfer import export_csv, import_sets, read_import
from formcheck.history.trends import IMPROVING, WORSE, build_progress, cue_trends, weeks
from formcheck.rules.loader import load_all
from tests.historydata import made_set, weeks_of_sets
from tests.media import assert_clean_error, run_formcheck

START = dt.datetime(2025, 3, 3, 18, 0, tzinfo=dt.timezone.utc)
QUIET = Console(quiet=True)


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh FORMCHECK_DATA_DIR for this test (the formcheck processes it starts inherit it)."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_formcheck(*args)


# -- recording and reading back ---------------------------------------------------------------------------
def test_a_set_round_trips_with_its_reps_verdicts_and_range_of_motion(data_dir: Path) -> None:
    elevation = [60.0, 70.0, 80.0, 66.0, 90.0]
    report = made_set("reverse_fly", 5, values={"raise_height": elevation}, partial=2, view="front", when=START)
    with History() as history:
        set_id = record_set(history, report, SetContext("Zoë O'Brien", pain=3, effort=7, note="left shoulder\nok"))
        (got,) = list_sets(history)
        rows = history.query("SELECT rep, cue, verdict, value FROM cue_results WHERE set_id = ?", [set_id])
        rep_rows = history.query("SELECT rep, hold_s, score FROM reps WHERE set_id = ? ORDER BY rep", [set_id])
        stored = reports(history, [set_id])[set_id]
    assert database_path() == data_dir / "history.sqlite3"
    assert (got.id, got.person, got.exercise, got.pain, got.effort, got.note) == (
        set_id, "Zoë O'Brien", "reverse_fly", 3, 7, "left shoulder\nok")
    assert (got.rep_count, got.partial_reps, got.attempts, got.score) == (5, 2, 7, report["score"])
    assert got.performed_at == "2025-03-03T18:00:00+00:00" and got.origin == "analyze" and got.complete
    assert stored == report
    assert [(r[0], r[2]) for r in rep_rows] == [(rep["index"], rep["score"]) for rep in report["reps"]]
    per_rep = [c for c in report["cues"] if report["cues"][c]["reps_with_fault"] is not None]
    assert len(rows) == 5 * len(per_rep)                       # every cue on every rep
    raise_rows = sorted((r[0], r[2], r[3]) for r in rows if r[1] == "raise_height")
    assert [v for _, _, v in raise_rows] == elevation
    assert [verdict for _, verdict, _ in raise_rows] == ["fault", "ok", "ok", "ok", "ok"]  # 60 < the rule's 65
    (rom,) = [r for r in got.range_of_motion if r.metric == "arm_elevation"]
    assert rom.target == 90.0 and rom.rule_limit == 65.0 and rom.unit == "°"
    assert rom.achieved == statistics.median(elevation) and rom.best == 90.0
    assert (rom.reps_measured, rom.reps_reaching) == (5, 4)


def test_reps_per_side_and_whole_set_cues_are_recorded(data_dir: Path) -> None:
    report = made_set("one_arm_row", 6, values={"elbow_up": [0.1, -0.1, 0.2, 0.05, 0.1, 0.3]})
    with History() as history:
        set_id = record_set(history, report, SetContext("amy"))
        (got,) = list_sets(history)
        whole = history.query("SELECT verdict FROM cue_results WHERE set_id = ? AND rep IS NULL", [set_id])
    assert (got.reps_left, got.reps_right) == (report["reps_by_side"]["left"], report["reps_by_side"]["right"])
    assert whole == [("ok",)]                                      # switch_sides, judged on the whole set
    assert got.rom("pull_depth").reps_reaching == 5                 # -0.1 stays below shoulder height


def test_hold_is_measured_against_the_articles_counts(data_dir: Path) -> None:
    report = made_set("seated_row", 4, values={"hold_2": [2.2, 1.0, 2.0, 1.8]}, view="side")
    with History() as history:
        record_set(history, report, SetContext("amy"))
        (got,) = list_sets(history)
    hold = got.rom("hold")
    assert (hold.target, hold.rule_limit, hold.achieved, hold.reps_reaching) == (2.0, 1.6, 1.9, 3)
    assert got.hold_s == 1.9


def test_every_range_target_names_a_cue_of_its_rule_file() -> None:
    catalogue = load_all()
    for target in RANGE_TARGETS:
        cue = catalogue[target.exercise].cue(target.cue)       # raises if the rule file has no such cue
        assert (cue.kind == "hold") == (target.metric == "hold")


def test_history_json_and_table_list_the_sets(data_dir: Path) -> None:
    with History() as history:
        for report, pain, effort in weeks_of_sets(START, weeks=2, skip_week=None):
            record_set(history, report, SetContext("ann", pain, effort))
    listed = json.loads(cli("history", "--json").stdout)
    assert [s["exercise"] for s in listed] == ["reverse_fly", "hip_raise", "reverse_fly", "hip_raise"]
    assert listed[1]["range_of_motion"]["hip_line"]["target"] == 0.0
    assert listed[1]["range_of_motion"]["hold"]["target"] == 5.0
    only = json.loads(cli("history", "--json", "-e", "hip_raise", "--since", "2025-03-08").stdout)
    assert [s["performed_at"][:10] for s in only] == ["2025-03-13"]
    table = cli("history")                   # an 80-column terminal
    assert table.returncode == EXIT_OK and "4 sets" in table.stdout and "reverse_fly" in table.stdout


def test_since_takes_a_date_or_a_span_back() -> None:
    today = dt.date(2025, 4, 30)
    assert parse_since("2w", today) == parse_since("2025-04-16")
    assert parse_since("30d", today) == parse_since("2025-03-31")
    with pytest.raises(BadInputError, match="--since"):
        parse_since("last tuesday")


# -- the schema and its migrations -------------------------------------------------------------------------
def test_a_version_1_database_is_migrated_and_its_range_of_motion_filled_in(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    report = made_set("hip_raise", 3, values={"hip_line": [-20.0, -8.0, -4.0]}, view="side")
    with History(path, migrations=MIGRATIONS[:1]) as old:      # what the first release wrote
        assert old.version == 1
        with old.transaction() as conn:
            conn.execute("INSERT INTO sets (uid, person, exercise, exercise_name, performed_at, recorded_at, source, "
                         "origin, complete, rep_count, partial_reps, report) VALUES ('u1', 'ann', 'hip_raise', "
                         "'Hip raise', '2025-01-01T10:00:00+00:00', '2025-01-01T10:00:00+00:00', 'x.mp4', 'analyze', "
                         "1, 3, 0, ?)", [json.dumps(report)])  # fmt: skip
        assert "range_of_motion" not in {r[0] for r in old.query("SELECT name FROM sqlite_master")}
    with History(path) as new:
        assert new.version == MIGRATIONS[-1].version == 2
        (got,) = list_sets(new)
    assert got.rom("hip_line").achieved == -8.0 and got.rom("hip_line").reps_reaching == 2


def test_migrations_run_once_and_a_failing_one_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    runs = []

    def add_column(conn: sqlite3.Connection) -> None:
        runs.append(1)
        conn.execute("ALTER TABLE sets ADD COLUMN place TEXT")

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("no such thing")

    with History(path) as history:
        record_set(history, made_set("reverse_fly", 2), SetContext("ann"))
    three = (*MIGRATIONS, Migration(3, "a place", add_column))
    for _ in range(2):
        with History(path, migrations=three) as history:
            assert history.version == 3
    assert runs == [1]
    with pytest.raises(HistoryError, match="no such thing"):
        History(path, migrations=(*three, Migration(4, "broken", broken)))
    with History(path, migrations=three) as history:
        assert history.version == 3 and len(list_sets(history)) == 1
        assert "half_done" not in {r[0] for r in history.query("SELECT name FROM sqlite_master")}
        assert history.query("PRAGMA journal_mode") == [("wal",)]


def test_a_database_from_a_newer_formcheck_is_refused(data_dir: Path) -> None:
    with History() as history:
        history.conn.execute("PRAGMA user_version = 99")
    proc = cli("history")
    assert_clean_error(proc, EXIT_HISTORY, "newer formcheck", "schema 99")


# -- damaged, foreign and locked databases -----------------------------------------------------------------
def test_a_file_that_is_not_a_database_is_a_one_line_error(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "history.sqlite3").write_bytes(b"this is not a database at all, " * 200)
    assert_clean_error(cli("history"), EXIT_HISTORY, "damaged", "history.sqlite3")
    # analyze refuses before any analysis starts (the video does not even need to exist) and says what to do
    assert_clean_error(cli("analyze", "missing.mp4", "-e", "hip_raise"), EXIT_HISTORY, "damaged", "--no-history")


def test_a_database_damaged_inside_is_a_one_line_error(data_dir: Path) -> None:
    with History() as history:
        for report, _, _ in weeks_of_sets(START, weeks=6):
            record_set(history, report, SetContext("ann"))
        history.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = database_path()
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page: len(data) - page] = b"\xa5" * (len(data) - 3 * page)  # keep the header, scramble the pages
    path.write_bytes(bytes(data))
    assert_clean_error(cli("history"), EXIT_HISTORY, "damaged")


def test_another_programs_database_is_refused(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    with sqlite3.connect(data_dir / "history.sqlite3") as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    assert_clean_error(cli("history"), EXIT_HISTORY, "not a formcheck history database")


def test_a_locked_database_loses_no_set(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holds the write lock: the set is kept in a file, and importing that file records it."""
    History().close()
    monkeypatch.setattr(history_db, "BUSY_TIMEOUT_S", 0.2)
    blocker = sqlite3.connect(database_path(), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    report = made_set("hip_raise", 4, when=START)
    options = HistoryOptions(person="ann", pain=2, effort=6, note="after work", origin="live")
    try:
        with pytest.raises(HistoryError, match="locked") as caught:
            record_finished(options, [report], QUIET)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    message = str(caught.value)
    assert "\n" not in message and "history import" in message
    kept = Path(message.split("the set is kept in ")[1].split(":")[0])
    assert kept.parent == data_dir / "pending" and kept.exists()
    assert cli("history", "import", kept).returncode == EXIT_OK
    (got,) = json.loads(cli("history", "--json").stdout)
    assert (got["person"], got["pain"], got["effort"], got["note"], got["rep_count"]) == ("ann", 2, 6, "after work", 4)


# -- people, notes and options -----------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "name"), [
    ("Zoë O'Brien", "Zoë O'Brien"), ("  Ann   Lee ", "Ann Lee"), ("李雷", "李雷"), ("Jean-Luc_2", "Jean-Luc_2"),
    ("Zoe\u0308", "Zoë"),  # decomposed diaeresis is stored composed (NFC)
])  # fmt: skip
def test_names_in_any_script_are_kept(raw: str, name: str) -> None:
    assert person_name(raw) == name


@pytest.mark.parametrize("raw", ["", "   ", "a\nb", "<b>x</b>", "Robert'); DROP TABLE sets;--", "x" * 61, "...",
                                 "tab\there", "a\u202eb"])  # fmt: skip
def test_odd_names_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(BadInputError, match="--person") as caught:
        person_name(raw)
    assert "\n" not in str(caught.value)


def test_odd_names_and_bad_options_stop_analyze_before_it_starts(data_dir: Path) -> None:
    assert_clean_error(cli("analyze", "x.mp4", "-e", "hip_raise", "--person", "a/b"), EXIT_BAD_INPUT, "--person")
    assert_clean_error(cli("analyze", "x.mp4", "-e", "hip_raise", "--pain", "11"), EXIT_BAD_INPUT, "--pain")
    assert_clean_error(cli("analyze", "x.mp4", "-e", "hip_raise", "--effort", "0"), EXIT_BAD_INPUT, "--effort")
    assert_clean_error(cli("analyze", "x.mp4", "-e", "hip_raise", "--no-history", "--pain", "3"), EXIT_BAD_INPUT,
                       "--no-history")  # fmt: skip
    assert not data_dir.exists()


def test_notes_keep_line_breaks_but_no_control_characters() -> None:
    assert note_text("  sore\n\tleft side ") == "sore\n\tleft side"
    assert note_text("   ") is None
    with pytest.raises(BadInputError, match="--note"):
        note_text("bell\x07")


def test_no_history_records_nothing_and_a_set_without_person_or_rep_is_not_recorded(data_dir: Path) -> None:
    report = made_set("hip_raise", 2)
    assert record_finished(HistoryOptions(record=False), [report], QUIET) == []
    assert not data_dir.exists()
    empty = {**report, "person": {**report["person"], "frames_with_person": 0}}
    no_rep = made_set("hip_raise", 0)
    ids = record_finished(HistoryOptions(person="ann", origin="live"), [report, empty, no_rep], QUIET)
    with History() as history:
        assert [s.id for s in list_sets(history)] == ids and len(ids) == 1
        assert list_sets(history)[0].origin == "live"


# -- export, import, delete ----------------------------------------------------------------------------------
def test_export_and_import_move_sets_between_histories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home, clinic = tmp_path / "home", tmp_path / "clinic"
    monkeypatch.setenv(DATA_DIR_ENV, str(home))
    with History() as history:
        for report, pain, effort in weeks_of_sets(START, weeks=2, skip_week=None):
            record_set(history, report, SetContext("ann", pain, effort, note="ok"))
    export = tmp_path / "sets.json"
    assert cli("history", "export", export, "--exercise", "hip_raise").returncode == EXIT_OK
    at_home = json.loads(cli("history", "--json", "-e", "hip_raise").stdout)

    monkeypatch.setenv(DATA_DIR_ENV, str(clinic))
    first = cli("history", "import", export)
    assert first.returncode == EXIT_OK and "imported 2 sets" in first.stderr
    again = cli("history", "import", export)
    assert "imported 0 sets" in again.stderr and "2 already there" in again.stderr
    at_clinic = json.loads(cli("history", "--json").stdout)
    keys = ("uid", "person", "exercise", "performed_at", "rep_count", "score", "pain", "effort", "note",
            "range_of_motion")  # fmt: skip
    assert [{k: s[k] for k in keys} for s in at_clinic] == [{k: s[k] for k in keys} for s in at_home]
    assert {s["origin"] for s in at_clinic} == {"import"}


def test_import_under_another_name_and_of_a_single_report(tmp_path: Path, data_dir: Path) -> None:
    report = made_set("seated_row", 3, when=START)
    single = tmp_path / "report.json"
    single.write_text(json.dumps(report), encoding="utf-8")
    assert cli("history", "import", single, "--person", "Patient 7").returncode == EXIT_OK
    (got,) = json.loads(cli("history", "--json").stdout)
    assert (got["person"], got["exercise"], got["rep_count"]) == ("Patient 7", "seated_row", 3)


def test_csv_export_is_a_table_and_is_not_imported(tmp_path: Path, data_dir: Path) -> None:
    with History() as history:
        for report, pain, effort in weeks_of_sets(START, weeks=2, skip_week=None):
            record_set(history, report, SetContext("ann", pain, effort))
        sets = list_sets(history)
    rows = export_csv(sets).splitlines()
    header = rows[0].split(",")
    assert len(rows) == 1 + len(sets)
    assert {"arm_elevation_achieved", "hip_line_target", "hold_reps_reaching", "pain", "effort"} <= set(header)
    out = tmp_path / "sets.csv"
    assert cli("history", "export", out).returncode == EXIT_OK
    assert out.read_text(encoding="utf-8").splitlines()[0] == rows[0]
    assert_clean_error(cli("history", "import", out), EXIT_BAD_INPUT, "CSV")


@pytest.mark.parametrize(("content", "fragment"), [
    ("{not json", "not valid JSON"), ('{"format": "other"}', "neither"), ("[1, 2]", "neither"),
    ('{"format": "formcheck-history", "version": 9, "sets": []}', "newer formcheck"),
    ('{"format": "formcheck-history", "version": 1, "sets": [{"report": {"schema_version": 1}}]}', "not a formcheck"),
])  # fmt: skip
def test_bad_import_files_are_one_line_errors(tmp_path: Path, data_dir: Path, content: str, fragment: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert_clean_error(cli("history", "import", bad), EXIT_BAD_INPUT, fragment)


def test_an_import_with_a_bad_entry_records_nothing(tmp_path: Path, data_dir: Path) -> None:
    good = made_set("hip_raise", 2)
    document = {"format": "formcheck-history", "version": 1,
                "sets": [{"uid": "a1", "report": good}, {"uid": "a2", "report": good, "pain": 12}]}
    path = tmp_path / "sets.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(BadInputError, match="pain"):
        read_import(path)
    assert_clean_error(cli("history", "import", path), EXIT_BAD_INPUT, "pain")
    assert json.loads(cli("history", "--json").stdout) == []


def test_delete_removes_the_set_and_everything_recorded_with_it(data_dir: Path) -> None:
    with History() as history:
        ids = [record_set(history, made_set("reverse_fly", 3), SetContext("ann")) for _ in range(3)]
    done = cli("history", "delete", str(ids[1]))
    assert done.returncode == EXIT_OK and f"deleted set {ids[1]}" in done.stderr
    with History() as history:
        assert [s.id for s in list_sets(history)] == [ids[0], ids[2]]
        for table in ("reps", "cue_results", "range_of_motion"):
            assert history.query(f"SELECT count(*) FROM {table} WHERE set_id = ?", [ids[1]]) == [(0,)]
            assert history.query(f"SELECT count(*) FROM {table} WHERE set_id = ?", [ids[0]])[0][0] > 0


def test_an_unknown_set_id_deletes_nothing(data_dir: Path) -> None:
    with History() as history:
        set_id = record_set(history, made_set("reverse_fly", 3), SetContext("ann"))
    assert_clean_error(cli("history", "delete", str(set_id), "999"), EXIT_BAD_INPUT, "999", "nothing deleted")
    with History() as history:
        assert len(list_sets(history)) == 1
        with pytest.raises(BadInputError, match="no set with id 5"):
            delete_sets(history, [5])


# -- two processes at once -----------------------------------------------------------------------------------
RECORDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from formcheck.history.db import History
    from formcheck.history.record import SetContext, record_set
    from tests.historydata import made_set

    who, count, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    reports = [made_set("reverse_fly", 1 + i % 4) for i in range(count)]
    while not go.exists():
        time.sleep(0.005)
    with History() as history:                      # both open (create, migrate) the new database together
        for report in reports:
            record_set(history, report, SetContext(who))
""")


def test_two_processes_recording_at_the_same_time_lose_nothing(tmp_path: Path, data_dir: Path) -> None:
    go = tmp_path / "go"
    count = 60
    env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
    procs = [subprocess.Popen([sys.executable, "-c", RECORDER, who, str(count), str(go)], env=env,
                              cwd=Path(__file__).resolve().parent.parent, stderr=subprocess.PIPE, text=True)
             for who in ("ann", "bob")]  # fmt: skip
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with History() as history:
        sets = list_sets(history)
        assert history.query("PRAGMA integrity_check") == [("ok",)]
        reps = history.query("SELECT count(*) FROM reps")[0][0]
    assert sorted(s.person for s in sets) == ["ann"] * count + ["bob"] * count
    assert len({s.uid for s in sets}) == 2 * count
    assert reps == sum(s.rep_count for s in sets) == 2 * sum(1 + i % 4 for i in range(count))


def test_two_formcheck_commands_importing_at_the_same_time_lose_nothing(tmp_path: Path, data_dir: Path) -> None:
    files = []
    for who in ("ann", "bob"):
        sets = [{"uid": f"{who}{i}", "person": who, "report": made_set("hip_raise", 2)} for i in range(40)]
        path = tmp_path / f"{who}.json"
        path.write_text(json.dumps({"format": "formcheck-history", "version": 1, "sets": sets}), encoding="utf-8")
        files.append(path)
    procs = [subprocess.Popen([sys.executable, "-m", "formcheck", "history", "import", str(f)], env=os.environ.copy(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    listed = json.loads(cli("history", "--json").stdout)
    assert sorted(s["uid"] for s in listed) == sorted(f"{w}{i}" for w in ("ann", "bob") for i in range(40))


# -- trends ------------------------------------------------------------------------------------------------
def test_progress_trends_follow_the_sets(data_dir: Path) -> None:
    with History() as history:
        for report, pain, effort in weeks_of_sets(START, weeks=6, skip_week=3):
            record_set(history, report, SetContext("ann", pain, effort))
        sets = list_sets(history, Selection(person="ann"))
        stored = reports(history, [s.id for s in sets])
    progress = build_progress("ann", sets, stored, START + dt.timedelta(days=60))
    assert [count for _, count in progress.weeks] == [2, 2, 2, 0, 2, 2]     # the empty week is shown
    assert progress.sets_per_week == pytest.approx(10 / 6)
    fly = next(e for e in progress.exercises if e.exercise == "reverse_fly")
    (elevation,) = fly.ranges
    assert elevation.target is target_for("reverse_fly", "arm_elevation")
    assert elevation.first < elevation.last and elevation.first < 65.0
    assert fly.cues[0].cue == "raise_height" and fly.cues[0].trend == IMPROVING
    assert [v for _, v in progress.pain] == [6, 6, 5, 5, 4, 4, 2, 2, 1, 1]


def test_a_cue_broken_more_and_more_is_worse() -> None:
    early = [made_set("hip_raise", 4, view="side", hold_s=5.0)] * 3
    late = [made_set("hip_raise", 4, view="side", hold_s=5.0, faults={i: ["knee_angle"] for i in (1, 2, 3)})] * 3
    (trend,) = cue_trends(early + late)
    assert (trend.cue, trend.trend, trend.early, trend.late) == ("knee_angle", WORSE, 0.0, 75.0)


def test_weeks_start_on_monday(data_dir: Path) -> None:
    sunday, monday = START + dt.timedelta(days=6), START + dt.timedelta(days=7)   # START is a Monday
    with History() as history:
        for when in (START, sunday, monday):
            record_set(history, made_set("hip_raise", 2, when=when), SetContext("ann"))
        sets = list_sets(history)
    assert [n for _, n in weeks(tuple(sets))] == [2, 1]


def test_import_keeps_each_sets_person_unless_told(data_dir: Path) -> None:
    entries = [{"uid": "x1", "person": "Ann", "report": made_set("hip_raise", 2)}, {"report": made_set("hip_raise", 2)}]
    with History() as history:
        added, skipped = import_sets(history, entries, SetContext("me"))
        assert (len(added), skipped) == (2, 0)
        assert [s.person for s in list_sets(history)] == ["Ann", "me"]


def test_an_import_is_all_or_nothing(data_dir: Path) -> None:
    """A set that cannot be recorded leaves none of the file's sets behind; running it again imports them all."""
    good = [{"uid": f"g{i}", "report": made_set("hip_raise", 2)} for i in range(3)]
    broken = {"uid": "bad", "report": {**made_set("hip_raise", 2), "schema_version": 9}}
    with History() as history:
        with pytest.raises(BadInputError, match="schema 9"):
            import_sets(history, [*good, broken], SetContext("me"))
        assert list_sets(history) == []
        assert import_sets(history, good, SetContext("me"))[1] == 0
        assert sorted(s.uid for s in list_sets(history)) == ["g0", "g1", "g2"]


def test_live_keeps_every_finished_set_for_the_history(tmp_path: Path, data_dir: Path) -> None:
    """A set ended by switching exercise and the last set are both recorded (the one call at the end of live)."""
    from tests.test_live import SyntheticSource, session

    live, _ = session(SyntheticSource(10**4), tmp_path, {130: "e", 135: "q"})
    live.finish(live.run())
    live.grabber.stop()
    assert len(live.finished) == 2 and live.finished[0]["exercise"] == "hip_raise"
    ids = record_finished(HistoryOptions(person="ann", origin="live"), live.finished, QUIET)
    with History() as history:
        recorded = list_sets(history)
    assert [s.id for s in recorded] == ids and recorded[0].rep_count == live.finished[0]["rep_count"] >= 2
    assert len(ids) == 1 + (live.finished[1]["rep_count"] + len(live.finished[1]["partial_reps"]) > 0)

"""The history database's schema, as numbered migrations (``PRAGMA user_version`` is the schema version).

Each migration runs once, in the same transaction as the version bump. The whole report dict is stored with
every set, so a later migration can derive new columns or tables from the sets already recorded (as migration
2 does for the range of motion).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

APPLICATION_ID = 0x46434B48  # "FCKH" in the file header: a formcheck history database

_V1 = """
CREATE TABLE sets (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,          -- stays the same through export and import
    person        TEXT NOT NULL,
    exercise      TEXT NOT NULL,
    exercise_name TEXT NOT NULL,
    performed_at  TEXT NOT NULL,                 -- ISO 8601 in UTC: when the set was analysed
    recorded_at   TEXT NOT NULL,
    source        TEXT NOT NULL,                 -- the video, image folder or camera
    origin        TEXT NOT NULL,                 -- analyze, live or import
    complete      INTEGER NOT NULL,
    rep_count     INTEGER NOT NULL,
    partial_reps  INTEGER NOT NULL,
    reps_left     INTEGER,                       -- one-arm exercises only
    reps_right    INTEGER,
    score         REAL,
    hold_s        REAL,                          -- median hold at the top over the reps
    pain          INTEGER CHECK (pain IS NULL OR pain BETWEEN 0 AND 10),
    effort        INTEGER CHECK (effort IS NULL OR effort BETWEEN 1 AND 10),
    note          TEXT,
    report        TEXT NOT NULL                  -- the report dict (formcheck/report/schema.json), as JSON
);
CREATE INDEX sets_by_person ON sets (person, exercise, performed_at);
CREATE TABLE reps (
    set_id   INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
    rep      INTEGER NOT NULL,
    side     TEXT,
    start_s  REAL NOT NULL,
    end_s    REAL NOT NULL,
    hold_s   REAL NOT NULL,
    score    REAL NOT NULL,
    PRIMARY KEY (set_id, rep)
);
CREATE TABLE cue_results (
    set_id   INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
    rep      INTEGER,                            -- NULL: a cue judged on the whole set
    cue      TEXT NOT NULL,
    verdict  TEXT NOT NULL CHECK (verdict IN ('ok', 'fault', 'not_checked')),
    value    REAL
);
CREATE INDEX cue_results_by_set ON cue_results (set_id, cue);
"""

_V2 = """
CREATE TABLE range_of_motion (
    set_id         INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
    metric         TEXT NOT NULL,                -- arm_elevation, hip_line, pull_depth, hold
    cue            TEXT NOT NULL,
    unit           TEXT NOT NULL,
    target         REAL NOT NULL,                -- the article's target
    rule_limit     REAL,                         -- what the rule file accepts, when the set was recorded
    achieved       REAL,                         -- median over the reps it was measured on
    best           REAL,
    reps_measured  INTEGER NOT NULL,
    reps_reaching  INTEGER NOT NULL,
    PRIMARY KEY (set_id, metric)
);
"""


@dataclass(frozen=True)
class Migration:
    """One step of the schema: from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";"):  # executescript() would commit the open transaction
            if statement.strip():
                conn.execute(statement)

    return run


def _v1(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _script(_V1)(conn)


def _v2(conn: sqlite3.Connection) -> None:
    from formcheck.history.record import range_rows  # the same code that fills it for new sets

    _script(_V2)(conn)
    for set_id, text in conn.execute("SELECT id, report FROM sets").fetchall():
        conn.executemany(INSERT_RANGE, [(set_id, *row) for row in range_rows(json.loads(text))])


INSERT_RANGE = (
    "INSERT INTO range_of_motion (set_id, metric, cue, unit, target, rule_limit, achieved, best, reps_measured, "
    "reps_reaching) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sets, their reps and every cue's verdict and value", _v1),
    Migration(2, "range of motion against the article's targets, derived from the stored reports", _v2),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

"""Opening the history database: WAL mode, migrations, and one-line errors for every way it can be unusable."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from formcheck.errors import HistoryError
from formcheck.history.location import database_path
from formcheck.history.schema import APPLICATION_ID, MIGRATIONS, Migration

BUSY_TIMEOUT_S = 10.0   # how long a writer waits for another formcheck that is recording a set
ADVICE = "move the file away to start a new history, or run with --no-history"


class History:
    """An open history database (a context manager); every write is one ``transaction()``."""

    def __init__(self, path: Path | None = None, *, timeout_s: float | None = None,
                 migrations: Sequence[Migration] = MIGRATIONS) -> None:  # fmt: skip
        self.path = Path(path) if path is not None else database_path()
        self.timeout_s = BUSY_TIMEOUT_S if timeout_s is None else timeout_s
        self.migrations = tuple(migrations)
        self.conn = self._open()

    # -- opening ---------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise HistoryError(f"{self.path}: is a directory, not a history database")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryError(f"{self.path}: cannot create the folder ({error.strerror or error})") from None
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        except sqlite3.Error as error:
            raise self._error(error) from None
        try:
            with self.translated():
                conn.execute("PRAGMA foreign_keys = ON")
                self._check_header(conn)
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise HistoryError(f"{self.path}: cannot use write-ahead logging here (journal mode {mode})")
                conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_header(self, conn: sqlite3.Connection) -> None:
        """Refuse another program's database and one written by a newer formcheck."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        application = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and application != APPLICATION_ID:
            raise HistoryError(f"{self.path}: not a formcheck history database (another program's); {ADVICE}")
        newest = self.migrations[-1].version
        if version > newest:
            raise HistoryError(f"{self.path}: written by a newer formcheck (history schema {version}; this "
                               f"formcheck reads up to {newest}); upgrade formcheck, or run with --no-history")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema up to date, each step once even when several formchecks start together."""
        if conn.execute("PRAGMA user_version").fetchone()[0] >= self.migrations[-1].version:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
            for migration in self.migrations:
                if migration.version > version:
                    migration.apply(conn)
                    conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- using -----------------------------------------------------------------------------------
    @property
    def version(self) -> int:
        """The schema version of the open database."""
        with self.translated():
            return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is recorded, or nothing (a crash leaves no half set).

        Inside another transaction it joins that one, so a caller can make many writes one unit.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        with self.translated():
            self.conn.execute("BEGIN IMMEDIATE")  # take the write lock now: waits for another writer
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        """Rows of a read query."""
        with self.translated():
            return self.conn.execute(sql, tuple(parameters)).fetchall()

    @contextlib.contextmanager
    def translated(self) -> Iterator[None]:
        """SQLite errors become one-line HistoryErrors naming the file."""
        try:
            yield
        except sqlite3.Error as error:
            raise self._error(error) from None

    def _error(self, error: sqlite3.Error) -> HistoryError:
        text = str(error)
        if "locked" in text or "busy" in text:
            return HistoryError(f"{self.path}: the history database is locked by another program (waited "
                                f"{self.timeout_s:g} s); try again, or run with --no-history")
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return HistoryError(f"{self.path}: the history database is damaged ({text}); {ADVICE}")
        if "readonly" in text or "unable to open" in text or "disk I/O" in text:
            return HistoryError(f"{self.path}: cannot write the history database ({text}); run with --no-history")
        return HistoryError(f"{self.path}: history database error: {text}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

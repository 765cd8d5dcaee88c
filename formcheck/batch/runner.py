"""Run a batch: skip what is up to date, have an engine analyse the rest, write reports, records and the summary.

Everything is written by this driver, atomically, as each video finishes: reports first, then the video's record,
then the summary of every video finished so far (in a batch of more than 50 videos, every 2% of them, since it is
rewritten whole; always at the end and on Ctrl-C). So Ctrl-C at any point leaves complete reports, a summary that
lists them, and records that let the next run continue where this one stopped (even after a hard kill).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from formcheck.batch.engines import Engine, VideoTask
from formcheck.batch.inputs import BatchItem
from formcheck.batch.records import (
    Settings,
    file_sha256,
    formcheck_version,
    is_up_to_date,
    read_record,
    report_path,
    texts_sha256,
    write_record,
)
from formcheck.batch.summary import report_fields, summary_row, write_summary
from formcheck.batch.worker import FORMATS
from formcheck.io.atomic import write_bytes_atomic
from formcheck.report.writers import check_writable

SUMMARY_SHARE = 50  # the summary is rewritten once another 1/50 of its rows are finished (and at the end)


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (see `formcheck batch --help`)."""

    out_dir: Path
    formats: tuple[str, ...] = FORMATS
    exercise: str | None = None
    model: str | None = None
    rules_dir: Path | None = None
    force: bool = False


@dataclass
class BatchResult:
    """What a batch did: the summary rows (finished videos, in input order) and which videos it analysed."""

    rows: list[dict[str, Any]]
    analysed: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    interrupted: bool = False
    summary_files: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["status"] != "ok"]


class Progress(Protocol):
    def frames(self, key: str, done: int, total: int | None) -> None: ...

    def finished(self, key: str) -> None: ...


AfterEach = Callable[[BatchItem, str, dict[str, Any]], None]  # (item, sha256, outcome) of each analysed video


def run_batch(
    items: Sequence[BatchItem],
    options: BatchOptions,
    engine: Engine,
    *,
    progress: Progress | None = None,
    after_each: AfterEach | None = None,
) -> BatchResult:
    """Analyse ``items`` with ``engine`` into ``options.out_dir``; Ctrl-C returns what was done (interrupted=True).

    ``after_each`` sees every video analysed in this run once, after its reports and record are written (the
    hook for a history database: a video skipped as up to date is not seen again).
    """
    run = _BatchRun(items, options, progress, after_each)
    try:
        tasks = run.plan()
        if tasks:  # (a rerun with nothing to do never connects to a cluster)
            engine.run(tasks, run)
    except KeyboardInterrupt:
        run.result.interrupted = True
    finally:
        run.write_summary()
    return run.result


class _BatchRun:
    """The driver's side of one batch; receives the engine's events (BatchEvents)."""

    def __init__(self, items: Sequence[BatchItem], options: BatchOptions, progress: Progress | None,
                 after_each: AfterEach | None) -> None:  # fmt: skip
        self.items, self.options, self.progress, self.after_each = items, options, progress, after_each
        self.out_dir = options.out_dir
        self.by_key = {item.key: item for item in items}
        self.hashes: dict[str, str] = {}
        self.rows: dict[str, dict[str, Any]] = {}
        self.result = BatchResult(rows=[])
        self.unsaved = 0  # videos finished since the summary was last written
        self.model, self.model_sha256, self.rules = _prepare(items, options)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        check_writable(self.out_dir / "summary.csv")

    def settings(self, item: BatchItem) -> Settings:
        rules_sha = texts_sha256(self.rules) if self.rules else None
        return Settings(item.exercise or self.options.exercise, self.model_sha256, rules_sha)

    def plan(self) -> list[VideoTask]:
        """The tasks to run; up-to-date videos go straight to the summary, unreadable files fail at once."""
        tasks: list[VideoTask] = []
        for item in self.items:
            try:
                sha256 = file_sha256(item.path)
            except OSError as error:
                why = "no such file" if isinstance(error, FileNotFoundError) else (error.strerror or str(error))
                self._finish(item, None, {"status": "failed", "error": f"{item.path}: {why}"})
                continue
            self.hashes[item.key] = sha256
            record = read_record(self.out_dir, item.key)
            if not self.options.force and is_up_to_date(record, sha256, self.settings(item), self.options.formats,
                                                        self.out_dir):  # fmt: skip
                self.result.up_to_date.append(item.key)
                self._finish(item, sha256, record)
                continue
            tasks.append(VideoTask(item.key, str(item.path.resolve()), str(item.path), sha256,
                                   self.settings(item).exercise, self.options.formats, self.model,
                                   self.model_sha256, self.rules))  # fmt: skip
        if self.rows:
            self.write_summary()
        return tasks

    # -- BatchEvents --------------------------------------------------------------------------------------
    def frames(self, key: str, done: int, total: int | None) -> None:
        if self.progress:
            self.progress.frames(key, done, total)

    def finished(self, key: str, outcome: dict[str, Any]) -> None:
        item, sha256 = self.by_key[key], self.hashes[key]
        reports: dict[str, str] = {}
        for fmt in FORMATS:
            target = report_path(self.out_dir, key, fmt)
            if fmt in outcome["files"] and fmt in self.options.formats:
                write_bytes_atomic(target, outcome["files"][fmt])
                reports[fmt] = target.relative_to(self.out_dir).as_posix()
            elif outcome["final_failure"] and not outcome["files"]:
                target.unlink(missing_ok=True)  # this content cannot be analysed: no stale report of an older one
        record = {
            "video": str(item.path), "sha256": sha256, "formcheck_version": formcheck_version(),
            "settings": self.settings(item).as_dict(), "formats": list(self.options.formats),
            "status": outcome["status"], "error": outcome["error"], "final_failure": outcome["final_failure"],
            "exercise": self.settings(item).exercise, "reports": reports,
            "fields": report_fields(outcome["report"]) if outcome["report"] else {}, "host": outcome["host"],
        }  # fmt: skip
        write_record(self.out_dir, key, record)
        self.result.analysed.append(key)
        self._finish(item, sha256, record)
        self.unsaved += 1
        if self.unsaved * SUMMARY_SHARE >= len(self.rows):  # O(n) per write: a big batch writes it every 2%
            self.write_summary()
        if self.after_each:
            self.after_each(item, sha256, outcome)

    # -----------------------------------------------------------------------------------------------------
    def _finish(self, item: BatchItem, sha256: str | None, record: dict[str, Any]) -> None:
        record = {"exercise": item.exercise or self.options.exercise, **record}
        self.rows[item.key] = summary_row(str(item.path), item.person, sha256, record)
        if self.progress:
            self.progress.finished(item.key)

    def write_summary(self) -> None:
        self.unsaved = 0
        self.result.rows = [self.rows[item.key] for item in self.items if item.key in self.rows]
        self.result.summary_files = write_summary(self.out_dir, self.result.rows)


def _prepare(items: Sequence[BatchItem], options: BatchOptions) -> tuple[str, str, dict[str, str] | None]:
    """Check exercises and rules and find the model once, before any video: (model path, its SHA-256, rules)."""
    from formcheck.perception.model import resolve_model
    from formcheck.rules.loader import find_exercise, load_all

    rules = None
    if options.rules_dir is not None:
        load_all(options.rules_dir)  # a broken rule file stops the batch here, naming the file and the key
        rules = {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(options.rules_dir).glob("*.toml"))}
    for exercise in sorted({e for e in (options.exercise, *(i.exercise for i in items)) if e}):
        find_exercise(exercise, options.rules_dir)
    model = resolve_model(options.model).path
    return str(model), file_sha256(model), rules


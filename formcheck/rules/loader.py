"""Rule files: one TOML file per exercise, validated at load; errors name the file and the key."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from formcheck.errors import RuleFileError
from formcheck.pose.measures import MEASURES

RULES_DIR = Path(__file__).resolve().parent / "data"  # the bundled rule files (package data)
VIEWS = ("front", "side", "three_quarter", "back")
SPACES = ("auto", "image", "world")
PHASES = ("rep", "top", "start")
KINDS = ("range", "hold", "sides")
CHECKS = ("throughout", "reaches")
SIDEDNESS = ("both", "alternating")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
ANGLE_LIMIT = 360.0


@dataclass(frozen=True)
class RepDefinition:
    """How a rep shows in a smoothed signal: hysteresis thresholds, minimum duration and hold."""

    signal: str
    space: str
    enter: float
    exit: float
    top: float
    min_peak: float
    min_duration_s: float
    smoothing_s: float
    hold_s: float
    partial_fraction: float


@dataclass(frozen=True)
class Cue:
    """One coaching cue of the article, turned into a check."""

    id: str
    cue: str
    kind: str
    measure: str | None
    space: str
    phase: str
    min: float | None
    max: float | None
    baseline: str | None
    check: str
    views: tuple[str, ...]
    weight: float
    message: str
    fix: str


@dataclass(frozen=True)
class ExerciseRules:
    """An exercise: its name, recommended views, rep definition and cues."""

    id: str
    name: str
    description: str
    views: tuple[str, ...]
    sides: str
    rep: RepDefinition
    cues: tuple[Cue, ...]
    min_reps: int
    max_reps: int
    source: Path

    def cue(self, cue_id: str) -> Cue:
        """The cue with this id."""
        return next(c for c in self.cues if c.id == cue_id)


class _Reader:
    """Typed access to a TOML table that reports bad keys as ``file: key: problem``."""

    def __init__(self, path: Path, table: dict[str, Any], prefix: str = "") -> None:
        self.path, self.table, self.prefix = path, table, prefix

    def fail(self, key: str, problem: str) -> RuleFileError:
        return RuleFileError(f"{self.path}: {self.prefix}{key}: {problem}")

    def child(self, key: str) -> _Reader:
        value = self.table.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "missing table" if value is None else "must be a table")
        return _Reader(self.path, value, f"{self.prefix}{key}.")

    def text(self, key: str, default: str | None = None, choices: tuple[str, ...] | None = None) -> str:
        value = self.table.get(key, default)
        if value is None:
            raise self.fail(key, "missing required field")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        if choices and value not in choices:
            raise self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def number(self, key: str, default: float | None = None, low: float = -ANGLE_LIMIT,
               high: float = ANGLE_LIMIT, required: bool = True) -> float | None:  # fmt: skip
        value = self.table.get(key, default)
        if value is None:
            if required:
                raise self.fail(key, "missing required field")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, got {value!r}")
        if not low <= value <= high:
            raise self.fail(key, f"{value} is out of range [{low}, {high}]")
        return float(value)

    def views(self, key: str, default: list[str] | None = None) -> tuple[str, ...]:
        value = self.table.get(key, default)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a non-empty list of views ({', '.join(VIEWS)})")
        unknown = [v for v in value if v not in VIEWS]
        if unknown:
            raise self.fail(key, f"unknown view {unknown[0]!r}; valid views: {', '.join(VIEWS)}")
        return tuple(value)

    def measure(self, key: str, required: bool = True) -> str | None:
        value = self.table.get(key)
        if value is None and not required:
            return None
        name = self.text(key)
        if name not in MEASURES:
            raise self.fail(key, f"unknown measure {name!r}; valid measures: {', '.join(sorted(MEASURES))}")
        return name


def _read_rep(reader: _Reader) -> RepDefinition:
    rep = reader.child("rep")
    definition = RepDefinition(
        signal=rep.measure("signal"),
        space=rep.text("space", "auto", SPACES),
        enter=rep.number("enter"),
        exit=rep.number("exit"),
        top=rep.number("top"),
        min_peak=rep.number("min_peak"),
        min_duration_s=rep.number("min_duration_s", 0.5, 0.0, 30.0),
        smoothing_s=rep.number("smoothing_s", 0.1, 0.0, 2.0),
        hold_s=rep.number("hold_s", 0.0, 0.0, 60.0),
        partial_fraction=rep.number("partial_fraction", 0.4, 0.0, 1.0),
    )
    if definition.exit >= definition.enter:
        raise rep.fail("exit", f"must be below enter ({definition.enter})")
    if not definition.enter <= definition.min_peak <= definition.top:
        raise rep.fail("min_peak", f"must lie between enter ({definition.enter}) and top ({definition.top})")
    return definition


def _read_cue(reader: _Reader, exercise_views: tuple[str, ...]) -> Cue:
    code = reader.text("id")
    if not CODE_PATTERN.match(code):
        raise reader.fail("id", f"{code!r} must be lower_snake_case letters, digits and underscores")
    kind = reader.text("kind", "range", KINDS)
    low = reader.number("min", required=False, low=-ANGLE_LIMIT, high=ANGLE_LIMIT)
    high = reader.number("max", required=False, low=-ANGLE_LIMIT, high=ANGLE_LIMIT)
    if kind == "range" and low is None and high is None:
        raise reader.fail("min", "a range cue needs min, max or both")
    if kind == "hold" and low is None:
        raise reader.fail("min", "a hold cue needs min (seconds)")
    if low is not None and high is not None and low >= high:
        raise reader.fail("max", f"must be above min ({low})")
    baseline = reader.table.get("baseline")
    if baseline not in (None, "start"):
        raise reader.fail("baseline", f"{baseline!r} is not 'start'")
    message = reader.text("message")
    try:
        message.format(value=0.0, min=0.0, max=0.0)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as error:  # e.g. {value[0]}, {value.x}
        raise reader.fail("message", f"bad placeholder ({error}); use {{value}}, {{min}} or {{max}}") from None
    return Cue(
        id=code,
        cue=reader.text("cue"),
        kind=kind,
        measure=reader.measure("measure", required=kind == "range"),
        space=reader.text("space", "auto", SPACES),
        phase=reader.text("phase", "rep", PHASES),
        min=low,
        max=high,
        baseline=baseline,
        check=reader.text("check", "throughout", CHECKS),
        views=reader.views("views", list(exercise_views)),
        weight=reader.number("weight", 1.0, 0.0, 10.0),
        message=message,
        fix=reader.text("fix"),
    )


def load_rules(path: Path) -> ExerciseRules:
    """Load and validate one rule file."""
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuleFileError(f"{path}: cannot read the rule file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise RuleFileError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleFileError(f"{path}: TOML syntax error: {error}") from None
    reader = _Reader(path, table)
    exercise_id = reader.text("id")
    if exercise_id != path.stem:
        raise reader.fail("id", f"{exercise_id!r} must match the file name {path.stem!r}")
    views = reader.views("views")
    raw_cues = table.get("cues")
    if not isinstance(raw_cues, list) or not raw_cues or not all(isinstance(c, dict) for c in raw_cues):
        raise reader.fail("cues", "must be a non-empty array of tables ([[cues]])")
    cues = tuple(_read_cue(_Reader(path, c, f"cues[{i}]."), views) for i, c in enumerate(raw_cues))
    seen: set[str] = set()
    for index, cue in enumerate(cues):
        if cue.id in seen:
            raise RuleFileError(f"{path}: cues[{index}].id: duplicate cue id {cue.id!r}")
        seen.add(cue.id)
    min_reps = int(reader.number("min_reps", 10, 1, 1000))
    return ExerciseRules(
        id=exercise_id,
        name=reader.text("name"),
        description=reader.text("description", ""),
        views=views,
        sides=reader.text("sides", "both", SIDEDNESS),
        rep=_read_rep(reader),
        cues=cues,
        min_reps=min_reps,
        max_reps=int(reader.number("max_reps", 20, min_reps, 1000)),
        source=path,
    )


def load_folder(folder: Path) -> dict[str, ExerciseRules]:
    """Load every ``*.toml`` rule file of one folder, keyed by exercise id."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RuleFileError(f"{folder}: rules folder not found")
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise RuleFileError(f"{folder}: no rule files (*.toml) in this folder")
    return {rules.id: rules for rules in map(load_rules, files)}


def load_all(folder: Path | None = None) -> dict[str, ExerciseRules]:
    """The bundled exercises, with those of ``folder`` (``--rules``) added or replacing them by id."""
    catalogue = load_folder(RULES_DIR)
    if folder is not None:
        catalogue |= load_folder(folder)
    return catalogue


def find_exercise(exercise_id: str, folder: Path | None = None) -> ExerciseRules:
    """The rules of one exercise; unknown ids raise an error listing the valid ones."""
    catalogue = load_all(folder)
    if exercise_id not in catalogue:
        from formcheck.errors import BadInputError

        raise BadInputError(f"unknown exercise {exercise_id!r}; choose one of: {', '.join(sorted(catalogue))}")
    return catalogue[exercise_id]

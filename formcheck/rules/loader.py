"""Rule files: one TOML file per exercise, validated at load; errors name the file and the key."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from formcheck.errors import BadInputError, RuleFileError
from formcheck.pose.measures import MEASURES
from formcheck.rules.model import NAME_MAX_CHARS, VIEWS, Criterion, Cue, ExerciseRules, RepDefinition, default_cue_name
from formcheck.rules.schema import RECOGNITION_FEATURES, REQUIRED, allowed_keys, spec

RULES_DIR = Path(__file__).resolve().parent / "data"  # the bundled rule files (package data)
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class _Reader:
    """Typed access to a TOML table through the key specs; bad keys are reported as ``file: key: problem``."""

    def __init__(self, path: Path, table: dict[str, Any], name: str, prefix: str = "") -> None:
        self.path, self.table, self.name, self.prefix = path, table, name, prefix

    def reject_unknown(self) -> None:
        """After the known keys were read: a key the schema does not know is an error (typos never pass)."""
        tables = {"rep", "cues", "recognize"} if self.name == "" else set()
        unknown = sorted(set(self.table) - allowed_keys(self.name) - tables)
        if unknown:
            valid = ", ".join(sorted(allowed_keys(self.name)))
            raise self.fail(unknown[0], f"unknown key; valid keys here: {valid}")

    def fail(self, key: str, problem: str) -> RuleFileError:
        return RuleFileError(f"{self.path}: {self.prefix}{key}: {problem}")

    def _raw(self, key: str) -> Any:
        value = self.table.get(key, spec(self.name, key).default)
        if value is REQUIRED:
            raise self.fail(key, "missing required field")
        return value

    def text(self, key: str) -> str:
        value = self._raw(key)
        if not isinstance(value, str) or (not value.strip() and spec(self.name, key).required):
            raise self.fail(key, "must be a non-empty string")
        return value

    def display_name(self, key: str, default: str) -> str:
        """A short one-line display name (``default`` when the key is absent)."""
        if self.table.get(key) is None:
            return default
        value = self.table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        if "\n" in value or len(value.strip()) > NAME_MAX_CHARS:
            raise self.fail(key, f"{value!r} must be one line of at most {NAME_MAX_CHARS} characters")
        return value.strip()

    def choice(self, key: str) -> str | None:
        value = self._raw(key)
        choices = spec(self.name, key).choices
        if value is not None and value not in choices:
            raise self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def number(self, key: str) -> float | None:
        value, key_spec = self._raw(key), spec(self.name, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(key, f"must be a number, got {value!r}")
        if not key_spec.low <= value <= key_spec.high:
            raise self.fail(key, f"{value} is out of range [{key_spec.low:g}, {key_spec.high:g}]")
        return float(value)

    def flag(self, key: str) -> bool:
        value = self._raw(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, got {value!r}")
        return value

    def views(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.table.get(key, list(default) if default else None)
        if value is None:
            raise self.fail(key, "missing required field")
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a non-empty list of views ({', '.join(VIEWS)})")
        unknown = [v for v in value if v not in VIEWS]
        if unknown:
            raise self.fail(key, f"unknown view {unknown[0]!r}; valid views: {', '.join(VIEWS)}")
        return tuple(value)

    def measure(self, key: str) -> str | None:
        if self._raw(key) is None:
            return None
        name = self.text(key)
        if name not in MEASURES:
            raise self.fail(key, f"unknown measure {name!r}; valid measures: {', '.join(sorted(MEASURES))}")
        return name

    def pair(self, key: str) -> tuple[float, float]:
        value = self._raw(key)
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)):  # fmt: skip
            raise self.fail(key, f"must be [low, high] (numbers; inf for an open end), got {value!r}")
        low, high = (float(v) for v in value)
        if math.isnan(low) or math.isnan(high) or low > high:
            raise self.fail(key, f"low must not exceed high, got {value!r}")
        return low, high


def _read_rep(path: Path, table: dict[str, Any]) -> RepDefinition:
    raw = table.get("rep")
    if not isinstance(raw, dict):
        raise RuleFileError(f"{path}: rep: {'missing table' if raw is None else 'must be a table'}")
    rep = _Reader(path, raw, "rep", "rep.")
    rest, top, min_peak = rep.number("rest"), rep.number("top"), rep.number("min_peak")
    partial_fraction = rep.number("partial_fraction")
    if partial_fraction is None and top > rest:
        partial_fraction = (min_peak - rest) / (top - rest)
    definition = RepDefinition(
        signal=rep.measure("signal"),
        space=rep.choice("space"),
        rest=rest,
        top=top,
        min_peak=min_peak,
        min_duration_s=rep.number("min_duration_s"),
        smoothing_s=rep.number("smoothing_s"),
        hold_s=rep.number("hold_s"),
        partial_fraction=partial_fraction if partial_fraction is not None else 0.0,
        range_cue=rep.table.get("range_cue"),
        max_torso_rise=rep.number("max_torso_rise"),
    )
    if definition.range_cue is not None and not isinstance(definition.range_cue, str):
        raise rep.fail("range_cue", f"must be a cue id, got {definition.range_cue!r}")
    if definition.top <= definition.rest:
        raise rep.fail("top", f"must be above rest ({definition.rest})")
    if not definition.rest < definition.min_peak <= definition.top:
        raise rep.fail("min_peak", f"must lie above rest ({definition.rest}) and at most top ({definition.top})")
    rep.reject_unknown()
    return definition


def _read_cue(reader: _Reader, exercise_views: tuple[str, ...]) -> Cue:
    code = reader.text("id")
    if not CODE_PATTERN.match(code):
        raise reader.fail("id", f"{code!r} must be lower_snake_case letters, digits and underscores")
    kind = reader.choice("kind")
    low, high = reader.number("min"), reader.number("max")
    if kind == "range" and low is None and high is None:
        raise reader.fail("min", "a range cue needs min, max or both")
    if kind == "hold" and low is None:
        raise reader.fail("min", "a hold cue needs min (seconds)")
    if low is not None and high is not None and low >= high:
        raise reader.fail("max", f"must be above min ({low})")
    measure = reader.measure("measure")
    if kind == "range" and measure is None:
        raise reader.fail("measure", "missing required field (a range cue judges a measure)")
    message = reader.text("message")
    try:
        message.format(value=0.0, abs=0.0, way="", min=0.0, max=0.0)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as error:  # e.g. {value[0]}, {value.x}
        placeholders = "{value}, {abs}, {way}, {min} or {max}"
        raise reader.fail("message", f"bad placeholder ({error}); use {placeholders}") from None
    cue = Cue(
        id=code,
        name=reader.display_name("name", default_cue_name(code)),
        cue=reader.text("cue"),
        kind=kind,
        measure=measure,
        space=reader.choice("space"),
        phase=reader.choice("phase"),
        min=low,
        max=high,
        baseline=reader.choice("baseline"),
        check=reader.choice("check"),
        views=reader.views("views", exercise_views),
        weight=reader.number("weight"),
        message=message,
        fix=reader.text("fix"),
        below=reader.text("below"),
        above=reader.text("above"),
    )
    reader.reject_unknown()
    return cue


def _read_criterion(reader: _Reader) -> Criterion:
    feature = reader.text("feature")
    if feature not in RECOGNITION_FEATURES:
        raise reader.fail("feature", f"unknown feature {feature!r}; valid: {', '.join(RECOGNITION_FEATURES)}")
    full_lo, full_hi = reader.pair("full")
    zero_lo, zero_hi = reader.pair("zero")
    if zero_lo > full_lo or zero_hi < full_hi:
        raise reader.fail("zero", f"must enclose full [{full_lo:g}, {full_hi:g}]")
    criterion = Criterion(feature, zero_lo, full_lo, full_hi, zero_hi, reader.number("weight"),
                          reader.text("says"), reader.flag("decisive"))  # fmt: skip
    reader.reject_unknown()
    return criterion


def _tables(path: Path, table: dict[str, Any], key: str, required: bool) -> list[dict[str, Any]]:
    raw = table.get(key, None if required else [])
    if not isinstance(raw, list) or (required and not raw) or not all(isinstance(c, dict) for c in raw):
        raise RuleFileError(f"{path}: {key}: must be a non-empty array of tables ([[{key}]])")
    return raw


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
    reader = _Reader(path, table, "")
    exercise_id = reader.text("id")
    if exercise_id != path.stem:
        raise reader.fail("id", f"{exercise_id!r} must match the file name {path.stem!r}")
    views = reader.views("views")
    raw_cues = _tables(path, table, "cues", required=True)
    cues = tuple(_read_cue(_Reader(path, c, "cues", f"cues[{i}]."), views) for i, c in enumerate(raw_cues))
    seen: set[str] = set()
    for index, cue in enumerate(cues):
        if cue.id in seen:
            raise RuleFileError(f"{path}: cues[{index}].id: duplicate cue id {cue.id!r}")
        seen.add(cue.id)
    rep = _read_rep(path, table)
    range_cues = [c.id for c in cues if c.kind == "range"]
    if rep.range_cue is not None and rep.range_cue not in range_cues:
        raise RuleFileError(f"{path}: rep.range_cue: {rep.range_cue!r} is not a range cue of this file; "
                            f"valid: {', '.join(range_cues)}")
    raw_criteria = _tables(path, table, "recognize", required=False)
    criteria = tuple(_read_criterion(_Reader(path, c, "recognize", f"recognize[{i}]."))
                     for i, c in enumerate(raw_criteria))  # fmt: skip
    min_reps = int(reader.number("min_reps"))
    max_reps = int(reader.number("max_reps"))
    if max_reps < min_reps:
        raise reader.fail("max_reps", f"must be at least min_reps ({min_reps})")
    rules = ExerciseRules(
        id=exercise_id,
        name=reader.text("name"),
        description=reader.text("description"),
        views=views,
        sides=reader.choice("sides"),
        rep=rep,
        cues=cues,
        min_reps=min_reps,
        max_reps=max_reps,
        source=path,
        recognize=criteria,
    )
    reader.reject_unknown()
    return rules


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
        raise BadInputError(f"unknown exercise {exercise_id!r}; choose one of: {', '.join(sorted(catalogue))}")
    return catalogue[exercise_id]

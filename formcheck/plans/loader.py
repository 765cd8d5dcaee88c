"""Plan files: TOML, validated at load like rule files (errors name the file and the key)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from formcheck.errors import PlanFileError
from formcheck.plans.model import Plan, PlanStep
from formcheck.rules.loader import load_all
from formcheck.rules.model import ExerciseRules

PLANS_DIR = Path(__file__).resolve().parent / "data"   # the bundled plans (package data)
TOP_KEYS = {"id", "name", "notes", "rest_s", "exercises"}
STEP_KEYS = {"exercise", "sets", "reps", "each_side", "rest_s", "hold_s", "note"}
MAX_REST_S = 3600.0
MAX_HOLD_S = 60.0   # as a rule file's rep.hold_s
MAX_SETS = 20
MAX_REPS = 1000


def bundled_plans() -> list[str]:
    """The names of the plans that ship with formcheck."""
    return sorted(p.stem for p in PLANS_DIR.glob("*.toml"))


def load_plan(name_or_path: str | Path, catalogue: dict[str, ExerciseRules] | None = None) -> Plan:
    """A plan file, or a bundled plan by name (``back-routine`` or ``back-routine.toml``)."""
    path = Path(name_or_path)
    if not path.is_file():
        bundled = PLANS_DIR / f"{path.stem}.toml"
        if path.parent == Path(".") and path.suffix in ("", ".toml") and bundled.is_file():
            path = bundled
        else:
            raise PlanFileError(f"{name_or_path}: no such plan file; bundled plans: {', '.join(bundled_plans())}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlanFileError(f"{path}: cannot read the plan file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as error:
        raise PlanFileError(f"{path}: not valid TOML ({error})") from None
    return parse_plan(path, data, load_all() if catalogue is None else catalogue)


def parse_plan(path: Path, data: dict[str, Any], catalogue: dict[str, ExerciseRules]) -> Plan:
    """Validate a plan's TOML table and freeze it."""
    fail = _Fail(path)
    _reject_unknown(fail, "", data, TOP_KEYS)
    plan_id = data.get("id", path.stem)
    name = data.get("name", plan_id)
    for key, value in (("id", plan_id), ("name", name)):
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            raise fail(key, f"must be a non-empty one-line string, got {value!r}")
    notes = data.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise fail("notes", "must be a list of strings")
    default_rest = _seconds(fail, "rest_s", data.get("rest_s", 60.0))
    steps = data.get("exercises")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        raise fail("exercises", "must be a non-empty array of tables ([[exercises]])")
    parsed = tuple(_step(fail, f"exercises[{i}].", table, catalogue, default_rest) for i, table in enumerate(steps))
    return Plan(plan_id, name, path, parsed, tuple(notes))


class _Fail:
    """Builds the ``file: key: problem`` error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, key: str, problem: str) -> PlanFileError:
        return PlanFileError(f"{self.path}: {key}: {problem}")


def _reject_unknown(fail: _Fail, prefix: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise fail(f"{prefix}{unknown[0]}", f"unknown key; valid keys here: {', '.join(sorted(allowed))}")


def _seconds(fail: _Fail, key: str, value: Any, high: float = MAX_REST_S) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high:
        raise fail(key, f"must be a number of seconds from 0 to {high:.0f}, got {value!r}")
    return float(value)


def _step(fail: _Fail, prefix: str, table: dict[str, Any], catalogue: dict[str, ExerciseRules],
          default_rest: float) -> PlanStep:  # fmt: skip
    _reject_unknown(fail, prefix, table, STEP_KEYS)
    exercise = table.get("exercise")
    if exercise is None:
        raise fail(f"{prefix}exercise", "missing required field")
    if not isinstance(exercise, str) or exercise not in catalogue:
        raise fail(f"{prefix}exercise", f"unknown exercise {exercise!r}; choose one of: {', '.join(sorted(catalogue))}")
    rules = catalogue[exercise]
    sets = table.get("sets", 1)
    if isinstance(sets, bool) or not isinstance(sets, int) or not 1 <= sets <= MAX_SETS:
        raise fail(f"{prefix}sets", f"must be a whole number from 1 to {MAX_SETS}, got {sets!r}")
    reps = table.get("reps", [rules.min_reps, rules.max_reps])
    if isinstance(reps, int) and not isinstance(reps, bool):
        reps = [reps, reps]
    if not (isinstance(reps, list) and len(reps) == 2
            and all(isinstance(r, int) and not isinstance(r, bool) for r in reps)
            and 1 <= reps[0] <= reps[1] <= MAX_REPS):  # fmt: skip
        raise fail(f"{prefix}reps", f"must be a number of reps or [min, max] with 1 <= min <= max <= {MAX_REPS}, "
                                    f"got {reps!r}")
    one_sided = rules.sides == "alternating"
    each_side = table.get("each_side", one_sided)
    if not isinstance(each_side, bool):
        raise fail(f"{prefix}each_side", f"must be true or false, got {each_side!r}")
    if each_side and not one_sided:
        raise fail(f"{prefix}each_side", f"{exercise} works both sides at once; each_side is for one-arm exercises")
    hold = table.get("hold_s")
    if hold is not None:
        hold = _seconds(fail, f"{prefix}hold_s", hold, MAX_HOLD_S)
    note = table.get("note", "")
    if not isinstance(note, str):
        raise fail(f"{prefix}note", f"must be a string, got {note!r}")
    rest = _seconds(fail, f"{prefix}rest_s", table.get("rest_s", default_rest))
    return PlanStep(exercise, sets, reps[0], reps[1], each_side, rest, hold, note)

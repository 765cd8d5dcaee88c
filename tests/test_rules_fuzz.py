"""Broken rule files: one-line errors naming the file and the key; the loader never fails any other way."""

from __future__ import annotations

import math
import re
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formcheck.errors import EXIT_BAD_INPUT, RuleFileError
from formcheck.rules.loader import RULES_DIR, load_rules
from formcheck.rules.model import ExerciseRules
from tests.media import assert_clean_error, run_formcheck

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BUNDLED = sorted(RULES_DIR.glob("*.toml"))
HIP_RAISE = (RULES_DIR / "hip_raise.toml").read_text(encoding="utf-8")

# (case, how to break hip_raise.toml, the key the error must name, words it must contain)
BROKEN = [
    ("syntax_error", lambda t: t.replace('name = "Hip raise"', 'name = "Hip raise'), None, "syntax"),
    ("unknown_measure", lambda t: t.replace('measure = "knee_angle"', 'measure = "knee_angel"'),
     "cues[0].measure", "unknown measure"),
    ("missing_field", lambda t: t.replace('fix = "Walk your feet', 'fixes = "Walk your feet'),
     "cues[0].fix", "missing"),
    ("missing_rep_signal", lambda t: t.replace('signal = "hip_extension"', ""), "rep.signal", "missing"),
    ("threshold_out_of_range", lambda t: t.replace("max = 115", "max = 1150"), "cues[0].max", "out of range"),
    ("hold_out_of_range", lambda t: t.replace("hold_s = 5 ", "hold_s = -5 "), "rep.hold_s", "out of range"),
    ("wrong_type", lambda t: t.replace("min = 65", 'min = "sixty-five"'), "cues[0].min", "number"),
]  # fmt: skip


def write_rules(folder: Path, text: str, name: str = "hip_raise.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("case", "breaks", "key", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_rule_file_names_file_and_key(case: str, breaks, key: str | None, words: str, tmp_path: Path) -> None:
    broken = breaks(HIP_RAISE)
    assert broken != HIP_RAISE, "the mutation did not apply"
    path = write_rules(tmp_path, broken)
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert words in message.lower()
    if key:
        assert f": {key}: " in message


@pytest.mark.parametrize(("case", "breaks", "key", "words"), BROKEN[:5], ids=[b[0] for b in BROKEN[:5]])
def test_broken_rule_file_on_the_command_line(case: str, breaks, key: str | None, words: str, tmp_path: Path) -> None:
    """`--rules DIR` with a broken file: exit 2 and one line naming the file (and key), before any video work."""
    path = write_rules(tmp_path / "rules", breaks(HIP_RAISE))
    proc = run_formcheck("analyze", tmp_path / "missing.mp4", "-e", "hip_raise", "--rules", path.parent)
    line = assert_clean_error(proc, EXIT_BAD_INPUT, str(path), words)
    if key:
        assert key in line


def test_rules_folder_problems_on_the_command_line(tmp_path: Path) -> None:
    proc = run_formcheck("analyze", tmp_path / "x.mp4", "-e", "hip_raise", "--rules", tmp_path / "none")
    assert_clean_error(proc, EXIT_BAD_INPUT, "none", "not found")
    (tmp_path / "empty").mkdir()
    proc = run_formcheck("analyze", tmp_path / "x.mp4", "-e", "hip_raise", "--rules", tmp_path / "empty")
    assert_clean_error(proc, EXIT_BAD_INPUT, "no rule files")


# -- fuzzing -----------------------------------------------------------------------------------------------
def toml_value(value: object) -> str:
    """A TOML literal for a scalar or an array."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return '"' + "".join(_escape(c) for c in value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(type(value))


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    return f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char


def dump_toml(document: dict) -> str:
    """A tiny TOML writer for the shapes rule files have: scalars, tables, arrays of tables."""
    lines: list[str] = []
    scalars = {k: v for k, v in document.items() if not isinstance(v, dict) and not _is_table_array(v)}
    lines += [f"{_key(k)} = {toml_value(v)}" for k, v in scalars.items()]
    for key, value in document.items():
        if isinstance(value, dict):
            lines.append(f"[{_key(key)}]")
            lines += [f"{_key(k)} = {toml_value(v)}" for k, v in value.items() if not isinstance(v, dict | list)
                      or (isinstance(v, list) and not _is_table_array(v))]  # fmt: skip
        elif _is_table_array(value):
            for table in value:
                lines.append(f"[[{_key(key)}]]")
                lines += [f"{_key(k)} = {toml_value(v)}" for k, v in table.items() if not isinstance(v, dict)]
    return "\n".join(lines) + "\n"


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def check_loads_or_names_the_file(path: Path) -> None:
    """The property: a rule file either loads, or fails with RuleFileError starting with its path."""
    try:
        rules = load_rules(path)
    except RuleFileError as error:
        assert str(error).startswith(f"{path}: "), str(error)
        assert "\n" not in str(error).strip() or "TOML syntax error" in str(error)
    else:
        assert isinstance(rules, ExerciseRules)


KEYS = ["id", "name", "description", "views", "sides", "min_reps", "max_reps", "rep", "cues", "signal", "space",
        "enter", "exit", "top", "min_peak", "min_duration_s", "smoothing_s", "hold_s", "partial_fraction", "cue",
        "kind", "measure", "phase", "min", "max", "baseline", "weight", "message", "fix"]  # fmt: skip
TEXTS = st.sampled_from([
    "hip_raise", "side", "front", "hip_lift", "knee_angle", "range", "hold", "sides", "top", "start", "world", "auto",
    "alternating", "{value}", "{value:.0f}", "{value.real}", "{value[0]}", "{0}", "{", "}", "{min} {max}",
    "{value!r}", "{value:%}", "{value:q}", "",
])  # fmt: skip
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXTS,
    st.text(max_size=12),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4))
TABLES = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)
DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        **{k: VALUES for k in ["id", "name", "views", "sides", "min_reps", "max_reps", "description"]},
        "rep": TABLES,
        "cues": st.one_of(st.lists(TABLES, max_size=3), VALUES),
    },
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(document=DOCUMENTS)
def test_fuzz_random_documents(document: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = dump_toml(document)
        tomllib.loads(text)  # the test's own writer makes valid TOML
        check_loads_or_names_the_file(write_rules(Path(folder), text))


def _set(document: dict, path: list, value: object) -> None:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _paths(document: object, prefix: list) -> list[list]:
    """Every key path into the parsed rule file: top-level keys, rep.*, cues[i].*."""
    if isinstance(document, dict):
        return [p for k, v in document.items() for p in [[*prefix, k], *_paths(v, [*prefix, k])]]
    if isinstance(document, list) and _is_table_array(document):
        return [p for i, v in enumerate(document) for p in _paths(v, [*prefix, i])]
    return []


@FUZZ
@given(data=st.data(), source=st.sampled_from(BUNDLED))
def test_fuzz_mutated_bundled_rules_structure(data: st.DataObject, source: Path) -> None:
    """Parse a bundled rule file, change, delete or retype a few of its values, write it back, load it."""
    document = tomllib.loads(source.read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(document, [])
        path = data.draw(st.sampled_from(paths))
        if data.draw(st.booleans()) and len(path) > 0:
            parent = document
            for step in path[:-1]:
                parent = parent[step]
            del parent[path[-1]]
        else:
            _set(document, path, data.draw(VALUES))
    with tempfile.TemporaryDirectory() as folder:
        check_loads_or_names_the_file(write_rules(Path(folder), dump_toml(document), source.name))


@FUZZ
@given(data=st.data(), source=st.sampled_from(BUNDLED))
def test_fuzz_mutated_bundled_rules_text(data: st.DataObject, source: Path) -> None:
    """Byte-level damage to a bundled rule file: cut, spliced, doubled lines, stray characters, bad encodings."""
    raw = source.read_bytes()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["cut", "insert", "delete", "duplicate_line"]))
        if action == "cut":
            raw = raw[:at]
        elif action == "insert":
            junk = st.binary(min_size=1, max_size=6) | st.sampled_from([b"[", b"]]", b'"', b"=", b"\n[[cues]]\n"])
            raw = raw[:at] + data.draw(junk) + raw[at:]
        elif action == "delete":
            raw = raw[:at] + raw[at + data.draw(st.integers(1, 40)):]
        else:
            lines = raw.splitlines(keepends=True)
            if lines:
                line = lines[min(at, len(lines) - 1)]
                raw = raw.replace(line, line + line, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / source.name
        path.write_bytes(raw)
        check_loads_or_names_the_file(path)


def test_bundled_rules_round_trip_through_the_test_writer() -> None:
    """The fuzzers' TOML writer keeps a bundled file loadable (so mutations start from a valid file)."""
    for source in BUNDLED:
        with tempfile.TemporaryDirectory() as folder:
            text = dump_toml(tomllib.loads(source.read_text(encoding="utf-8")))
            loaded = load_rules(write_rules(Path(folder), text, source.name))
            assert loaded == load_rules(source).__class__(**{**vars(load_rules(source)), "source": loaded.source})


@pytest.mark.parametrize("message", ["{value[0]}", "{value.x}", "{value!z}", "{value:q}", "{0}", "{", "{other}"])
def test_bad_message_placeholder_names_the_key(message: str, tmp_path: Path) -> None:
    """Found by fuzzing: placeholders that index or take attributes of the value must not crash the loader."""
    text = HIP_RAISE.replace('message = "Knees bent to {value:.0f}°: set them at about 90°."', f'message = "{message}"')
    assert text != HIP_RAISE
    path = write_rules(tmp_path, text)
    with pytest.raises(RuleFileError, match=re.escape(f"{path}: cues[0].message: bad placeholder")):
        load_rules(path)


@FUZZ
@given(message=st.text(alphabet="{}[]().!:0123456789valuexminaq %", max_size=16))
def test_fuzz_cue_message(message: str) -> None:
    """Any message text: loads, or a RuleFileError naming the file."""
    text = HIP_RAISE.replace('"Knees bent to {value:.0f}°: set them at about 90°."', toml_value(message))
    with tempfile.TemporaryDirectory() as folder:
        check_loads_or_names_the_file(write_rules(Path(folder), text))

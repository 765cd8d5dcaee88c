"""Rule files: the bundled ones load and are complete; broken ones fail naming the file and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formcheck.errors import BadInputError, RuleFileError
from formcheck.rules.loader import RULES_DIR, find_exercise, load_all, load_rules

CUE_IDS = {
    "reverse_fly": {"torso_angle", "knees_soft", "elbows_soft", "raise_height", "wrists_below_elbows",
                    "shoulders_down", "spine_straight"},
    "seated_row": {"back_straight", "knees_bent", "arms_extended", "full_pull", "elbows_back", "hold_2",
                   "shoulders_down"},
    "hip_raise": {"knee_angle", "hip_line", "no_arch", "hold_5"},
    "bent_over_lateral_raise": {"torso_parallel", "knees_soft", "elbows_straight", "raise_height", "spine_straight"},
    "one_arm_row": {"torso_parallel", "back_straight", "elbow_up", "arm_close", "switch_sides"},
}  # fmt: skip


def test_bundled_rules_have_the_fixed_cue_ids() -> None:
    catalogue = load_all()
    assert {ex: {c.id for c in rules.cues} for ex, rules in catalogue.items()} == CUE_IDS


def test_every_cue_quotes_the_article_and_explains_fault_and_fix() -> None:
    article = Path(__file__).resolve().parents[2] / "shared" / "seed" / "back-muscle-exercises.txt"  # optional
    text = article.read_text(encoding="utf-8").lower() if article.exists() else None
    for rules in load_all().values():
        for cue in rules.cues:
            assert len(cue.cue) > 10 and len(cue.message) > 10 and len(cue.fix) > 10, cue.id
            if text:  # the cue's wording comes from the article: its longest word run appears there
                words = re.findall(r"[a-z]+", cue.cue.lower())
                assert sum(w in text for w in words) >= 0.8 * len(words), (rules.id, cue.id)


def test_every_bundled_cue_has_a_short_name_of_its_own() -> None:
    for rules in load_all().values():
        names = [cue.name for cue in rules.cues]
        assert all(0 < len(name) <= 32 and "_" not in name for name in names), names
        assert len(set(names)) == len(names), rules.id


def test_a_cue_without_a_name_is_shown_by_its_id_in_words(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE.replace('name = "Hips up in line"\n', ""))
    cue = load_rules(path).cue("hip_line")
    assert cue.title == "Hip line"
    assert load_rules(RULES_DIR / "hip_raise.toml").cue("hip_line").title == "Hips up in line"


def test_holds_follow_the_article_counts() -> None:
    assert find_exercise("seated_row").rep.hold_s == 2
    assert find_exercise("hip_raise").rep.hold_s == 5


def test_unknown_exercise_lists_the_valid_ones() -> None:
    with pytest.raises(BadInputError, match=r"choose one of: .*hip_raise"):
        find_exercise("squat")


def _write(tmp_path: Path, text: str, name: str = "hip_raise.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = (RULES_DIR / "hip_raise.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("mutation", "key"),
    [
        (lambda t: t.replace('signal = "hip_extension"', 'signal = "hip_wiggle"'), "rep.signal"),
        (lambda t: t.replace('measure = "knee_angle"', 'measure = "knee_wobble"'), "cues[0].measure"),
        (lambda t: t.replace('name = "Hip raise"\n', ""), "name"),
        (lambda t: t.replace("min = 65 ", "min = 6500 "), "cues[0].min"),
        (lambda t: t.replace("top = 0", "top = -50"), "rep.top"),
        (lambda t: t.replace('views = ["side"]\nsides', 'views = ["above"]\nsides'), "views"),
        (lambda t: t.replace('id = "hold_5"', 'id = "Hold Five"'), "cues[3].id"),
        (lambda t: t.replace('fix = "Walk your feet', 'fixx = "Walk your feet'), "cues[0].fix"),
        (lambda t: t.replace('name = "Hips up in line"', 'name = "Hips up in one long straight line please"'),
         "cues[1].name"),
        (lambda t: t.replace('name = "Hips up in line"', 'name = ""'), "cues[1].name"),
        (lambda t: t.replace('name = "Hips up in line"', "name = 3"), "cues[1].name"),
    ],
)
def test_broken_rule_file_names_file_and_key(tmp_path: Path, mutation, key: str) -> None:
    mutated = mutation(BASE)
    assert mutated != BASE
    path = _write(tmp_path, mutated)
    with pytest.raises(RuleFileError) as error:
        load_rules(path)
    message = str(error.value)
    assert message.startswith(str(path)) and f": {key}:" in message


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE + "\n[rep\n")
    with pytest.raises(RuleFileError, match=re.escape(str(path)) + ": TOML syntax error"):
        load_rules(path)


def test_custom_rules_folder_changes_a_threshold_without_python(tmp_path: Path) -> None:
    _write(tmp_path, BASE.replace("min = 4.0", "min = 3.0"))
    rules = load_all(tmp_path)["hip_raise"]
    assert rules.cue("hold_5").min == 3.0


def test_partial_fraction_defaults_to_the_share_of_the_range_min_peak_asks_for(tmp_path: Path) -> None:
    """Without partial_fraction, "much smaller than the person's reps" means what min_peak means: below halfway."""
    for rules in load_all().values():
        rep = rules.rep
        assert rep.partial_fraction == pytest.approx((rep.min_peak - rep.rest) / (rep.top - rep.rest))
    text = (RULES_DIR / "hip_raise.toml").read_text(encoding="utf-8")
    text = text.replace("[rep]\n", "[rep]\npartial_fraction = 0.7\n")
    (tmp_path / "hip_raise.toml").write_text(text, encoding="utf-8")
    assert load_rules(tmp_path / "hip_raise.toml").rep.partial_fraction == 0.7

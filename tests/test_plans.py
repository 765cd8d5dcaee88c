"""Plan files: the bundled routine is the article's, bad plans fail naming file and key, adherence is judged."""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck.errors import PlanFileError
from formcheck.plans.adherence import DoneSet, compare
from formcheck.plans.loader import bundled_plans, load_plan
from formcheck.rules.loader import load_all


def test_the_bundled_routine_is_the_articles() -> None:
    plan = load_plan("back-routine")
    assert plan == load_plan("back-routine.toml")
    assert "back-routine" in bundled_plans()
    sets = plan.sets()
    assert [s.exercise for s in sets] == ["reverse_fly", "seated_row", "hip_raise", "bent_over_lateral_raise",
                                          "one_arm_row"]  # fmt: skip
    assert all((s.reps_min, s.reps_max) == (10, 20) for s in sets)
    assert [s.each_side for s in sets] == [False, False, False, False, True]   # "Switch sides"
    holds = {step.exercise: step.hold_s for step in plan.steps}
    assert holds["seated_row"] == 2 and holds["hip_raise"] == 5
    assert sets[-1].rest_after_s == 0 and sets[0].rest_after_s > 0
    assert any("Warm up" in note for note in plan.notes) and any("core" in note for note in plan.notes)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("body", "key", "problem"), [
    ('[[exercises]]\nexercise = "squat"\n', "exercises[0].exercise", "unknown exercise 'squat'"),
    ('[[exercises]]\nexercise = "hip_raise"\nreps = [20, 10]\n', "exercises[0].reps", "min <= max"),
    ('[[exercises]]\nexercise = "hip_raise"\nsets = 0\n', "exercises[0].sets", "from 1 to 20"),
    ('[[exercises]]\nexercise = "hip_raise"\nrest_s = -5\n', "exercises[0].rest_s", "seconds"),
    ('[[exercises]]\nexercise = "hip_raise"\nrepz = 10\n', "exercises[0].repz", "unknown key"),
    ('[[exercises]]\nexercise = "hip_raise"\neach_side = true\n', "exercises[0].each_side", "one-arm"),
    ('name = "x"\n', "exercises", "non-empty array"),
    ('colour = "red"\n[[exercises]]\nexercise = "hip_raise"\n', "colour", "unknown key"),
])  # fmt: skip
def test_a_bad_plan_names_the_file_and_the_key(tmp_path: Path, body: str, key: str, problem: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(PlanFileError) as caught:
        load_plan(path, load_all())
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ") and problem in message


def test_a_missing_plan_lists_the_bundled_ones(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match=r"bundled plans: .*back-routine"):
        load_plan("leg-day")
    with pytest.raises(PlanFileError, match="not valid TOML"):
        load_plan(_write(tmp_path, "exercises = [[["))


def test_defaults_come_from_the_rule_files(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, 'rest_s = 90\n[[exercises]]\nexercise = "one_arm_row"\nsets = 2\n'))
    first, second = plan.sets()
    assert (first.reps_min, first.reps_max, first.each_side, first.rest_after_s) == (10, 20, True, 90.0)
    assert second.number == 2 and second.rest_after_s == 0


def test_adherence_done_short_over_missed_and_extra(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, """
[[exercises]]
exercise = "reverse_fly"
reps = [10, 12]
[[exercises]]
exercise = "hip_raise"
sets = 2
reps = 10
[[exercises]]
exercise = "one_arm_row"
"""))
    done = [DoneSet("reverse_fly", 13), DoneSet("hip_raise", 10), DoneSet("one_arm_row", 21, {"left": 12, "right": 9}),
            DoneSet("seated_row", 10)]  # fmt: skip
    adherence = compare(plan, done)
    statuses = [(a.planned.exercise, a.status) for a in adherence.sets]
    assert statuses == [("reverse_fly", "over"), ("hip_raise", "done"), ("hip_raise", "missed"),
                        ("one_arm_row", "short")]  # fmt: skip
    assert adherence.sets[0].note == "1 rep over the target"
    assert adherence.sets[3].note == "right 1 rep short of the target"
    assert [d.exercise for d in adherence.extra] == ["seated_row"]
    assert adherence.summary == "3 of 4 planned sets done, 1 on target (1 short, 1 over, 1 missed, 1 extra)"
    data = adherence.to_dict()
    assert data["sets"][3]["done"] == "left 12, right 9" and data["sets"][3]["target"] == "10-20 per side"


@pytest.mark.parametrize(("body", "key", "problem"), [
    ('[[exercises]]\nsets = 2\n', "exercises[0].exercise", "missing required field"),
    ('[[exercises]]\nexercise = "hip_raise"\nreps = "ten"\n', "exercises[0].reps", "got 'ten'"),
    ('[[exercises]]\nexercise = "hip_raise"\nreps = 0\n', "exercises[0].reps", "1 <= min"),
    ('[[exercises]]\nexercise = "hip_raise"\nsets = 2.5\n', "exercises[0].sets", "whole number"),
    ('[[exercises]]\nexercise = "hip_raise"\nhold_s = 90\n', "exercises[0].hold_s", "from 0 to 60"),
    ('[[exercises]]\nexercise = "one_arm_row"\neach_side = "yes"\n', "exercises[0].each_side", "true or false"),
    ('[[exercises]]\nexercise = "hip_raise"\nnote = 3\n', "exercises[0].note", "must be a string"),
    ('rest_s = true\n[[exercises]]\nexercise = "hip_raise"\n', "rest_s", "seconds"),
    ('name = ""\n[[exercises]]\nexercise = "hip_raise"\n', "name", "non-empty"),
    ('notes = "warm up"\n[[exercises]]\nexercise = "hip_raise"\n', "notes", "list of strings"),
    ('[[exercises]]\nexercise = "hip_raise"\n[[exercises]]\nexercise = "hip_raise"\nrest = 5\n', "exercises[1].rest",
     "unknown key"),
])  # fmt: skip
def test_more_bad_plans_name_the_file_and_the_key(tmp_path: Path, body: str, key: str, problem: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(PlanFileError) as caught:
        load_plan(path, load_all())
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ") and problem in message, message


def test_exercises_are_checked_against_the_catalogue_given(tmp_path: Path) -> None:
    only_bridges = {"hip_raise": load_all()["hip_raise"]}
    path = _write(tmp_path, '[[exercises]]\nexercise = "reverse_fly"\n')
    with pytest.raises(PlanFileError, match=r"exercises\[0\]\.exercise: unknown exercise 'reverse_fly'; choose one "
                                            r"of: hip_raise$"):  # fmt: skip
        load_plan(path, only_bridges)
    assert load_plan(_write(tmp_path, '[[exercises]]\nexercise = "hip_raise"\n'), only_bridges).steps[0].sets == 1


def test_a_plan_that_is_not_toml_or_not_a_plan_name_fails_naming_it(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match=r"^back-routine\.txt: no such plan file; bundled plans: back-routine"):
        load_plan("back-routine.txt")   # only a bare name or name.toml means a bundled plan
    with pytest.raises(PlanFileError, match=r"no such plan file"):
        load_plan(tmp_path / "back-routine.toml")   # a path is a path, never the bundled plan
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(PlanFileError, match=r"bin\.toml: not a UTF-8 text file"):
        load_plan(binary)


def test_planned_sets_carry_the_hold_the_step_and_the_rest(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, """
rest_s = 45
[[exercises]]
exercise = "seated_row"
sets = 2
reps = [8, 12]
hold_s = 2
rest_s = 30
[[exercises]]
exercise = "one_arm_row"
"""))
    sets = plan.sets()
    assert [(s.number, s.exercise, s.set_of_exercise, s.sets_of_exercise) for s in sets] == [
        (1, "seated_row", 1, 2), (2, "seated_row", 2, 2), (3, "one_arm_row", 1, 1)]
    assert [s.rest_after_s for s in sets] == [30.0, 30.0, 0.0]
    assert [s.hold_s for s in sets] == [2.0, 2.0, None]   # None: the rule file's hold
    assert [s.sides for s in sets] == ["", "", "both"] and plan.steps[1].sides == "both"
    assert (sets[0].reps_min, sets[0].reps_max) == (8, 12)


def _row_plan(tmp_path: Path):
    return load_plan(_write(tmp_path, '[[exercises]]\nexercise = "one_arm_row"\nreps = [10, 12]\n'))


def test_a_one_arm_set_is_judged_side_by_side(tmp_path: Path) -> None:
    plan = _row_plan(tmp_path)
    both_short = compare(plan, [DoneSet("one_arm_row", 15, {"left": 7, "right": 8})]).sets[0]
    assert both_short.status == "short" and both_short.gap == (("left", -3), ("right", -2))
    assert both_short.note == "left 3 reps short of the target; right 2 reps short of the target"
    one_over = compare(plan, [DoneSet("one_arm_row", 24, {"left": 11, "right": 13})]).sets[0]
    assert one_over.status == "over" and one_over.gap == (("right", 1),)
    on_target = compare(plan, [DoneSet("one_arm_row", 22, {"left": 10, "right": 12})]).sets[0]
    assert on_target.status == "done" and on_target.gap == () and on_target.note == ""


def test_a_one_arm_set_done_on_one_side_only_is_short_on_the_other(tmp_path: Path) -> None:
    judged = compare(_row_plan(tmp_path), [DoneSet("one_arm_row", 11, {"right": 11})])
    assert judged.sets[0].status == "short" and judged.sets[0].gap == (("left", -10),)
    assert judged.to_dict()["sets"][0]["done"] == "left 0, right 11"


def test_without_counts_per_side_a_one_arm_set_is_judged_on_its_total(tmp_path: Path) -> None:
    judged = compare(_row_plan(tmp_path), [DoneSet("one_arm_row", 9)]).sets[0]
    assert judged.status == "short" and judged.gap == (("set", -1),) and judged.note == "1 rep short of the target"


def test_extra_sets_say_why_and_skipped_sets_take_no_performed_set(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, '[[exercises]]\nexercise = "hip_raise"\nsets = 2\nreps = 10\n'))
    done = [DoneSet("hip_raise", 10, start_s=1.0), DoneSet("hip_raise", 10, start_s=50.0),
            DoneSet("reverse_fly", 12, start_s=90.0)]  # fmt: skip
    adherence = compare(plan, done, skipped=[1])
    assert [a.status for a in adherence.sets] == ["done", "skipped"]
    assert [(e.exercise, e.reason) for e in adherence.extra] == [("hip_raise", "beyond the planned sets"),
                                                                  ("reverse_fly", "not in the plan")]  # fmt: skip
    assert adherence.summary == "1 of 2 planned sets done, 1 on target (1 skipped, 2 extra)"
    data = adherence.to_dict()
    assert data["extra"][0] == {"exercise": "hip_raise", "reps": 10, "start_s": 50.0,
                                "reason": "beyond the planned sets"}  # fmt: skip


def test_the_totals_count_both_sides_of_a_one_arm_set(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, """
[[exercises]]
exercise = "hip_raise"
reps = [10, 15]
[[exercises]]
exercise = "one_arm_row"
reps = [10, 12]
"""))
    adherence = compare(plan, [DoneSet("hip_raise", 12), DoneSet("reverse_fly", 30)])
    assert adherence.reps_target == (30, 39)        # 10-15, plus 10-12 on each of two sides
    assert adherence.reps_done == 12                # the extra set is not part of the plan's total
    data = adherence.to_dict()
    totals = (data["sets_planned"], data["sets_performed"], data["reps_done"], data["reps_target"])
    assert totals == (2, 1, 12, [30, 39])
    assert data["counts"] == {"done": 1, "short": 0, "over": 0, "missed": 1, "skipped": 0}
    assert data["reps_line"] == "12 reps of 30-39 planned"
    assert data["sets"][1] == {"number": 2, "exercise": "one_arm_row", "target": "10-12 per side", "reps_min": 10,
                               "reps_max": 12, "each_side": True, "done": None, "reps": None, "reps_by_side": None,
                               "start_s": None, "status": "missed", "note": "not done", "gap": {}}  # fmt: skip

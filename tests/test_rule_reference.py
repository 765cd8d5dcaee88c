"""The rule-file reference is generated from the rule model and must be current."""

from __future__ import annotations

from formcheck.rules.schema import KEYS
from tools import rule_reference


def test_reference_is_up_to_date() -> None:
    committed = rule_reference.OUT.read_text(encoding="utf-8")
    assert committed == rule_reference.render(), "docs/rule-files.md is stale: run python -m tools.rule_reference"


def test_reference_names_every_key() -> None:
    text = rule_reference.render()
    for key in KEYS:
        assert f"| `{key.key}` |" in text, key

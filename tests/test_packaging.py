"""The package stands alone: a built wheel carries the rule files and report templates, not the dev tools."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_holds_the_rule_files_and_templates_and_no_dev_tools(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                           capture_output=True, text=True, timeout=600)  # fmt: skip
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("formcheck-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {f"formcheck/rules/data/{p.name}" for p in (REPO / "formcheck" / "rules" / "data").glob("*.toml")}
    assert len(bundled) == 5 and bundled <= names
    assert {"formcheck/report/schema.json", "formcheck/report/templates/report.html.j2"} <= names
    assert not any(name.startswith(("tools/", "tests/", "bench/")) for name in names)


def test_bundled_rules_load_from_the_package_not_the_checkout() -> None:
    from formcheck.rules.loader import RULES_DIR, load_all

    assert RULES_DIR.is_relative_to(REPO / "formcheck")
    assert set(load_all()) == {"reverse_fly", "seated_row", "hip_raise", "bent_over_lateral_raise", "one_arm_row"}

"""The README's newcomer parts stay true: the settings table, the sample plan, the PATH."""

from __future__ import annotations

import re
from pathlib import Path

from services import catalog

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_settings_table_is_one_table_with_every_setting() -> None:
    start = README.index("| setting | default | meaning |")
    table = README[start:].split("\n\n", 1)[0].splitlines()  # a blank line ends a table
    documented = {m.group(1) for line in table if (m := re.match(r"\| `(ZIBOT_\w+)`", line))}
    example = (ROOT / "config.example.env").read_text(encoding="utf-8")
    settings = set(re.findall(r"^(ZIBOT_\w+)=", example, flags=re.M))
    assert settings and settings <= documented, settings - documented


def test_the_first_day_example_uses_the_sample_plan_that_ships() -> None:
    sample = catalog.sample_plan_path().relative_to(ROOT).as_posix()
    assert f"zibot import {sample} --dry-run" in README
    assert (ROOT / sample).is_file()


def test_the_readme_says_how_zibot_gets_on_the_path_and_how_to_run_fast_tests() -> None:
    assert "source .venv/bin/activate" in README
    assert 'pytest -m "not e2e"' in README

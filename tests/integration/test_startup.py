"""Start-up cost of the command line: heavy libraries stay out until a command needs them.

A timing test would be flaky on a shared machine; what is checked here is what makes start-up
slow: the modules ``import bot.cli`` (all that ``zibot --help`` needs) pulls in. Speed itself
is measured by ``benchmarks/startup.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.cli import app
from models.db import _alembic_head, head_revision, schema_revision

HEAVY = ("openpyxl", "matplotlib", "numpy", "telegram", "alembic", "sqlalchemy", "holidays")


def modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_command_line_module_imports_no_heavy_library() -> None:
    loaded = modules_after("import bot.cli")
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}


def test_progress_needs_neither_alembic_nor_spreadsheets_nor_telegram() -> None:
    loaded = modules_after(
        "from services import catalog, progress\nimport bot.runtime, bot.settings, models.db"
    )
    assert not {n for n in loaded if n.split(".")[0] in ("openpyxl", "telegram", "alembic")}


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == "zibot 0.1.0\n"


def test_schema_checks_without_alembic_agree_with_alembic(engine: Engine) -> None:
    assert head_revision() == _alembic_head()
    with engine.connect() as connection:
        assert (
            schema_revision(engine) == MigrationContext.configure(connection).get_current_revision()
        )

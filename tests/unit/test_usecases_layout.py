"""The use cases are split by feature, access rules sit in one module, statuses are enums."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from services import tracking
from services.status import ItemStatus, TicketStatus
from services.zi import Zibot

ROOT = Path(__file__).resolve().parents[2]


def test_each_feature_module_is_of_modest_size_and_channel_free() -> None:
    modules = sorted((ROOT / "services" / "usecases").glob("*.py"))
    assert {m.stem for m in modules} >= {
        "membership", "progress", "lapor", "bukti", "kendala", "instruksi"
    }  # fmt: skip
    for module in [*modules, ROOT / "services" / "access.py"]:
        source = module.read_text(encoding="utf-8")
        assert len(source.splitlines()) <= 250, module.name
        imported = {
            (node.module or "").split(".")[0]
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & {"telegram", "pywa", "handlers", "bot"}, module.name


def test_zibot_only_composes_the_features() -> None:
    tree = ast.parse((ROOT / "services" / "zi.py").read_text(encoding="utf-8"))
    [zibot] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Zibot"]
    assert not [n for n in zibot.body if isinstance(n, ast.FunctionDef)]
    assert {"report", "kendala_submit", "store_evidence", "link", "progress"} <= set(dir(Zibot))


def test_access_rules_are_only_in_services_access() -> None:
    for module in (ROOT / "services" / "usecases").glob("*.py"):
        source = module.read_text(encoding="utf-8")
        for rule in ("def _read_scope", "def _write_scope", "def _report_scope", "is_admin"):
            assert rule not in source, (module.name, rule)


def test_statuses_keep_their_stored_words() -> None:
    assert [s.value for s in ItemStatus] == ["belum", "proses", "selesai"]
    assert [s.value for s in TicketStatus] == ["baru", "ditanggapi", "selesai"]
    assert tracking.parse_status(" Sudah ") is ItemStatus.SELESAI
    assert tracking.parse_status("diproses") is ItemStatus.PROSES
    assert f"{ItemStatus.BELUM}" == "belum"


def test_services_mention_no_html() -> None:
    """Templates carry neutral marks; HTML belongs to the Telegram channel only."""
    pattern = re.compile(r"html|<b>|<i>|<code>|<pre>|</", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "services").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []


def test_command_replies_are_composed_without_a_chat_library() -> None:
    tree = ast.parse((ROOT / "handlers" / "views.py").read_text(encoding="utf-8"))
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not imported & {"telegram", "pywa", "bot"}
    assert "handlers" not in imported  # not even the Telegram channel's helpers

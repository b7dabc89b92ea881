"""Who may do what, where: every command × role × kind of chat, through the real application.

The rules (``services/access.py`` ``read_scope``/``write_scope``, ``link``; ``services/members.py``
``may_link``/``may_report``):

* reading (/progres, /tenggat, /rencana): anyone in a linked group (the group's satker);
  registered people in private (their own satker; admins: every satker);
* writing (/lapor, /bukti): an agen for their own satker, an admin for any; never a pimpinan;
  never in an unlinked group (nor in the province group, see ``test_handlers.py``); in private
  for the writer's own satker;
* linking (/hubungkan): only in groups; an admin links to any satker or the province, an agen
  only to their own satker;
* /daftar and /start register in private only; /bantuan and /batal answer everyone.

Every cell of ``EXPECTED`` names the outcome. An UPPER_CASE outcome is a refusal: the reply is
that constant of ``services.texts`` and nothing changed (targets, chat links, bukti dukung,
users, invites, audit log, evidence files). A lower-case outcome is checked by ``ALLOWED``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from offline import (
    BOT_USERNAME,
    NOW,
    ApiCall,
    BotHarness,
    TgChat,
    TgUser,
    add_user,
    import_sample,
    link_group,
    only_reply,
    snapshot,
    target_of,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.telegram.presenter import TELEGRAM
from models import ChatLink
from services import texts

CHATS = ("private", "linked", "unlinked")  # a private chat, a group linked to 5103, a new group

# fmt: off
EXPECTED = """
command              | role     | private            | linked             | unlinked
/progres             | none     | NOT_REGISTERED     | progress:5103      | GROUP_NOT_LINKED
/progres             | agen     | progress:5103      | progress:5103      | GROUP_NOT_LINKED
/progres             | pimpinan | progress:5103      | progress:5103      | GROUP_NOT_LINKED
/progres             | admin    | ranking            | progress:5103      | GROUP_NOT_LINKED
/tenggat             | none     | NOT_REGISTERED     | deadlines:5103     | GROUP_NOT_LINKED
/tenggat             | agen     | deadlines:5103     | deadlines:5103     | GROUP_NOT_LINKED
/tenggat             | pimpinan | deadlines:5103     | deadlines:5103     | GROUP_NOT_LINKED
/tenggat             | admin    | deadlines:all      | deadlines:5103     | GROUP_NOT_LINKED
/rencana             | none     | NOT_REGISTERED     | plan:5103          | GROUP_NOT_LINKED
/rencana             | agen     | plan:5103          | plan:5103          | GROUP_NOT_LINKED
/rencana             | pimpinan | plan:5103          | plan:5103          | GROUP_NOT_LINKED
/rencana             | admin    | plan:all           | plan:5103          | GROUP_NOT_LINKED
/lapor MP-01 selesai | none     | NOT_REGISTERED     | NOT_REGISTERED     | NOT_REGISTERED
/lapor MP-01 selesai | agen     | lapor:5103         | lapor:5103         | GROUP_NOT_LINKED
/lapor MP-01 selesai | pimpinan | FORBIDDEN_PIMPINAN | FORBIDDEN_PIMPINAN | GROUP_NOT_LINKED
/lapor MP-01 selesai | admin    | lapor:51           | lapor:5103         | GROUP_NOT_LINKED
/bukti MP-01         | none     | NOT_REGISTERED     | NOT_REGISTERED     | NOT_REGISTERED
/bukti MP-01         | agen     | bukti:5103         | bukti:5103         | GROUP_NOT_LINKED
/bukti MP-01         | pimpinan | FORBIDDEN_PIMPINAN | FORBIDDEN_PIMPINAN | GROUP_NOT_LINKED
/bukti MP-01         | admin    | bukti:51           | bukti:5103         | GROUP_NOT_LINKED
/hubungkan 5103      | none     | GROUP_ONLY         | NOT_REGISTERED     | NOT_REGISTERED
/hubungkan 5103      | agen     | GROUP_ONLY         | linked:5103        | linked:5103
/hubungkan 5103      | pimpinan | GROUP_ONLY         | LINK_FORBIDDEN     | LINK_FORBIDDEN
/hubungkan 5103      | admin    | GROUP_ONLY         | linked:5103        | linked:5103
/hubungkan provinsi  | none     | GROUP_ONLY         | NOT_REGISTERED     | NOT_REGISTERED
/hubungkan provinsi  | agen     | GROUP_ONLY         | LINK_FORBIDDEN     | LINK_FORBIDDEN
/hubungkan provinsi  | pimpinan | GROUP_ONLY         | LINK_FORBIDDEN     | LINK_FORBIDDEN
/hubungkan provinsi  | admin    | GROUP_ONLY         | linked:province    | linked:province
/daftar              | none     | DAFTAR_USAGE       | START_GROUP        | START_GROUP
/daftar              | agen     | DAFTAR_USAGE       | START_GROUP        | START_GROUP
/daftar              | pimpinan | DAFTAR_USAGE       | START_GROUP        | START_GROUP
/daftar              | admin    | DAFTAR_USAGE       | START_GROUP        | START_GROUP
/start               | none     | start:new          | START_GROUP        | START_GROUP
/start               | agen     | start:known        | START_GROUP        | START_GROUP
/start               | pimpinan | start:known        | START_GROUP        | START_GROUP
/start               | admin    | start:known        | START_GROUP        | START_GROUP
/bantuan             | none     | help:unregistered  | help:anyone        | help:anyone
/bantuan             | agen     | help:write         | help:link          | help:link
/bantuan             | pimpinan | help:read          | help:read          | help:read
/bantuan             | admin    | help:write         | help:link          | help:link
/batal               | none     | BATAL_NOTHING      | BATAL_NOTHING      | BATAL_NOTHING
/batal               | agen     | BATAL_NOTHING      | BATAL_NOTHING      | BATAL_NOTHING
/batal               | pimpinan | BATAL_NOTHING      | BATAL_NOTHING      | BATAL_NOTHING
/batal               | admin    | BATAL_NOTHING      | BATAL_NOTHING      | BATAL_NOTHING
"""
# fmt: on

COMMANDS = [
    "/progres", "/tenggat", "/rencana", "/lapor MP-01 selesai", "/bukti MP-01", "/hubungkan 5103",
    "/hubungkan provinsi", "/daftar", "/start", "/bantuan", "/batal",
]  # fmt: skip
PEOPLE = {
    "none": (TgUser(3000, "Tamu"), None),
    "agen": (TgUser(3001, "Made", "Agen"), ("agen", "5103")),
    "pimpinan": (TgUser(3002, "Ketua", "Badung"), ("pimpinan", "5103")),
    "admin": (TgUser(3003, "Ayu", "Admin"), ("admin", "51")),
}
LINKED = TgChat.group(-1005103, "ZI KPU Badung")
UNLINKED = TgChat.group(-1009999, "Grup baru")
PDF = b"%PDF-1.4\n% sk\n"
SATKER_NAMES = {"5103": "KPU Kabupaten Badung", "51": "KPU Provinsi Bali"}


def _cells() -> list[Any]:
    lines = [line for line in EXPECTED.strip().splitlines()[1:] if line.strip()]
    cells = []
    for line in lines:
        command, role, *outcomes = (cell.strip() for cell in line.split("|"))
        for chat, outcome in zip(CHATS, outcomes, strict=True):
            cells.append(pytest.param(command, role, chat, outcome, id=f"{command}|{role}|{chat}"))
    return cells


CELLS = _cells()


def test_the_table_covers_every_command_role_and_chat_once() -> None:
    keys = [(c.values[0], c.values[1], c.values[2]) for c in CELLS]
    assert len(keys) == len(set(keys))
    assert set(keys) == {(c, r, k) for c in COMMANDS for r in PEOPLE for k in CHATS}
    for cell in CELLS:
        outcome = cell.values[3]
        if outcome.isupper():
            assert isinstance(getattr(texts, outcome), str), outcome
        else:
            assert outcome.split(":")[0] in ALLOWED, outcome


def e(value: object) -> str:
    return html.escape(str(value), quote=False)


@dataclass
class Cell:
    """What one cell of the table did."""

    tg: BotHarness
    sessions: sessionmaker[Session]
    evidence_dir: Path
    user: TgUser
    user_id: int | None
    chat: TgChat
    role: str
    calls: list[ApiCall]
    before: dict[str, Any]

    @property
    def reply(self) -> ApiCall:
        return only_reply(self.calls)

    def after(self) -> dict[str, Any]:
        return snapshot(self.sessions, self.evidence_dir)

    def changed(self) -> set[str]:
        after = self.after()
        return {key for key in after if after[key] != self.before[key]}

    def unchanged(self) -> None:
        assert self.after() == self.before


def _progress(cell: Cell, satker: str) -> None:
    head = TELEGRAM.fill(
        texts.VIEW_PROGRESS_HEAD, name=SATKER_NAMES[satker], code=satker, year=2026
    )
    assert cell.reply.text.startswith(head)
    cell.unchanged()


def _ranking(cell: Cell, _: str) -> None:
    text = cell.reply.text
    assert text.startswith(TELEGRAM.fill(texts.VIEW_RANK_HEAD, year=2026))
    assert text.count("KPU ") == 10
    cell.unchanged()


def _deadlines(cell: Cell, satker: str) -> None:
    if satker == "all":
        head = TELEGRAM.fill(texts.VIEW_DEADLINE_HEAD_PLAN, year=2026)
    else:
        head = TELEGRAM.fill(texts.VIEW_DEADLINE_HEAD, name=SATKER_NAMES[satker], year=2026)
    assert cell.reply.text.startswith(head)
    cell.unchanged()


def _plan(cell: Cell, satker: str) -> None:
    if satker == "all":
        head = TELEGRAM.fill(texts.VIEW_PLAN_HEAD_ALL, year=2026)
    else:
        head = TELEGRAM.fill(texts.VIEW_PLAN_HEAD, name=SATKER_NAMES[satker], year=2026)
    assert cell.reply.text.startswith(head)
    assert "<b>MP-01</b>" in cell.reply.text
    cell.unchanged()


def _lapor(cell: Cell, satker: str) -> None:
    assert cell.reply.text.startswith("✅ <b>MP-01</b>")
    assert cell.reply.text.endswith(f"→ <b>{texts.STATUS_LABELS['selesai']}</b>")
    assert cell.changed() == {"targets", "audit"}
    with cell.sessions() as session:
        target = target_of(session, satker, "MP-01")
        assert (target.status, target.updated_by_id, target.updated_at) == (
            "selesai",
            cell.user_id,
            NOW,
        )
        changed_targets = set(cell.after()["targets"]) - set(cell.before["targets"])
        assert [row[0] for row in changed_targets] == [target.id]
    assert cell.after()["audit"] == cell.before["audit"] + 1


def _bukti(cell: Cell, satker: str) -> None:
    prompt = cell.reply
    assert prompt.text == TELEGRAM.fill(
        texts.BUKTI_SEND_FILE,
        code="MP-01",
        activity="Pembentukan Tim Kerja Pembangunan Zona Integritas",
    )
    assert prompt.reply_markup.get("force_reply") is True
    cell.unchanged()  # asking for the file changes nothing yet
    # The file that answers the prompt is filed for the satker the command was for.
    stored = only_reply(
        cell.tg.document(cell.user, cell.chat, "sk.pdf", PDF, reply_to=prompt.message)
    )
    assert stored.text.startswith("📎 Bukti dukung <b>MP-01</b> tersimpan")
    assert cell.changed() == {"bukti", "audit", "files"}
    assert cell.after()["files"] == [f"2026/{satker}/MP/MP-01/sk.pdf"]


def _linked(cell: Cell, target: str) -> None:
    if target == "province":
        assert cell.reply.text == TELEGRAM.fill(texts.LINKED_PROVINCE)
        wanted = (None, True)
    else:
        assert cell.reply.text == TELEGRAM.fill(
            texts.LINKED_SATKER, name=SATKER_NAMES[target], code=target
        )
        wanted = ("5103", False)
    assert cell.changed() == {"chat_links", "audit"}
    with cell.sessions() as session:
        link = session.scalars(select(ChatLink).where(ChatLink.chat_id == str(cell.chat.id))).one()
        assert (link.satker.code if link.satker else None, link.is_province) == wanted
        assert (link.linked_by_id, link.linked_at) == (cell.user_id, NOW)


def _start(cell: Cell, kind: str) -> None:
    if kind == "new":
        assert cell.reply.text == TELEGRAM.fill(texts.START_NEW)
    else:
        role, satker = PEOPLE[cell.role][1]  # type: ignore[misc]
        assert cell.reply.text == TELEGRAM.fill(
            texts.START_KNOWN,
            name=cell.user.full_name,
            role=texts.ROLE_LABELS[role],
            satker=SATKER_NAMES[satker],
        )
    cell.unchanged()


def _help(cell: Cell, kind: str) -> None:
    parts = cell.reply.text.split("\n\n")
    assert parts[0] == TELEGRAM.fill(texts.HELP_HEAD) and parts[-1] == texts.HELP_FOOT
    assert texts.HELP_READ in parts
    if kind == "unregistered":
        assert texts.HELP_NOT_REGISTERED in parts
    elif kind == "anyone":
        assert texts.HELP_GROUP_ANYONE in parts
    else:
        role, satker = PEOPLE[cell.role][1]  # type: ignore[misc]
        assert (
            TELEGRAM.fill(
                texts.HELP_WHO,
                name=cell.user.full_name,
                role=texts.ROLE_LABELS[role],
                satker=SATKER_NAMES[satker],
            )
            in parts
        )
    assert (texts.HELP_WRITE in parts) == (kind in ("write", "link"))
    assert (texts.HELP_LINK in parts) == (kind == "link")
    cell.unchanged()


ALLOWED: dict[str, Callable[[Cell, str], None]] = {
    "progress": _progress,
    "ranking": _ranking,
    "deadlines": _deadlines,
    "plan": _plan,
    "lapor": _lapor,
    "bukti": _bukti,
    "linked": _linked,
    "start": _start,
    "help": _help,
}


@pytest.mark.parametrize(("command", "role", "chat", "outcome"), CELLS)
def test_authorisation(
    tg: BotHarness,
    sessions: sessionmaker[Session],
    evidence_dir: Path,
    command: str,
    role: str,
    chat: str,
    outcome: str,
) -> None:
    import_sample(sessions)
    ids = {
        name: add_user(sessions, user, *registration)
        for name, (user, registration) in PEOPLE.items()
        if registration is not None
    }
    link_group(sessions, LINKED, "5103")
    user = PEOPLE[role][0]
    where = {"private": TgChat.private(user), "linked": LINKED, "unlinked": UNLINKED}[chat]
    before = snapshot(sessions, evidence_dir)

    calls = tg.send(user, where, command)

    cell = Cell(tg, sessions, evidence_dir, user, ids.get(role), where, role, calls, before)
    if outcome.isupper():
        refusal = getattr(texts, outcome).replace("{username}", BOT_USERNAME)
        assert cell.reply.text == e(refusal)
        cell.unchanged()
    else:
        kind, _, argument = outcome.partition(":")
        ALLOWED[kind](cell, argument)

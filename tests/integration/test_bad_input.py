"""Bad input against real databases (SQLite, and PostgreSQL when configured).

What people write is stored as sent, up to one Telegram message (4,096 characters), or refused
with the reason and nothing stored; numbers too large for the database are refused before any
query; file names of 300 CJK characters are stored under a name the file system accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models import (
    AuditLog,
    BuktiDukung,
    ChatLink,
    Instruksi,
    Kendala,
    RencanaAksi,
    Satker,
    Target,
    User,
    make_engine,
    upgrade_schema,
)
from services import bounds, catalog, evidence, texts
from services.errors import ZibotError
from services.importer import import_plan
from services.zi import Caller, EvidenceSlot, Zibot

if TYPE_CHECKING:
    from conftest import Databases

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # Friday 09:00 WITA
AGEN, ADMIN = 510301, 510001
# Everything an HTML message must escape, line breaks, and a character outside the BMP.
SAMPLE = 'Spanduk <ZI> & banner "WBK"\nbaris kedua 😀 '


def long_text(length: int) -> str:
    """``length`` characters of ``SAMPLE``, ending with a full stop (stored texts are stripped)."""
    return (SAMPLE * (length // len(SAMPLE) + 1))[: length - 1] + "."


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[Engine]:
    with databases.scratch(request.param, tmp_path_factory.mktemp("db"), "badinput") as url:
        engine = make_engine(url)
        upgrade_schema(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine, databases: Databases) -> Engine:
    return databases.empty(migrated_engine)


@pytest.fixture
def zi(sessions: sessionmaker[Session], tmp_path: Path) -> Zibot:
    """The sample plan, an agen of Badung and an admin of the province."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=NOW, actor="test")
        for telegram_id, role, code in ((AGEN, "agen", "5103"), (ADMIN, "admin", "51")):
            session.add(
                User(
                    name=f"{role} {code}",
                    role=role,
                    satker_id=catalog.find_satker(session, code).id,
                    telegram_id=telegram_id,
                    created_at=NOW,
                )
            )
        session.add(
            ChatLink(
                channel="telegram",
                chat_id="-100510",
                satker_id=None,
                is_province=True,
                title="Provinsi",
                linked_at=NOW,
            )
        )
    return Zibot(sessions, lambda: NOW, WITA, tmp_path / "bukti")


def private(telegram_id: int) -> Caller:
    return Caller("telegram", str(telegram_id), True, str(telegram_id))


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_kendala_of_4096_characters_is_stored_as_sent(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    text = long_text(4096)
    number, _ = zi.kendala_submit(
        private(AGEN), target_id=None, category="sarpras", description=text, attachment=None
    )
    with sessions() as session:
        stored = session.scalars(select(Kendala.description)).one()
    assert stored == text and len(stored) == 4096 and number == "KDL-2026-0001"


def test_a_longer_kendala_is_refused_and_nothing_is_stored(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(bounds.TooLong) as refused:
        zi.kendala_submit(
            private(AGEN),
            target_id=None,
            category="sarpras",
            description=long_text(4097),
            attachment=None,
        )
    assert str(refused.value) == texts.INPUT_TOO_LONG.format(
        what=texts.INPUT_WHAT_KENDALA, length=4097, limit=4096
    )
    assert count(sessions, Kendala) == 0


def test_an_answer_of_4096_characters_is_stored_and_a_longer_one_refused(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    number, _ = zi.kendala_submit(
        private(AGEN), target_id=None, category="sdm", description="Kurang SDM", attachment=None
    )
    with pytest.raises(bounds.TooLong):
        zi.kendala_answer(private(ADMIN), number, long_text(4097))
    with sessions() as session:
        ticket = session.scalars(select(Kendala)).one()
        assert (ticket.answer, ticket.status) == (None, "baru")
    answer = long_text(4096)
    zi.kendala_answer(private(ADMIN), number, answer)
    with sessions() as session:
        assert session.scalars(select(Kendala.answer)).one() == answer


def test_a_lapor_note_of_4096_characters_is_stored_and_a_longer_one_changes_nothing(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    def target() -> Target:
        with sessions() as session:
            found = session.scalars(
                select(Target)
                .join(RencanaAksi, RencanaAksi.id == Target.item_id)
                .join(Satker, Satker.id == Target.satker_id)
                .where(RencanaAksi.code == "MP-01", Satker.code == "5103")
            ).one()
            session.expunge(found)
            return found

    before = target()
    with pytest.raises(bounds.TooLong):
        zi.report(private(AGEN), "MP-01", "proses", long_text(4097))
    after = target()
    assert (after.status, after.note, after.updated_at) == (
        before.status,
        before.note,
        before.updated_at,
    )
    note = long_text(4096)
    change = zi.report(private(AGEN), "MP-01", "proses", note)
    assert change.note == note and target().note == note
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "lapor")) == 1  # fmt: skip


def test_an_instruksi_of_4096_characters_is_stored_and_a_longer_one_refused(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(ZibotError) as refused:
        zi.instruksi_send(private(ADMIN), long_text(4097), None)
    assert "4097" in str(refused.value) and count(sessions, Instruksi) == 0
    text = long_text(4096)
    zi.instruksi_send(private(ADMIN), text, None)
    with sessions() as session:
        assert session.scalars(select(Instruksi.text)).one() == text


@pytest.mark.parametrize(
    "number", ["99999999999999999999", "INS-2026-99999999999999999999", "9" * 5000]
)
def test_instruksi_status_with_a_huge_number_is_refused_not_an_overflow(
    zi: Zibot, number: str
) -> None:
    zi.instruksi_send(private(ADMIN), "Segera lengkapi bukti", None)
    with pytest.raises(ZibotError):
        zi.instruksi_status(private(ADMIN), number)


@pytest.mark.parametrize(
    "number",
    ["KDL-2026-999999999999999999", "KDL-99999999999999999999-1", "KDL-2026-" + "9" * 5000],
)
def test_kendala_numbers_too_large_are_refused_not_an_overflow(zi: Zibot, number: str) -> None:
    with pytest.raises(ZibotError):
        zi.kendala_reopen(private(AGEN), number)
    with pytest.raises(ZibotError):
        zi.kendala_answer(private(ADMIN), number, "Tanggapan")


def test_evidence_named_with_300_cjk_characters_is_stored(
    zi: Zibot, sessions: sessionmaker[Session]
) -> None:
    name = "报告" * 150 + ".pdf"  # 900 bytes of UTF-8: "File name too long" as it was
    slot: EvidenceSlot = zi.evidence_slot(private(AGEN), "MP-01")
    stored = zi.store_evidence(private(AGEN), slot, b"%PDF-1.4 bukti", name, "application/pdf")
    assert stored.file_name.endswith(".pdf")
    assert len(stored.file_name.encode("utf-8")) <= 200
    path = zi.evidence_dir / stored.relative_path
    assert path.read_bytes() == b"%PDF-1.4 bukti"
    again = zi.store_evidence(private(AGEN), slot, b"%PDF-1.4 lagi", name, "application/pdf")
    assert again.file_name == stored.file_name[: -len(".pdf")] + " (2).pdf"
    with sessions() as session:
        originals = list(session.scalars(select(BuktiDukung.original_name)))
    assert originals == [name[:255], name[:255]]


def test_kendala_attachments_with_long_names_are_stored(zi: Zibot) -> None:
    name = "照片" * 200 + ".jpg"
    attachment = zi.save_attachment("kendala", b"\xff\xd8\xff jpeg", name, "image/jpeg")
    assert len(Path(attachment.path).name.encode("utf-8")) <= 200
    assert attachment.name == name[:255]
    # Staged until the ticket that records it commits (then published under its name).
    evidence.publish(zi.evidence_dir, attachment.path)
    assert (zi.evidence_dir / attachment.path).read_bytes() == b"\xff\xd8\xff jpeg"

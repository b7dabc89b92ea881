"""Amati, Tiru, Modifikasi against real databases: /contoh shows only accepted evidence, only
of other satkers, only of satkers whose admin turned sharing on (off by default); /berbagi is
the satker admin's; the province ranking names each area's leaders in verified items.

Badung (5103), Jembrana (5101) and Tabanan (5102) each upload a file for MP-01 through the use
case; the reviews are set in the database (h-review's use case does it in production).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditLog, BuktiDukung, ChatLink, Satker, Target, User
from services import catalog
from services.errors import ZibotError
from services.importer import import_plan
from services.tracking import UnknownItem
from services.zi import Caller, Forbidden, RankingReport, Zibot

WITA = ZoneInfo("Asia/Makassar")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
AGEN_BADUNG, AGEN_JEMBRANA, AGEN_TABANAN = 510301, 510101, 510201
ADMIN_JEMBRANA, ADMIN_TABANAN, ADMIN_PROVINSI = 510109, 510209, 510001
PROVINCE_GROUP = "-100510"
PDF = b"%PDF-1.4\n% contoh\n%%EOF\n"


def private(telegram_id: int) -> Caller:
    return Caller("telegram", str(telegram_id), True, str(telegram_id))


@dataclass
class World:
    sessions: sessionmaker[Session]
    zi: Zibot
    files: dict[str, int]  # satker code -> its MP-01 bukti id


@pytest.fixture
def world(sessions: sessionmaker[Session], tmp_path: Path) -> World:
    people = (
        (AGEN_BADUNG, "agen", "5103"), (AGEN_JEMBRANA, "agen", "5101"),
        (AGEN_TABANAN, "agen", "5102"), (ADMIN_JEMBRANA, "admin", "5101"),
        (ADMIN_TABANAN, "admin", "5102"), (ADMIN_PROVINSI, "admin", "51"),
    )  # fmt: skip
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        for telegram_id, role, code in people:
            session.add(
                User(
                    name=f"{role} {code}",
                    role=role,
                    satker_id=catalog.find_satker(session, code).id,
                    telegram_id=telegram_id,
                    created_at=IMPORTED,
                )
            )
        session.add(
            ChatLink(
                channel="telegram", chat_id=PROVINCE_GROUP, satker_id=None, is_province=True,
                title="Koordinasi", linked_at=IMPORTED,
            )
        )  # fmt: skip
    zi = Zibot(sessions, lambda: FRIDAY, WITA, tmp_path / "bukti")
    files = {}
    for who, code in ((AGEN_BADUNG, "5103"), (AGEN_JEMBRANA, "5101"), (AGEN_TABANAN, "5102")):
        slot = zi.evidence_slot(private(who), "MP-01")
        stored = zi.store_evidence(private(who), slot, PDF + code.encode(), f"SK {code}.pdf", None)
        files[code] = stored.evidence_id
    with sessions.begin() as session:
        for target in session.scalars(select(Target).join(Satker).where(Satker.code == "5101")):
            if target.item.code == "MP-01":
                target.note = "SK ditandatangani Ketua"
    return World(sessions, zi, files)


def review(world: World, code: str, decision: str) -> None:
    with world.sessions.begin() as session:
        record = session.get(BuktiDukung, world.files[code])
        assert record is not None
        record.review_status, record.reviewed_at = decision, FRIDAY
        record.target.status = "selesai"


def shown(world: World, caller: Caller, code: str = "MP-01") -> list[str]:
    return [e.satker_code for e in world.zi.examples(caller, code).examples]


def test_sharing_is_off_by_default_so_nothing_is_shown(world: World) -> None:
    for code in ("5101", "5102"):
        review(world, code, "diterima")
    report = world.zi.examples(private(AGEN_BADUNG), "MP-01")
    assert report.examples == ()
    assert report.not_shared == 2
    assert world.zi.sharing(private(AGEN_JEMBRANA), "").share is False
    with world.sessions() as session:
        assert not any(s.share_evidence for s in session.scalars(select(Satker)))


def test_only_accepted_evidence_of_sharing_satkers_is_shown(world: World) -> None:
    assert world.zi.sharing(private(ADMIN_JEMBRANA), "ya").changed
    assert world.zi.sharing(private(ADMIN_TABANAN), "ya").changed
    assert shown(world, private(AGEN_BADUNG)) == []  # nothing accepted yet
    review(world, "5101", "diterima")
    review(world, "5102", "ditolak")
    report = world.zi.examples(private(AGEN_BADUNG), "mp01")  # as people type codes
    assert [e.satker_code for e in report.examples] == ["5101"]
    [example] = report.examples
    assert example.note == "SK ditandatangani Ketua"
    assert [f.name for f in example.files] == ["SK 5101.pdf"]
    assert report.not_shared == 0
    # the file button: the accepted, shared file; not the rejected one
    document = world.zi.example_file(private(AGEN_BADUNG), world.files["5101"])
    assert document.path.read_bytes() == PDF + b"5101"
    with pytest.raises(ZibotError, match="tidak lagi dibagikan"):
        world.zi.example_file(private(AGEN_BADUNG), world.files["5102"])
    # sharing turned off again: the button stops working too
    world.zi.sharing(private(ADMIN_JEMBRANA), "tidak")
    assert shown(world, private(AGEN_BADUNG)) == []
    with pytest.raises(ZibotError, match="tidak lagi dibagikan"):
        world.zi.example_file(private(AGEN_BADUNG), world.files["5101"])


def test_a_satker_never_sees_its_own_evidence_as_an_example(world: World) -> None:
    for admin in (ADMIN_JEMBRANA, ADMIN_TABANAN):
        world.zi.sharing(private(admin), "ya")
    for code in ("5101", "5102"):
        review(world, code, "diterima")
    assert shown(world, private(AGEN_JEMBRANA)) == ["5102"]
    assert shown(world, private(AGEN_TABANAN)) == ["5101"]
    assert shown(world, private(AGEN_BADUNG)) == ["5101", "5102"]
    province = Caller("telegram", PROVINCE_GROUP, False, str(ADMIN_PROVINSI))
    assert shown(world, province) == ["5101", "5102"]


def test_berbagi_is_the_satker_admins_and_is_audited(world: World) -> None:
    with pytest.raises(Forbidden, match="Hanya admin"):
        world.zi.sharing(private(AGEN_JEMBRANA), "ya")
    with pytest.raises(ZibotError, match="/berbagi ya"):
        world.zi.sharing(private(ADMIN_JEMBRANA), "mungkin")
    first = world.zi.sharing(private(ADMIN_JEMBRANA), "ya")
    again = world.zi.sharing(private(ADMIN_JEMBRANA), "ya")
    assert (first.share, first.changed, again.changed) == (True, True, False)
    assert first.satker.code == "5101"
    with world.sessions() as session:
        rows = list(session.scalars(select(AuditLog).where(AuditLog.action == "berbagi")))
        assert len(rows) == 1
        assert session.scalars(select(Satker).where(Satker.code == "5101")).one().share_evidence
        assert not session.scalars(select(Satker).where(Satker.code == "5102")).one().share_evidence


def test_contoh_refuses_bad_input_and_strangers(world: World) -> None:
    with pytest.raises(ZibotError, match="/contoh KODE_ITEM"):
        world.zi.examples(private(AGEN_BADUNG), " ")
    with pytest.raises(UnknownItem, match="MP-01"):
        world.zi.examples(private(AGEN_BADUNG), "MP-1O")
    with pytest.raises(ZibotError):
        world.zi.examples(private(999), "MP-01")


def test_the_province_ranking_names_each_areas_leaders(world: World) -> None:
    province = Caller("telegram", PROVINCE_GROUP, False, str(ADMIN_PROVINSI))
    report = world.zi.progress(province)
    assert isinstance(report, RankingReport) and report.leaders == ()
    review(world, "5101", "diterima")
    review(world, "5102", "diterima")
    review(world, "5103", "ditolak")
    report = world.zi.progress(province)
    assert isinstance(report, RankingReport)
    [leader] = report.leaders
    assert leader.area_code == "MP" and leader.verified == 1
    assert [code for code, _ in leader.satkers] == ["5101", "5102"]  # a tie: both marked
    # Jembrana gets a second verified MP item: it alone leads MP
    slot = world.zi.evidence_slot(private(AGEN_JEMBRANA), "MP-02")
    stored = world.zi.store_evidence(private(AGEN_JEMBRANA), slot, PDF, "x.pdf", None)
    world.files["5101b"] = stored.evidence_id
    review(world, "5101b", "diterima")
    report = world.zi.progress(province)
    assert isinstance(report, RankingReport)
    assert [(lead.area_code, lead.satkers[0][0], lead.verified) for lead in report.leaders] == [
        ("MP", "5101", 2)
    ]

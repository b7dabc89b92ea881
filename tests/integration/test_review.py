"""Evidence review by the province, through the use cases on the test channel (no Telegram):
the queue oldest first, both outcomes told to the uploader and the satker's group, a new upload
after a rejection back in the queue with the history kept, who may review (admins and
verifikator; not an agen) and that a verifikator cannot change progress; verified completion
beside reported completion."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from channel import CHANNEL, TestChannel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import BuktiDukung, BuktiReview, ChatLink, Outbox, User, UserIdentity
from scheduler.outbox import Dispatcher
from services import catalog, identities, invites, notices, texts
from services.access import Forbidden
from services.errors import ZibotError
from services.importer import import_plan
from services.status import ItemState, ReviewStatus, item_state
from services.usecases.review import QUEUE_SHOWN
from services.zi import Caller, RankingReport, SatkerReport, Zibot

WITA = ZoneInfo("Asia/Makassar")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)
GROUP = "grup-badung"
AGEN = "agen-made"
AGEN_TABANAN = "agen-tabanan"
ADMIN = "admin-ayu"
VERIF = "verif-komang"
KETUA = "ketua-badung"
PDF = b"%PDF-1.4 bukti"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def test_channel() -> Iterator[TestChannel]:
    identities.use_channels("telegram", CHANNEL)
    yield TestChannel()
    identities.use_channels("telegram")


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The sample plan; Badung's group; an agen each of Badung and Tabanan, a pimpinan, an
    admin and a verifikator of the province, all on the test channel."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        badung = catalog.find_satker(session, "5103").id
        tabanan = catalog.find_satker(session, "5102").id
        province = catalog.find_satker(session, "51").id
        for external_id, name, role, satker in (
            (AGEN, "Made Agen", "agen", badung),
            (AGEN_TABANAN, "Putu Agen", "agen", tabanan),
            (KETUA, "Ketua Badung", "pimpinan", badung),
            (ADMIN, "Ayu Provinsi", "admin", province),
            (VERIF, "Komang Verifikator", "verifikator", province),
        ):
            user = User(name=name, role=role, satker_id=satker, created_at=IMPORTED)
            user.identities.append(UserIdentity(channel=CHANNEL, external_id=external_id))
            session.add(user)
        session.add(ChatLink(channel=CHANNEL, chat_id=GROUP, satker_id=badung, is_province=False,
                             title="ZI Badung", linked_at=IMPORTED))  # fmt: skip
    return sessions


def private(external_id: str) -> Caller:
    return Caller(CHANNEL, external_id, True, external_id)


def upload(zi: Zibot, who: str, code: str, name: str = "sk.pdf") -> int:
    caller = private(who)
    slot = zi.evidence_slot(caller, code)
    return zi.store_evidence(caller, slot, PDF, name, "application/pdf").evidence_id


def drain(sessions: sessionmaker[Session], channel: TestChannel, now: datetime) -> None:
    asyncio.run(Dispatcher(sessions, {CHANNEL: channel}, Clock(now)).drain())


def reviewed(channel: TestChannel, chat: str) -> list[notices.EvidenceReviewed]:
    """The review outcomes a chat received (the test channel shows a notice's parameters)."""
    found = []
    for d in channel.to(chat):
        kind, _, params = d.text.partition(": ")
        if kind == notices.EvidenceReviewed.kind:
            found.append(notices.EvidenceReviewed.from_params(__import__("json").loads(params)))
    return found


def test_the_rule_of_an_items_status() -> None:
    assert item_state("proses", waiting=1, accepted=1) == ItemState.PROSES
    assert item_state("selesai", waiting=0, accepted=0) == ItemState.SELESAI
    assert item_state("selesai", waiting=1, accepted=1) == ItemState.MENUNGGU_VERIFIKASI
    assert item_state("selesai", waiting=0, accepted=1) == ItemState.TERVERIFIKASI


def test_queue_oldest_first_reject_reupload_accept(
    world: sessionmaker[Session], test_channel: TestChannel, tmp_path: Path
) -> None:
    clock = Clock(MONDAY)
    zi = Zibot(world, clock, WITA, tmp_path / "bukti")
    first = upload(zi, AGEN, "MP-01", "sk-tim.pdf")
    clock.now += timedelta(minutes=5)
    upload(zi, AGEN_TABANAN, "MP-02", "renja.pdf")
    zi.report(private(AGEN), "MP-01", "selesai")

    queue = zi.review_queue(private(VERIF))
    assert [(e.satker.code, e.item_code, e.file_name) for e in queue.entries] == [
        ("5103", "MP-01", "sk-tim.pdf"),
        ("5102", "MP-02", "renja.pdf"),
    ]
    entry = queue.entries[0]
    assert (entry.uploader, entry.expected) == ("Made Agen", "SK Tim Kerja Pembangunan ZI")
    assert queue.requests[0].actions[0][2] == notices.Action(notices.REVIEW_REJECT, str(first))
    assert [e.item_code for e in zi.review_queue(private(ADMIN), "5102").entries] == ["MP-02"]

    # Waiting: the item is "menunggu verifikasi", not verified.
    report = zi.progress(private(AGEN))
    assert isinstance(report, SatkerReport)
    assert (report.progress.done, report.progress.verified, report.progress.waiting) == (1, 0, 1)

    # Rejected with a reason: the uploader and the group are told, with the reason.
    clock.now += timedelta(hours=1)
    with pytest.raises(ZibotError, match="Alasan penolakan wajib"):
        zi.review_reject(private(VERIF), first, "   ")
    outcome = zi.review_reject(private(VERIF), first, "Belum ditandatangani <ketua>")
    assert (outcome.status, outcome.item_state) == (ReviewStatus.DITOLAK, ItemState.SELESAI)
    drain(world, test_channel, clock.now)
    [told] = reviewed(test_channel, AGEN)
    assert (told.accepted, told.reason, told.reviewer) == (
        False,
        "Belum ditandatangani <ketua>",
        "Komang Verifikator",
    )
    assert reviewed(test_channel, GROUP) == [told]
    assert reviewed(test_channel, AGEN_TABANAN) == []
    with pytest.raises(ZibotError, match="sudah ditolak oleh Komang Verifikator"):
        zi.review_accept(private(ADMIN), first)
    assert [e.item_code for e in zi.review_queue(private(VERIF)).entries] == ["MP-02"]

    # A new upload goes back into the queue, marked as an upload after a rejection.
    clock.now += timedelta(hours=1)
    second = upload(zi, AGEN, "MP-01", "sk-tim-ttd.pdf")
    [again] = zi.review_queue(private(VERIF), "5103").entries
    assert (again.bukti_id, again.rejected_before) == (second, 1)

    outcome = zi.review_accept(private(ADMIN), second)
    assert (outcome.status, outcome.item_state) == (ReviewStatus.DITERIMA, ItemState.TERVERIFIKASI)
    drain(world, test_channel, clock.now)
    assert [(n.accepted, n.verified) for n in reviewed(test_channel, AGEN)] == [
        (False, False),
        (True, True),
    ]
    report = zi.progress(private(AGEN))
    assert isinstance(report, SatkerReport)
    assert (report.progress.done, report.progress.verified, report.progress.waiting) == (1, 1, 0)
    ranking = zi.progress(private(ADMIN), "semua")
    assert isinstance(ranking, RankingReport)
    [badung] = [p for p in ranking.ranking if p.satker_code == "5103"]
    assert (badung.done, badung.verified) == (1, 1)

    # The history is kept: both files, both decisions, who and why.
    with world() as session:
        rows = session.scalars(select(BuktiDukung).order_by(BuktiDukung.id)).all()
        assert [(b.original_name, b.review_status) for b in rows] == [
            ("sk-tim.pdf", "ditolak"),
            ("renja.pdf", "menunggu"),
            ("sk-tim-ttd.pdf", "diterima"),
        ]
        history = session.scalars(select(BuktiReview).order_by(BuktiReview.id)).all()
        assert [(h.bukti_id, h.decision, h.reason) for h in history] == [
            (first, "ditolak", "Belum ditandatangani <ketua>"),
            (second, "diterima", ""),
        ]
        assert history[0].reviewer_label == "Komang Verifikator (51)"
        kinds = {r.kind for r in session.scalars(select(Outbox))}
        assert kinds == {"review"}


def test_the_reason_asked_in_a_conversation(world: sessionmaker[Session], tmp_path: Path) -> None:
    clock = Clock(MONDAY)
    zi = Zibot(world, clock, WITA, tmp_path / "bukti")
    bukti = upload(zi, AGEN, "MP-01")
    verif = private(VERIF)
    assert zi.review_reject_start(verif, bukti).file_name == "sk.pdf"
    zi.review_prompt_sent(verif, bukti, "77")
    assert zi.review_reason(verif, "Buram", prompt_id="78") is None  # another message
    assert zi.review_reason(private(ADMIN), "Buram") is None  # not their prompt
    outcome = zi.review_reason(verif, "Buram", prompt_id="77")
    assert outcome is not None and outcome.reason == "Buram"
    assert zi.review_reason(verif, "lagi") is None  # the step is closed

    # /batal leaves the step; a step left open expires after a day.
    other = upload(zi, AGEN, "MP-02")
    zi.review_prompt_sent(verif, other, "80")
    assert zi.review_reason_cancel(verif) is True
    assert zi.review_reason(verif, "x") is None
    zi.review_prompt_sent(verif, other, "81")
    clock.now += timedelta(days=1, minutes=1)
    assert zi.review_reason(verif, "x") is None
    assert [e.bukti_id for e in zi.review_queue(verif).entries] == [other]


@pytest.mark.parametrize("who", [AGEN, KETUA, "stranger"])
def test_only_the_province_reviews(world: sessionmaker[Session], tmp_path: Path, who: str) -> None:
    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")
    bukti = upload(zi, AGEN, "MP-01")
    for attempt in (
        lambda: zi.review_queue(private(who)),
        lambda: zi.review_accept(private(who), bukti),
        lambda: zi.review_reject(private(who), bukti, "tidak"),
        lambda: zi.review_file(private(who), bukti),
    ):
        with pytest.raises(ZibotError):
            attempt()
    if who != "stranger":
        with pytest.raises(Forbidden, match="Hanya admin provinsi dan verifikator"):
            zi.review_queue(private(who))
    with world() as session:
        assert session.get(BuktiDukung, bukti).review_status == "menunggu"  # type: ignore[union-attr]


def test_a_verifikator_cannot_change_progress_or_send_bukti(
    world: sessionmaker[Session], tmp_path: Path
) -> None:
    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")
    verif = private(VERIF)
    with pytest.raises(Forbidden) as refused:
        zi.report(verif, "MP-01", "selesai")
    assert str(refused.value) == texts.REVIEW_FORBIDDEN_WRITE
    with pytest.raises(Forbidden):
        zi.open_items(verif)
    with pytest.raises(Forbidden):
        zi.evidence_slot(verif, "MP-01")
    # ... but reads everything, like the province.
    assert isinstance(zi.progress(verif), RankingReport)


def test_the_file_is_sent_again(world: sessionmaker[Session], tmp_path: Path) -> None:
    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")
    bukti = upload(zi, AGEN, "MP-01", "sk tim.pdf")
    found = zi.review_file(private(VERIF), bukti)
    assert found.path.read_bytes() == PDF
    assert (found.file_name, found.caption) == ("sk tim.pdf", "MP-01 — sk tim.pdf")


def test_the_queue_lists_at_most_ten_and_counts_all(
    world: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = Clock(MONDAY)
    zi = Zibot(world, clock, WITA, tmp_path / "bukti")
    for number in range(QUEUE_SHOWN + 2):
        clock.now += timedelta(minutes=1)
        upload(zi, AGEN, "MP-01", f"f{number:02d}.pdf")
    queue = zi.review_queue(private(ADMIN), "5103")
    assert queue.total == QUEUE_SHOWN + 2 and len(queue.entries) == QUEUE_SHOWN
    assert queue.entries[0].file_name == "f00.pdf"


def test_verifikator_invites_only_for_the_province(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        province = catalog.find_satker(session, "51")
        [code] = invites.create_invites(
            session, satker=province, role="verifikator", count=1, days=7, now=MONDAY,
            actor="test",
        )  # fmt: skip
        assert code
        with pytest.raises(ZibotError, match="hanya untuk satker provinsi"):
            invites.create_invites(
                session, satker=catalog.find_satker(session, "5103"), role="verifikator",
                count=1, days=7, now=MONDAY, actor="test",
            )  # fmt: skip


def test_workbook_and_chart_show_verified_beside_reported(
    world: sessionmaker[Session], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from services import charts
    from services.export import export_recap

    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")
    for code in ("MP-01", "MP-02"):
        upload(zi, AGEN, code, f"{code}.pdf")
        zi.report(private(AGEN), code, "selesai")
    before = zi.progress(private(AGEN))
    assert isinstance(before, SatkerReport)
    chart_before = charts.satker_chart(before.progress, 2026)
    ranking_before = zi.progress(private(ADMIN))
    assert isinstance(ranking_before, RankingReport)
    ranked_before = charts.ranking_chart(ranking_before.ranking, 2026)

    [waiting, _] = zi.review_queue(private(VERIF)).entries
    zi.review_accept(private(VERIF), waiting.bukti_id)
    after = zi.progress(private(AGEN))
    assert isinstance(after, SatkerReport)
    assert (after.progress.done, after.progress.verified, after.progress.waiting) == (2, 1, 1)
    [mp] = [a for a in after.progress.areas if a.area_code == "MP"]
    assert (mp.done, mp.verified, mp.verified_percent) == (2, 1, 20.0)
    # Same reported completion, one more verified item: the charts change.
    assert charts.satker_chart(after.progress, 2026) != chart_before
    ranking = zi.progress(private(ADMIN))
    assert isinstance(ranking, RankingReport)
    assert charts.ranking_chart(ranking.ranking, 2026) != ranked_before

    path = tmp_path / "rekap.xlsx"
    with world() as session:
        export_recap(session, path, today=MONDAY.date(), year=2026)
    workbook = load_workbook(path, read_only=True)
    matrix = list(workbook[texts.EXPORT_SHEET_MATRIX].iter_rows(values_only=True))
    detail = list(workbook[texts.EXPORT_SHEET_DETAIL].iter_rows(values_only=True))
    workbook.close()
    assert matrix[0][-2:] == (texts.EXPORT_COL_VERIFIED, texts.EXPORT_COL_VERIFIED_COUNT)
    [badung] = [row for row in matrix[1:] if row[1] == "5103"]
    assert badung[-2:] == (pytest.approx(1 / 28), 1)
    assert detail[0][-1] == texts.EXPORT_COL_STATE
    states = {(row[0], row[3]): row[-1] for row in detail[1:]}
    assert states[("5103", "MP-01")] == "Terverifikasi"
    assert states[("5103", "MP-02")] == "Menunggu verifikasi"
    assert states[("5103", "MP-03")] == "Belum"


@pytest.mark.parametrize("until", ["selesai", "terverifikasi"])
def test_reminders_stop_at_the_setting(
    world: sessionmaker[Session], tmp_path: Path, until: str
) -> None:
    from services.calendar import load_calendar
    from services.reminders import ReminderPolicy, plan_digests

    policy = ReminderPolicy(until=until)
    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")

    def reminded() -> set[str]:
        with world() as session:
            planned = plan_digests(
                session, today=MONDAY.date(), calendar=load_calendar(session), policy=policy
            )
        return {
            item.code
            for message in planned
            if isinstance(message.notice, notices.Digest) and message.chat_id == GROUP
            for section in message.notice.sections
            for item in section.items
        }

    assert "MP-01" in reminded()  # overdue since February
    bukti = upload(zi, AGEN, "MP-01")
    zi.report(private(AGEN), "MP-01", "selesai")
    assert ("MP-01" in reminded()) is (until == "terverifikasi")  # reported, waiting
    zi.review_reject(private(VERIF), bukti, "Buram")
    assert ("MP-01" in reminded()) is (until == "terverifikasi")  # reported, rejected
    zi.review_accept(private(VERIF), upload(zi, AGEN, "MP-01"))
    assert "MP-01" not in reminded()  # verified


def test_the_weekly_recap_shows_verified_beside_reported() -> None:
    from handlers.telegram.presenter import render_text

    now = notices.WeeklyRecap(2026, "2026-11-30", (notices.RankLine("Badung", 50.0, 2, 25.0),))
    assert "Badung — 50% · terlambat 2 · terverifikasi 25%" in render_text(now)
    assert notices.load(notices.dump(now)) == now
    # A recap stored before reviews existed is sent as it was.
    old = notices.load(
        '{"kind": "weekly", "params": {"year": 2026, "day": "2026-11-30", '
        '"ranking": [{"name": "Badung", "percent": 50.0, "overdue": 2}]}}'
    )
    assert render_text(old).count("terverifikasi") == 0


def test_two_reviewers_at_once_one_decision(world: sessionmaker[Session], tmp_path: Path) -> None:
    from services import access, review

    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")
    bukti_id = upload(zi, AGEN, "MP-01")
    refused = pytest.raises(ZibotError, match="sudah diterima oleh Komang Verifikator")
    with refused, world.begin() as session:
        admin = access.reviewer(session, private(ADMIN))
        seen = review.find_bukti(session, bukti_id)
        assert seen.review_status == "menunggu"  # read before the other decision
        zi.review_accept(private(VERIF), bukti_id)  # the other reviewer, committed first
        review.decide(
            session, reviewer=admin, bukti=seen, status=ReviewStatus.DITOLAK,
            reason="Buram", now=MONDAY, channel=CHANNEL, today=MONDAY.date(),
        )  # fmt: skip
    with world() as session:
        decisions = session.scalars(select(BuktiReview.decision)).all()
        assert decisions == ["diterima"]

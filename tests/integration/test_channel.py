"""The channel seam: the use cases and the outbox serve a second, minimal channel (``test``,
plain text, in memory) with no Telegram at all — a digest, a kendala round trip and an
instruksi with its receipt. Also: notices survive the outbox as JSON, and rows stored before
notices existed are still sent as they were stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from channel import CHANNEL, PlainPresenter, TestChannel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import bot.app as bot_app
from models import AuditLog, ChatLink, Outbox, User, UserIdentity
from scheduler.outbox import Dispatcher
from services import catalog, events, identities, kendala, notices, texts
from services.importer import import_plan
from services.outbox import enqueue, outbox_row
from services.reminders import ReminderPolicy, sweep_plan
from services.zi import Caller, Zibot

WITA = ZoneInfo("Asia/Makassar")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)  # 08:05 WITA
GROUP = "grup-badung"
PROVINCE = "grup-provinsi"
AGEN = "agen-made"
KETUA = "ketua-badung"
ADMIN = "admin-ayu"


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
    """The sample plan; Badung's group, the province group and three people, all on the
    test channel only (no Telegram id anywhere)."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        badung = catalog.find_satker(session, "5103").id
        province = catalog.find_satker(session, "51").id
        for external_id, name, role, satker, structure in (
            (AGEN, "Made <Agen>", "agen", badung, None),
            (KETUA, "Ketua Badung", "pimpinan", badung, "komisioner"),
            (ADMIN, "Ayu Provinsi", "admin", province, None),
        ):
            user = User(name=name, role=role, structure=structure, satker_id=satker,
                        created_at=IMPORTED)  # fmt: skip
            user.identities.append(UserIdentity(channel=CHANNEL, external_id=external_id))
            session.add(user)
        session.add(ChatLink(channel=CHANNEL, chat_id=GROUP, satker_id=badung, is_province=False,
                             title="ZI Badung", linked_at=IMPORTED))  # fmt: skip
        session.add(ChatLink(channel=CHANNEL, chat_id=PROVINCE, satker_id=None, is_province=True,
                             title="Koordinasi", linked_at=IMPORTED))  # fmt: skip
    return sessions


def drain(sessions: sessionmaker[Session], channel: TestChannel, now: datetime) -> None:
    asyncio.run(Dispatcher(sessions, {CHANNEL: channel}, Clock(now)).drain())


def private(external_id: str) -> Caller:
    return Caller(CHANNEL, external_id, True, external_id)


def press(button: tuple[str, str]) -> tuple[str, str]:
    """The test channel's payload: ``kind:ref``."""
    kind, _, ref = button[1].partition(":")
    return kind, ref


def test_a_digest_reaches_the_test_channel_and_its_snooze_works(
    world: sessionmaker[Session], test_channel: TestChannel, tmp_path: Path
) -> None:
    with world.begin() as session:
        result = sweep_plan(session, now=MONDAY, tz=WITA, policy=ReminderPolicy())
    assert result.messages == 3  # Badung's group, its agen privately, the weekly recap
    with world() as session:
        rows = list(session.scalars(select(Outbox).order_by(Outbox.id)))
    assert {(r.kind, r.channel, r.chat_id) for r in rows} == {
        ("digest", CHANNEL, GROUP),
        ("digest", CHANNEL, AGEN),
        ("weekly", CHANNEL, PROVINCE),
    }
    assert all(r.payload and r.text == "" for r in rows)  # a notice, not markup

    drain(world, test_channel, MONDAY)

    [digest] = test_channel.to(GROUP)
    assert digest.text.startswith("🔔 Pengingat rencana aksi ZI — KPU Kabupaten Badung")
    assert "<b>" not in digest.text and "**" not in digest.text
    assert texts.REMINDER_STAGE_LATE in digest.text or "Tenggat" in digest.text
    kinds = {press(b)[0] for row in digest.buttons for b in row}
    assert kinds == {notices.ITEM_DONE, notices.SNOOZE}
    assert [d.text for d in test_channel.to(AGEN)] == [digest.text]
    [weekly] = test_channel.to(PROVINCE)
    assert weekly.text.startswith("📊 Rekap mingguan ZI 2026") and "Badung" in weekly.text
    with world() as session:
        assert {r.status for r in session.scalars(select(Outbox))} == {"sent"}

    # "Ingatkan besok" pressed on the test channel: the use case takes the action's ref.
    snooze = next(b for row in digest.buttons for b in row if press(b)[0] == notices.SNOOZE)
    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")
    code, until = zi.snooze(Caller(CHANNEL, GROUP, False, AGEN), int(press(snooze)[1]))
    assert snooze[0] == f"{notices.SNOOZE} {code}" and until > MONDAY.date()


def test_a_kendala_round_trip_on_the_test_channel(
    world: sessionmaker[Session], test_channel: TestChannel, tmp_path: Path
) -> None:
    clock = Clock(MONDAY)
    zi = Zibot(world, clock, WITA, tmp_path / "bukti")
    woken: list[object] = []
    events.subscribe(events.TicketWaiting, woken.append, after_commit=True)
    try:
        number, _ = zi.kendala_submit(
            private(AGEN), target_id=None, category="anggaran",
            description="Dana <belum> cair", attachment=None,
        )  # fmt: skip
    finally:
        events.unsubscribe(events.TicketWaiting, woken.append)
    assert len(woken) == 1  # the engine is woken to post it; no handler has to remember
    assert events.TicketWaiting in bot_app.WAKING_EVENTS
    with world.begin() as session:
        assert kendala.post_pending(session, clock.now, WITA) == 1
    drain(world, test_channel, clock.now)

    [post] = test_channel.to(PROVINCE)
    assert f"Kendala {number}" in post.text and "Dana <belum> cair" in post.text
    assert "Pelapor: Made <Agen>" in post.text  # plain text: nothing escaped
    [[answer, close]] = post.buttons
    assert press(answer)[0] == notices.ANSWER_TICKET
    assert press(close)[0] == notices.CLOSE_TICKET

    # The admin answers from the province group, through the button's reference.
    clock.now += timedelta(hours=1)
    zi.kendala_answer(Caller(CHANNEL, PROVINCE, False, ADMIN), int(press(answer)[1]), "Sudah")
    drain(world, test_channel, clock.now)

    [to_reporter] = test_channel.to(AGEN)
    assert f"Tanggapan provinsi untuk kendala {number}" in to_reporter.text
    assert "Sudah" in to_reporter.text and "— Ayu Provinsi" in to_reporter.text
    assert [d.text for d in test_channel.to(GROUP)] == [to_reporter.text]

    # Closed and reopened: every audit line names the channel the person used.
    zi.kendala_close(Caller(CHANNEL, PROVINCE, False, ADMIN), number)
    zi.kendala_reopen(private(AGEN), number)
    with world() as session:
        labels = session.scalars(
            select(AuditLog.actor_label).where(AuditLog.entity == "kendala")
        ).all()
    assert len(labels) == 4 and all(label.startswith(f"{CHANNEL}:") for label in labels), labels


def test_an_instruksi_and_its_receipt_on_the_test_channel(
    world: sessionmaker[Session], test_channel: TestChannel, tmp_path: Path
) -> None:
    zi = Zibot(world, Clock(MONDAY), WITA, tmp_path / "bukti")
    sent = zi.instruksi_send(private(ADMIN), "Lengkapi bukti <MP> & TL", None)
    assert (sent.groups, sent.leaders) == (1, 1)
    drain(world, test_channel, MONDAY)

    [to_ketua] = test_channel.to(KETUA)
    assert to_ketua.text == PlainPresenter().text(
        notices.InstruksiNotice(1, sent.number, "Lengkapi bukti <MP> & TL", "Ayu Provinsi")
    )
    assert "Lengkapi bukti <MP> & TL" in to_ketua.text
    assert len(test_channel.to(GROUP)) == 1
    [[read]] = to_ketua.buttons
    kind, ref = press(read)
    assert kind == notices.READ_INSTRUKSI

    assert zi.instruksi_confirm(private(KETUA), int(ref)) == (sent.number, False)
    assert zi.instruksi_confirm(private(KETUA), int(ref)) == (sent.number, True)  # already
    with world() as session:
        labels = session.scalars(
            select(AuditLog.actor_label).where(AuditLog.entity == "instruksi")
        ).all()
    assert len(labels) == 2 and all(label.startswith(f"{CHANNEL}:") for label in labels), labels
    status = zi.instruksi_status(private(ADMIN), sent.number)
    [badung] = [s for s in status.satkers if s.satker_code == "5103"]
    assert [(p.name, p.confirmed_at is not None) for p in badung.people] == [("Ketua Badung", True)]


def test_notices_survive_the_outbox_as_json() -> None:
    digest = notices.Digest(
        "KPU Kabupaten Badung",
        "2026-11-30",
        (notices.DigestSection("🔴 Terlambat",
                               (notices.DigestItem("MP-01", "Kegiatan", "2026-11-20", 10),)),),
        (notices.DigestButton("MP-01", 7),),
    )  # fmt: skip
    for notice in (
        digest,
        notices.KendalaPost(
            3, "KDL-2026-0003", "Badung", "Made", "Umum", "Anggaran", "kemarin", "Dana & SPJ", True
        ),
        notices.WeeklyRecap(2026, "2026-11-30", (notices.RankLine("Badung", 66.7, 2),)),
        notices.GroupLost("ZI <Badung>", "KPU Kabupaten Badung", "5103"),
    ):
        assert notices.load(notices.dump(notice)) == notice
    assert set(notices.kinds()) >= {"digest", "kendala_post", "instruksi", "group_lost"}
    with pytest.raises(ValueError):
        notices.load('{"kind": "no-such-kind", "params": {}}')


def test_a_row_stored_before_notices_is_sent_as_stored(
    sessions: sessionmaker[Session], test_channel: TestChannel
) -> None:
    with sessions.begin() as session:
        enqueue(session, [outbox_row(key="old", kind="kendala", chat_id="x", day=MONDAY.date(),
                                     now=MONDAY, text="<b>lama</b>", buttons=[[("A", "kt:1")]],
                                     channel=CHANNEL)])  # fmt: skip
    drain(sessions, test_channel, MONDAY)
    [old] = test_channel.sent
    assert (old.text, old.buttons) == ("<b>lama</b>", [[("A", "kt:1")]])

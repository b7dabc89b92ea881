"""WhatsApp outbound, on SQLite and PostgreSQL, against the Graph API stand-in through pywa:
the outbox sends free-form inside the 24-hour window and the approved template outside it,
status webhooks (parsed by pywa from real-shaped bodies) update the outbox, and "Lihat detail"
brings the full message."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from e2e.graphapi import GraphApiStandIn, SentMessage
from pywa_async import WhatsApp
from pywa_async.types import MessageStatus
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.flood import WhatsAppPace
from handlers.whatsapp.notifier import WhatsAppNotifier
from handlers.whatsapp.status import on_status
from models import ChatLink, Outbox, Unreachable, User, UserIdentity
from scheduler.outbox import Dispatcher
from services import catalog, identities, notices, texts
from services.importer import import_plan
from services.outbox import enqueue, outbox_row
from services.receipts import StatusOutcome
from services.reminders import ReminderPolicy, sweep_plan
from services.zi import Caller, Zibot

ROOT = Path(__file__).resolve().parents[2]
WITA = ZoneInfo("Asia/Makassar")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)  # 08:05 WITA
AGEN = "6281234567890"
OTHER = "6281299990000"
PROVINCE = "-1001000"
TEMPLATES = {
    "reminder": "zibot_pengingat",
    "instruksi": "zibot_instruksi",
    "kendala": "zibot_kendala",
    "pemberitahuan": "zibot_pemberitahuan",
}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def api() -> Iterator[GraphApiStandIn]:
    identities.use_channels("telegram", "whatsapp")
    with GraphApiStandIn() as standin:
        standin.now = lambda: MONDAY
        standin.approve_readme_templates((ROOT / "README.md").read_text(encoding="utf-8"))
        yield standin
    identities.use_channels("telegram")


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The sample plan; Badung's agen on WhatsApp only, another WhatsApp user, and the
    province's Telegram group."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        badung = catalog.find_satker(session, "5103").id
        for wa_id, name in ((AGEN, "Made *Agen*"), (OTHER, "Wayan")):
            user = User(name=name, role="agen", satker_id=badung, created_at=IMPORTED)
            user.identities.append(UserIdentity(channel="whatsapp", external_id=wa_id))
            session.add(user)
        session.add(ChatLink(channel="telegram", chat_id=PROVINCE, satker_id=None,
                             is_province=True, title="Koordinasi", linked_at=IMPORTED))  # fmt: skip
    return sessions


def wrote(
    sessions: sessionmaker[Session], api: GraphApiStandIn | None, who: str, at: datetime
) -> None:
    """``who`` wrote to the bot at ``at``: both the bot and Meta know it."""
    with sessions.begin() as session:
        assert identities.note_inbound(session, "whatsapp", who, at)
    if api is not None:
        api.user_wrote(who, at)


def drain(
    sessions: sessionmaker[Session], api: GraphApiStandIn, now: datetime, tmp_path: Path
) -> None:
    async def main() -> None:
        async with api.async_client() as session:
            wa = WhatsApp(phone_id=api.phone_id, token=api.token, session=session)
            notifier = WhatsAppNotifier(
                wa, TEMPLATES, "id", tmp_path, WhatsAppPace(sessions, api.phone_id)
            )
            await Dispatcher(sessions, {"whatsapp": notifier}, Clock(now)).drain()

    asyncio.run(main())


def statuses(api: GraphApiStandIn, *bodies: dict[str, Any]) -> list[MessageStatus]:
    """The bodies as pywa parses them from a webhook."""
    found: list[MessageStatus] = []

    async def main() -> None:
        async with api.async_client() as session:
            wa = WhatsApp(phone_id=api.phone_id, token=api.token, session=session)

            @wa.on_message_status()
            async def collect(_: WhatsApp, status: MessageStatus) -> None:
                found.append(status)

            for body in bodies:
                assert await wa.webhook_update_handler(json.dumps(body).encode()) == ("ok", 200)

    asyncio.run(main())
    return found


def apply(
    sessions: sessionmaker[Session], api: GraphApiStandIn, body: dict[str, Any], now: datetime
) -> StatusOutcome:
    [status] = statuses(api, body)
    return asyncio.run(on_status(status, sessions=sessions, clock=Clock(now)))


def rows(sessions: sessionmaker[Session]) -> list[Outbox]:
    with sessions() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def digest_for_agen(sessions: sessionmaker[Session]) -> Outbox:
    with sessions.begin() as session:
        sweep_plan(session, now=MONDAY, tz=WITA, policy=ReminderPolicy())
    return next(r for r in rows(sessions) if r.kind == "digest" and r.chat_id == AGEN)


def instruksi_row(sessions: sessionmaker[Session], text: str = "Kumpulkan LHKPN *segera*.") -> int:
    notice = notices.InstruksiNotice(7, "INS-2026-0007", text, "Ayu Provinsi")
    with sessions.begin() as session:
        enqueue(session, [outbox_row(key="ins:7", kind="instruksi", chat_id=AGEN,
                                     day=MONDAY.date(), now=MONDAY, notice=notice,
                                     channel="whatsapp")])  # fmt: skip
    return next(r.id for r in rows(sessions) if r.key == "ins:7")


# --- the window ----------------------------------------------------------------------------


def test_the_window_runs_24_hours_from_the_last_inbound_message(
    world: sessionmaker[Session],
) -> None:
    with world.begin() as session:
        assert not identities.window_open(session, "whatsapp", AGEN, MONDAY)  # never wrote
        assert not identities.note_inbound(session, "whatsapp", "62000", MONDAY)  # a stranger
        identities.note_inbound(session, "whatsapp", AGEN, MONDAY - timedelta(hours=2))
        identities.note_inbound(session, "whatsapp", AGEN, MONDAY - timedelta(hours=5))  # late
    with world() as session:
        assert identities.last_inbound(session, "whatsapp", AGEN) == MONDAY - timedelta(hours=2)
        later = MONDAY + timedelta(hours=21, minutes=59)
        assert identities.window_open(session, "whatsapp", AGEN, later)
        assert not identities.window_open(session, "whatsapp", AGEN, later + timedelta(minutes=1))
        assert identities.window_open(session, "telegram", "510301", MONDAY)  # no window there


# --- inside and outside ----------------------------------------------------------------------


def test_inside_the_window_the_digest_goes_free_form_tracked_by_its_outbox_id(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, api, AGEN, MONDAY - timedelta(hours=3))
    digest = digest_for_agen(world)
    drain(world, api, MONDAY, tmp_path)
    sent = api.sent_to(AGEN)
    assert sent and all(m.template is None for m in sent)
    assert all(m.tracker == f"ob:{digest.id}" for m in sent)
    text = "\n".join(m.text for m in sent)
    assert text.startswith("🔔 *Pengingat rencana aksi ZI — KPU Kabupaten Badung*")
    assert "**" not in text and "<b>" not in text
    assert "*lapor KODE selesai*" in text
    last = sent[-1]
    assert last.buttons or last.rows  # "selesai"/"besok" as reply buttons or a list
    assert all(len(title) <= 24 for _, title, _ in last.rows)
    [row] = [r for r in rows(world) if r.id == digest.id]
    assert (row.status, row.message_id, row.via_template) == ("sent", last.id, False)


def test_outside_the_window_the_digest_goes_as_the_approved_template(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, api, AGEN, MONDAY - timedelta(hours=25))
    digest = digest_for_agen(world)
    drain(world, api, MONDAY, tmp_path)
    [sent] = api.sent_to(AGEN)
    assert sent.template == "zibot_pengingat" and sent.tracker == f"ob:{digest.id}"
    satker, day, count, codes = sent.template_params
    assert (satker, day) == ("KPU Kabupaten Badung", "Senin, 30 November 2026")
    assert int(count) >= 1 and codes
    assert sent.text.startswith("Pengingat tenggat rencana aksi Zona Integritas untuk KPU")
    assert sent.buttons == [(f"wd:{digest.id}", "Lihat detail")]
    [row] = [r for r in rows(world) if r.id == digest.id]
    assert (row.status, row.via_template, row.message_id) == ("sent", True, sent.id)


def test_meta_saying_the_window_is_closed_at_once_sends_the_template_instead(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, None, AGEN, MONDAY - timedelta(hours=1))  # the bot thinks it is open
    digest = digest_for_agen(world)
    drain(world, api, MONDAY, tmp_path)
    assert [error["code"] for _, error in api.refusals] == [131047]
    [sent] = api.sent_to(AGEN)
    assert sent.template == "zibot_pengingat"
    [row] = [r for r in rows(world) if r.id == digest.id]
    assert (row.status, row.via_template) == ("sent", True)


def test_a_late_131047_sends_the_template_once(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, api, AGEN, MONDAY - timedelta(hours=1))
    row_id = instruksi_row(world)
    api.fail_later(131047, to=AGEN)
    drain(world, api, MONDAY, tmp_path)
    [free] = api.sent_to(AGEN)
    assert free.template is None and free.buttons == [("ib:7", "✅ Sudah dibaca")]
    [late] = api.take_statuses()

    outcome = apply(world, api, late, MONDAY + timedelta(minutes=1))
    assert (outcome.changed, outcome.outbox_id, outcome.action) == (True, row_id, "template")
    assert not apply(world, api, late, MONDAY + timedelta(minutes=1)).changed  # redelivered
    drain(world, api, MONDAY + timedelta(minutes=1), tmp_path)

    template = api.sent_to(AGEN)[-1]
    assert template.template == "zibot_instruksi" and template.tracker == f"ob:{row_id}"
    assert template.template_params == ["INS-2026-0007", "Ayu Provinsi",
                                        "Kumpulkan LHKPN *\u2060segera*\u2060."]  # fmt: skip
    assert template.buttons == [(f"wd:{row_id}", "Lihat detail"), ("ib:7", "Sudah dibaca")]
    [row] = rows(world)
    assert (row.status, row.via_template, row.message_id) == ("sent", True, template.id)
    # A late failure of the first (free-form) message changes nothing any more.
    assert not apply(world, api, late, MONDAY + timedelta(minutes=2)).changed
    assert len(api.sent_to(AGEN)) == 2


def test_receipts_are_recorded_and_never_move_back(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, api, AGEN, MONDAY - timedelta(hours=1))
    instruksi_row(world)
    drain(world, api, MONDAY, tmp_path)
    [sent] = api.sent_to(AGEN)
    later = MONDAY + timedelta(minutes=3)
    assert apply(world, api, api.status_body(sent.id, "delivered"), later).action == "delivered"
    assert apply(world, api, api.status_body(sent.id, "read"), later).action == "read"
    assert not apply(world, api, api.status_body(sent.id, "sent"), later).changed  # late
    [row] = rows(world)
    assert (row.receipt, row.receipt_at, row.status) == ("read", later, "sent")


# --- failures ----------------------------------------------------------------------------------


def test_131026_marks_the_person_unreachable_at_once_or_later(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, api, AGEN, MONDAY - timedelta(hours=1))
    wrote(world, api, OTHER, MONDAY - timedelta(hours=1))
    instruksi_row(world)
    notice = notices.KendalaClosed("KDL-2026-0001", 7)
    with world.begin() as session:
        enqueue(session, [outbox_row(key="k1", kind="kendala", chat_id=OTHER, day=MONDAY.date(),
                                     now=MONDAY, notice=notice, channel="whatsapp")])  # fmt: skip
    api.fail_next(131026, to=OTHER)
    api.fail_later(131026, to=AGEN)
    drain(world, api, MONDAY, tmp_path)
    by_chat = {r.chat_id: r for r in rows(world)}
    assert by_chat[OTHER].status == "undeliverable"
    [late] = api.take_statuses()
    assert apply(world, api, late, MONDAY).action == "unreachable"
    assert {r.chat_id: r.status for r in rows(world)} == {AGEN: "undeliverable",
                                                          OTHER: "undeliverable"}  # fmt: skip
    with world() as session:
        assert {u.chat_id for u in session.scalars(select(Unreachable))} == {AGEN, OTHER}


def test_throughput_pair_rate_and_server_errors_back_off(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, api, AGEN, MONDAY - timedelta(hours=1))
    row_id = instruksi_row(world)
    api.fail_next(131056, to=AGEN)
    drain(world, api, MONDAY, tmp_path)
    [row] = rows(world)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == MONDAY + timedelta(seconds=6)  # the pair rate's pace
    api.fail_next(503)
    drain(world, api, MONDAY + timedelta(seconds=6), tmp_path)
    [row] = rows(world)
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == MONDAY + timedelta(seconds=16)  # the outbox's back-off
    drain(world, api, MONDAY + timedelta(seconds=16), tmp_path)
    [sent] = api.sent_to(AGEN)
    # A late 130429 puts it back, with the outbox's back-off, and it goes again.
    later = MONDAY + timedelta(minutes=1)
    assert apply(world, api, api.status_body(sent.id, "failed", 130429), later).action == "retry"
    [row] = rows(world)
    assert (row.id, row.status, row.next_attempt_at) == (
        row_id,
        "pending",
        later + timedelta(seconds=20),
    )
    drain(world, api, later + timedelta(seconds=20), tmp_path)
    assert len(api.sent_to(AGEN)) == 2 and rows(world)[0].status == "sent"


def test_a_refused_template_fails_the_message_and_tells_the_province_once_a_day(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    api.pause_template("zibot_instruksi")
    instruksi_row(world)
    notice = notices.InstruksiNotice(8, "INS-2026-0008", "Lagi", "Ayu")
    with world.begin() as session:
        enqueue(session, [outbox_row(key="ins:8", kind="instruksi", chat_id=OTHER,
                                     day=MONDAY.date(), now=MONDAY, notice=notice,
                                     channel="whatsapp")])  # fmt: skip
    drain(world, api, MONDAY, tmp_path)
    assert api.sent == []
    by_key = {r.key: r for r in rows(world)}
    assert by_key["ins:7"].status == by_key["ins:8"].status == "failed"
    assert by_key["ins:7"].last_error.startswith("132015")
    [report] = [r for r in rows(world) if r.channel == "telegram"]  # two refusals, one report
    assert report.chat_id == PROVINCE  # (this drain has no Telegram notifier to send it)
    loaded = notices.load(report.payload or "")
    assert isinstance(loaded, notices.TemplateRejected) and loaded.template == "zibot_instruksi"


def test_a_late_template_error_is_reported_too(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    instruksi_row(world)
    drain(world, api, MONDAY, tmp_path)
    [sent] = api.sent_to(AGEN)
    body = api.status_body(sent.id, "failed", 132001)
    [status] = statuses(api, body)
    outcome = asyncio.run(
        on_status(
            status,
            sessions=world,
            clock=Clock(MONDAY),
            notifier=WhatsAppNotifier(WhatsApp(phone_id="1", token="x"), TEMPLATES, "id", tmp_path),
        )
    )
    assert outcome.action == "reported"
    [report] = [r for r in rows(world) if r.channel == "telegram"]
    assert "zibot_instruksi" in (report.payload or "")


# --- Lihat detail --------------------------------------------------------------------------------


def test_lihat_detail_brings_the_full_notice_to_its_own_recipient_only(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    digest = digest_for_agen(world)
    drain(world, api, MONDAY, tmp_path)
    [template] = api.sent_to(AGEN)
    assert template.buttons[0] == (f"wd:{digest.id}", texts.WA_BUTTON_DETAIL)

    later = MONDAY + timedelta(hours=2)
    api.now = lambda: later
    zi = Zibot(world, Clock(later), WITA, tmp_path)

    def press(who: str, outbox_id: int) -> tuple[bool, str]:
        result = zi.window_detail(Caller("whatsapp", who, True, who), outbox_id)
        return result.queued, result.reason

    assert press(OTHER, digest.id) == (False, "not_yours")
    assert press(AGEN, 10**9) == (False, "gone")
    assert zi.note_inbound("whatsapp", AGEN)  # the press is a message: the window opens
    api.user_wrote(AGEN, later)
    assert press(AGEN, digest.id) == (True, "")
    assert press(AGEN, digest.id) == (True, "")  # twice in a minute: queued once
    drain(world, api, later, tmp_path)
    full = api.sent_to(AGEN)[1:]
    assert full and all(m.template is None for m in full)
    assert full[0].text.startswith("🔔 *Pengingat rencana aksi ZI")
    assert len([r for r in rows(world) if r.key.startswith("detail:")]) == 1


# --- Meta's limits -------------------------------------------------------------------------------


def test_long_texts_are_split_and_buttons_follow_a_short_prompt(
    world: sessionmaker[Session], api: GraphApiStandIn, tmp_path: Path
) -> None:
    wrote(world, api, AGEN, MONDAY - timedelta(hours=1))
    long = ("Baris instruksi yang panjang. " * 30 + "\n") * 7  # ~6,300 characters
    instruksi_row(world, long.strip())
    drain(world, api, MONDAY, tmp_path)
    sent: list[SentMessage] = api.sent_to(AGEN)
    assert len(sent) == 3 and all(len(m.text) <= 4096 for m in sent)
    assert "".join(m.text for m in sent[:2]).count("Baris instruksi") == 210  # nothing cut
    assert sent[-1].text == texts.WA_CHOOSE and sent[-1].buttons == [("ib:7", "✅ Sudah dibaca")]
    assert api.refusals == []


# --- throughput ----------------------------------------------------------------------------------


def test_the_numbers_pace_is_shared_and_held_after_130429(sessions: sessionmaker[Session]) -> None:
    async def main() -> tuple[float, float]:
        one = WhatsAppPace(sessions, "111", rate=20)
        other = WhatsAppPace(sessions, "111", rate=20)  # another replica, same number
        start = time.monotonic()
        for pace in (one, other) * 5:
            await pace.wait()
        paced = time.monotonic() - start
        await one.hold(0.6)
        start = time.monotonic()
        await other.wait()
        return paced, time.monotonic() - start

    paced, held = asyncio.run(main())
    assert paced >= 9 / 20 - 0.02  # ten messages, one every 50 ms, whichever replica sends
    assert held >= 0.55

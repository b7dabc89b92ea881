"""WhatsApp inbound on SQLite and PostgreSQL: the ``/whatsapp`` routes (signature, verify
token), the inbox (unique by message id, replay after a crash, a redelivery processed once, also
by a second process), and the chat over the use cases (registration, progres, lapor by button,
bukti as a document with its size checked before the download, kendala reaching the province's
Telegram group). The Cloud API is a recording fake; webhook bodies are shaped like Meta's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from whatsapp_fakes import (
    APP_SECRET,
    PHONE_ID,
    FakeCloud,
    button_body,
    choices_of,
    document_body,
    list_body,
    raw,
    sign,
    status_body,
    text_body,
    user_id_of,
)

from bot.runtime import Runtime
from bot.settings import Secret, Settings
from bot.whatsapp import WhatsAppInbound, make_client, routes
from handlers.whatsapp.chat import WhatsAppChat
from handlers.whatsapp.presenter import ListMessage, ReplyButtons, Text
from models import BuktiDukung, ChatLink, InboxEntry, Kendala, Outbox, Target, User
from services import catalog, invites, kendala, texts
from services.importer import import_plan
from services.usecases.choices import Choices
from services.usecases.identity_moves import IdentityMoves
from services.zi import Caller, Zibot

WITA = ZoneInfo("Asia/Makassar")
IMPORTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # Friday 07:00 WITA, in the sample plan
AGEN = "6281200000001"
VERIFY = "verify-me"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def graph_never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"pywa called the Graph API: {request.url}")


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The sample plan, the province's Telegram group, one agen of Badung on WhatsApp."""
    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=IMPORTED, actor="test")
        badung = catalog.find_satker(session, "5103").id
        user = User(name="Made", role="agen", satker_id=badung, created_at=IMPORTED)
        user.whatsapp = user_id_of(AGEN)
        session.add(user)
        session.add(ChatLink(channel="telegram", chat_id="-100777", satker_id=None,
                             is_province=True, title="Koordinasi", linked_at=IMPORTED))  # fmt: skip
    return sessions


class Bot:
    """One process's WhatsApp side: settings, inbox, chat over a recording Cloud API."""

    def __init__(self, sessions: sessionmaker[Session], tmp: Path, clock: Clock) -> None:
        self.settings = Settings(
            whatsapp_phone_id=PHONE_ID,
            whatsapp_token=Secret("t0ken"),
            whatsapp_app_secret=Secret(APP_SECRET),
            whatsapp_verify_token=Secret(VERIFY),
            evidence_dir=tmp / "bukti",
        )
        engine = sessions.kw["bind"]
        self.runtime = Runtime(self.settings, engine, sessions, clock)
        self.cloud = FakeCloud()
        zi = Zibot(sessions, clock, WITA, self.settings.evidence_dir)
        choices = Choices(sessions, clock, WITA, self.settings.evidence_dir)
        ids = IdentityMoves(sessions, clock, WITA, self.settings.evidence_dir)
        self.chat = WhatsAppChat(zi, choices, self.cloud, ids=ids)
        client = make_client(self.settings, transport=httpx.MockTransport(graph_never))
        self.statuses: list[object] = []

        async def on_status(update: object) -> None:
            self.statuses.append(update)

        self.inbound = WhatsAppInbound(self.runtime, client, self.chat, on_status=on_status)
        self.app = Starlette(routes=routes(self.settings, self.inbound))

    async def post(self, data: bytes, signature: str | None = "good") -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-Hub-Signature-256"] = sign(data)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            response = await client.post("/whatsapp", content=data, headers=headers)
        await self.inbound.drain()
        return response

    async def say(self, body: dict[str, object]) -> None:
        response = await self.post(raw(body))
        assert response.status_code == 200, response.text


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def bot(world: sessionmaker[Session], tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    yield Bot(world, tmp_path, clock)


def inbox_rows(sessions: sessionmaker[Session]) -> list[InboxEntry]:
    with sessions() as session:
        return list(session.scalars(select(InboxEntry).order_by(InboxEntry.id)))


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


AGEN_ID = user_id_of(AGEN)


# ------------------------------------------------------------------ the routes


@pytest.mark.parametrize(
    ("signature", "status"),
    [(None, 401), ("", 401), ("sha256=00", 403), (sign(b"other"), 403),
     (sign(raw(text_body(AGEN, "progres")), "wrong-secret"), 403)],
    ids=["missing", "empty", "garbage", "other-body", "other-secret"],
)  # fmt: skip
def test_a_post_without_a_valid_signature_changes_nothing(
    bot: Bot, world: sessionmaker[Session], signature: str | None, status: int
) -> None:
    response = run(bot.post(raw(text_body(AGEN, "progres")), signature=signature))
    assert response.status_code == status  # type: ignore[attr-defined]
    assert inbox_rows(world) == []
    assert bot.cloud.sent == []


def test_the_verification_challenge_needs_the_verify_token(bot: Bot) -> None:
    async def get(params: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=bot.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            return await client.get("/whatsapp", params=params)

    ok = run(get({"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "42"}))
    assert (ok.status_code, ok.text) == (200, "42")  # type: ignore[attr-defined]
    for params in (
        {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"},
        {"hub.mode": "subscribe", "hub.challenge": "42"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "42"},
    ):
        assert run(get(params)).status_code == 403  # type: ignore[attr-defined]


def test_a_signed_body_that_is_no_update_is_a_bad_request(bot: Bot) -> None:
    for data in (b"{not json", b"[1]", b'{"entry": 5}'):
        assert run(bot.post(data)).status_code == 400  # type: ignore[attr-defined]


# ------------------------------------------------------------------ the inbox


def test_an_update_is_stored_processed_once_and_a_redelivery_is_dropped(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    body = text_body(AGEN, "bantuan")
    run(bot.say(body))
    run(bot.say(body))  # Meta redelivers the same message
    [row] = inbox_rows(world)
    assert row.done_at is not None and row.error is None and row.attempts == 1
    assert row.key == f"msg:{body['entry'][0]['changes'][0]['value']['messages'][0]['id']}"  # type: ignore[index]
    assert len(bot.cloud.sent) == 1
    assert bot.cloud.sent[0][0] == AGEN_ID  # answered at the business-scoped user id


def test_a_crash_between_storing_and_processing_loses_nothing(
    bot: Bot, world: sessionmaker[Session], tmp_path: Path, clock: Clock
) -> None:
    bot.inbound.process_soon = lambda keys: None  # type: ignore[method-assign]  # dies here
    run(bot.say(text_body(AGEN, "progres")))
    [row] = inbox_rows(world)
    assert row.done_at is None and bot.cloud.sent == []
    restarted = Bot(world, tmp_path, clock)  # the next start-up replays the inbox
    assert run(restarted.inbound.replay()) == 1
    assert run(restarted.inbound.replay()) == 0
    [row] = inbox_rows(world)
    assert row.done_at is not None
    [(to, reply)] = restarted.cloud.sent
    assert to == AGEN_ID and "KPU Kabupaten Badung" in reply.body


def test_a_crash_while_processing_is_replayed_after_the_lease(
    bot: Bot, world: sessionmaker[Session], tmp_path: Path, clock: Clock
) -> None:
    bot.inbound.process_soon = lambda keys: None  # type: ignore[method-assign]
    run(bot.say(text_body(AGEN, "tenggat")))
    [row] = inbox_rows(world)
    other = Bot(world, tmp_path, clock)
    assert other.inbound._claim(row.key) is not None  # claimed, then the process died
    assert run(bot.inbound.replay()) == 0  # held by the dead process for a while
    clock.now += timedelta(minutes=3)
    assert run(bot.inbound.replay()) == 1
    assert len(bot.cloud.sent) == 1 and other.cloud.sent == []


def test_a_redelivery_to_a_second_process_is_processed_once(
    bot: Bot, world: sessionmaker[Session], tmp_path: Path, clock: Clock
) -> None:
    second = Bot(world, tmp_path, clock)  # another `zibot serve` on the same database
    body = raw(text_body(AGEN, "rencana MP"))

    async def both() -> None:
        await asyncio.gather(bot.post(body), second.post(body))

    run(both())
    assert len(inbox_rows(world)) == 1
    assert len(bot.cloud.sent) + len(second.cloud.sent) == 1


def test_a_batched_body_is_one_entry_per_message_and_statuses_go_to_the_outbox_side(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    first, second = text_body(AGEN, "bantuan"), text_body(AGEN, "batal")
    value = first["entry"][0]["changes"][0]["value"]  # type: ignore[index]
    value["messages"] += second["entry"][0]["changes"][0]["value"]["messages"]  # type: ignore[index]
    run(bot.say(first))
    run(bot.say(status_body("wamid.out1", "delivered", AGEN)))
    rows = inbox_rows(world)
    assert [r.key.split(":")[0] for r in rows] == ["msg", "msg", "status"]
    assert rows[2].key == "status:wamid.out1:delivered"
    assert [body.split("\n")[0] for body in bot.cloud.texts_to(AGEN_ID)] == [
        texts.WA_MENU.split("\n")[0].replace("**", "*"),
        texts.BATAL_NOTHING,
    ]
    [status] = bot.statuses
    assert status.id == "wamid.out1"  # type: ignore[attr-defined]


def test_a_failing_update_is_apologised_for_and_not_replayed(
    bot: Bot, world: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.chat, "progres", broken)
    run(bot.say(text_body(AGEN, "progres")))
    [row] = inbox_rows(world)
    assert row.done_at is not None and row.error == "RuntimeError: boom"
    assert bot.cloud.texts_to(AGEN_ID) == [texts.ERROR_APOLOGY]
    assert run(bot.inbound.replay()) == 0


# ------------------------------------------------------------------ the chat


def test_registration_with_daftar_and_an_invite_code(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    with world.begin() as session:
        satker = catalog.find_satker(session, "5103")
        [code] = invites.create_invites(
            session, satker=satker, role="pimpinan", count=1, days=7, now=NOW, actor="test",
            structure="komisioner",
        )  # fmt: skip
    newcomer = "6281299999999"
    run(bot.say(text_body(newcomer, f"DAFTAR {code}", name="Ketut")))
    [reply] = bot.cloud.texts_to(user_id_of(newcomer))
    assert reply.startswith("Pendaftaran berhasil. Ketut") and "*pimpinan*" in reply
    with world() as session:
        user = session.scalars(select(User).where(User.name == "Ketut")).one()
        assert [(i.channel, i.external_id) for i in user.identities] == [
            ("whatsapp", user_id_of(newcomer))
        ]


def test_progres_is_whatsapp_text_without_html(bot: Bot) -> None:
    run(bot.say(text_body(AGEN, "/Progres")))
    [reply] = bot.cloud.texts_to(AGEN_ID)
    assert "KPU Kabupaten Badung" in reply
    assert "<" not in reply and "&lt;" not in reply and "&amp;" not in reply
    assert "*" in reply and "```" in reply  # bold and the monospace area table


def test_lapor_by_buttons(bot: Bot, world: sessionmaker[Session]) -> None:
    run(bot.say(text_body(AGEN, "lapor")))
    offered = bot.cloud.last(AGEN_ID)
    if isinstance(offered, Text):  # more items than a list holds: a numbered list
        assert texts.WA_NUMBER_HINT in offered.body
        run(bot.say(text_body(AGEN, "1")))
    else:
        payload, title = choices_of(offered)[0]
        run(bot.say(list_body(AGEN, payload, title)))
    status_choice = bot.cloud.last(AGEN_ID)
    assert isinstance(status_choice, ReplyButtons)
    assert [t for _, t in choices_of(status_choice)] == ["Belum", "Proses", "Selesai"]
    payload, title = choices_of(status_choice)[2]
    code = payload.split(":")[1]
    run(bot.say(button_body(AGEN, payload, title)))
    assert bot.cloud.texts_to(AGEN_ID)[-1].startswith(f"✅ *{code}*")
    with world() as session:
        statuses = session.scalars(select(Target.status).where(Target.status == "selesai"))
        assert list(statuses) == ["selesai"]


def test_a_number_outside_the_list_is_told(bot: Bot) -> None:
    run(bot.say(text_body(AGEN, "7")))
    assert bot.cloud.texts_to(AGEN_ID) == [
        texts.WA_NUMBER_UNKNOWN.format(number=7).replace("**", "*")
    ]


def test_bukti_as_a_document_is_stored_after_a_size_check(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    bot.cloud.media["m1"] = (b"%PDF-1.4 bukti", "application/pdf")
    bot.cloud.media["m2"] = (b"%PDF-1.4 big", "application/pdf")
    bot.cloud.sizes["m2"] = 300 * 1024 * 1024  # the metadata says 300 MB
    run(bot.say(text_body(AGEN, "bukti MP-01")))
    assert "*MP-01*" in bot.cloud.texts_to(AGEN_ID)[-1]
    run(bot.say(document_body(AGEN, "m2", "besar.pdf", "application/pdf")))
    assert "terlalu besar" in bot.cloud.texts_to(AGEN_ID)[-1]
    assert bot.cloud.downloads == []  # refused before any download
    run(bot.say(document_body(AGEN, "m1", "sk-tim.pdf", "application/pdf")))
    assert bot.cloud.downloads == ["m1"]
    assert bot.cloud.texts_to(AGEN_ID)[-1].startswith(
        "📎 Bukti dukung *MP-01* tersimpan: sk-tim.pdf"
    )
    with world() as session:
        [stored] = session.scalars(select(BuktiDukung))
        assert (stored.original_name, stored.channel) == ("sk-tim.pdf", "whatsapp")


def test_bukti_with_the_item_code_as_caption(bot: Bot, world: sessionmaker[Session]) -> None:
    bot.cloud.media["m3"] = (b"%PDF-1.4 x", "application/pdf")
    run(bot.say(document_body(AGEN, "m3", "notulen.pdf", "application/pdf", caption="MP-01")))
    assert "tersimpan: notulen.pdf" in bot.cloud.texts_to(AGEN_ID)[-1]


def test_a_kendala_from_whatsapp_reaches_the_province_group(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    run(bot.say(text_body(AGEN, "kendala")))
    areas = bot.cloud.last(AGEN_ID)
    assert isinstance(areas, ListMessage)
    general = next(p for p, t in choices_of(areas) if t == texts.KENDALA_BUTTON_GENERAL)
    run(bot.say(list_body(AGEN, general)))
    categories = bot.cloud.last(AGEN_ID)
    assert isinstance(categories, ListMessage) and len(categories.choices) == 6
    run(bot.say(list_body(AGEN, "kd:cat:anggaran")))
    run(bot.say(text_body(AGEN, "Selamat pagi, anggaran *pelatihan* <belum> cair & tertunda")))
    skip = bot.cloud.last(AGEN_ID)
    assert isinstance(skip, ReplyButtons)
    run(bot.say(button_body(AGEN, choices_of(skip)[0][0])))
    confirm = bot.cloud.last(AGEN_ID)
    assert isinstance(confirm, ReplyButtons)
    shown = confirm.body.replace("\u2060", "")  # marks made literal with word joiners
    assert "Selamat pagi, anggaran *pelatihan* <belum> cair & tertunda" in shown
    assert "\u2060" in confirm.body
    run(bot.say(button_body(AGEN, "kd:send")))
    assert "KDL-2026-" in bot.cloud.texts_to(AGEN_ID)[-1]
    assert "diteruskan ke Divisi" in bot.cloud.texts_to(AGEN_ID)[-1]
    with world.begin() as session:
        [ticket] = session.scalars(select(Kendala))
        assert (ticket.channel, ticket.origin_chat_id) == ("whatsapp", AGEN_ID)
        assert kendala.post_pending(session, NOW, WITA) == 1  # what the engine's sweep does
        posts = session.scalars(select(Outbox).where(Outbox.kind == "kendala")).all()
        assert [(p.channel, p.chat_id) for p in posts] == [("telegram", "-100777")]


def test_a_kendala_description_may_start_with_a_command_word(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    """ "Daftar hadir ..." is the description asked for, not the word `daftar`; only `batal`
    or a "/word" leaves the draft."""
    run(bot.say(text_body(AGEN, "kendala")))
    general = next(
        p for p, t in choices_of(bot.cloud.last(AGEN_ID)) if t == texts.KENDALA_BUTTON_GENERAL
    )
    run(bot.say(list_body(AGEN, general)))
    run(bot.say(list_body(AGEN, "kd:cat:sdm")))
    run(bot.say(text_body(AGEN, "Daftar hadir rapat belum ditandatangani pimpinan")))
    skip = bot.cloud.last(AGEN_ID)
    assert isinstance(skip, ReplyButtons)  # asked for an attachment: the text was taken
    run(bot.say(button_body(AGEN, choices_of(skip)[0][0])))
    confirm = bot.cloud.last(AGEN_ID)
    assert isinstance(confirm, ReplyButtons)
    assert "Daftar hadir rapat belum ditandatangani pimpinan" in confirm.body
    run(bot.say(text_body(AGEN, "batal")))
    assert bot.cloud.texts_to(AGEN_ID)[-1] == texts.BATAL_DONE
    with world() as session:
        assert session.scalars(select(Kendala)).all() == []


def test_batal_leaves_a_kendala_draft(bot: Bot, world: sessionmaker[Session]) -> None:
    run(bot.say(text_body(AGEN, "kendala")))
    run(bot.say(text_body(AGEN, "Batal")))
    assert bot.cloud.texts_to(AGEN_ID)[-1] == texts.BATAL_DONE
    run(bot.say(button_body(AGEN, "kd:umum")))
    assert bot.cloud.texts_to(AGEN_ID)[-1] == texts.WA_KENDALA_EXPIRED.replace("**", "*")


def test_a_greeting_or_an_unknown_word_gets_the_menu(bot: Bot) -> None:
    for text in ("Halo", "progress?", "apa kabar"):
        run(bot.say(text_body(AGEN, text)))
    menu = f"{texts.WA_MENU}\n{texts.WA_MENU_ASSESSMENT}".replace("**", "*")
    replies = bot.cloud.texts_to(AGEN_ID)
    assert replies[0] == menu and replies[2] == menu
    assert "KPU Kabupaten Badung" in replies[1]  # "progress?" is progres


def test_a_stranger_is_told_to_register(bot: Bot, world: sessionmaker[Session]) -> None:
    stranger = "6281277777777"
    run(bot.say(text_body(stranger, "progres")))
    assert bot.cloud.texts_to(user_id_of(stranger)) == [texts.NOT_REGISTERED]
    with world() as session:
        assert session.scalar(select(func.count()).select_from(Outbox)) == 0


def test_a_long_business_scoped_id_fits(bot: Bot, world: sessionmaker[Session]) -> None:
    with world.begin() as session:
        satker = catalog.find_satker(session, "5103")
        [code] = invites.create_invites(
            session, satker=satker, role="agen", count=1, days=7, now=NOW, actor="test"
        )
    body = text_body("6281266666666", f"daftar {code}")
    contact = body["entry"][0]["changes"][0]["value"]["contacts"][0]  # type: ignore[index]
    contact["user_id"] = "ID." + "7" * 140
    run(bot.say(body))
    assert bot.cloud.texts_to(contact["user_id"])[0].startswith("Pendaftaran berhasil")
    run(bot.say(replace_user(text_body("6281266666666", "kendala"), contact["user_id"])))
    assert isinstance(bot.cloud.last(contact["user_id"]), ListMessage)


def replace_user(body: dict[str, object], user_id: str) -> dict[str, object]:
    contact = body["entry"][0]["changes"][0]["value"]["contacts"][0]  # type: ignore[index]
    contact["user_id"] = user_id
    return body


def test_a_person_registered_by_phone_keeps_the_account_under_the_business_id(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    phone = "6281255555555"
    with world.begin() as session:
        badung = catalog.find_satker(session, "5103").id
        user = User(name="Lama", role="agen", satker_id=badung, created_at=IMPORTED)
        user.whatsapp = phone  # registered when WhatsApp gave phone numbers only
        session.add(user)
    run(bot.say(text_body(phone, "progres")))  # now with contacts[0].user_id
    assert "KPU Kabupaten Badung" in bot.cloud.texts_to(user_id_of(phone))[0]
    with world() as session:
        user = session.scalars(select(User).where(User.name == "Lama")).one()
        assert [(i.channel, i.external_id) for i in user.identities] == [
            ("whatsapp", user_id_of(phone))
        ]


def test_a_failing_status_is_tried_again_then_given_up(
    bot: Bot, world: sessionmaker[Session]
) -> None:
    calls: list[object] = []

    async def flaky(update: object) -> None:
        calls.append(update)
        raise RuntimeError("database went away")

    bot.inbound.on_status = flaky
    run(bot.say(status_body("wamid.out9", "read", AGEN)))
    [row] = inbox_rows(world)
    assert row.done_at is None and row.claimed_until is None  # released for the next sweep
    assert run(bot.inbound.replay()) == 0 and len(calls) == 2
    run(bot.inbound.replay())
    run(bot.inbound.replay())  # the fourth claim gives it up
    [row] = inbox_rows(world)
    assert len(calls) == 3 and row.done_at is not None and row.error == "given up"


def test_a_message_pywa_cannot_read_is_answered_plainly(bot: Bot) -> None:
    body = text_body(AGEN, "x")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]  # type: ignore[index]
    message.pop("text")
    message.update({"type": "poll_of_the_future", "poll_of_the_future": {"q": 1}})
    run(bot.say(body))
    sticker = text_body(AGEN, "x")
    message = sticker["entry"][0]["changes"][0]["value"]["messages"][0]  # type: ignore[index]
    message.pop("text")
    message.update({"type": "sticker", "sticker": {"id": "9", "mime_type": "image/webp"}})
    run(bot.say(sticker))
    unsupported = texts.WA_UNSUPPORTED.replace("**", "*")
    assert bot.cloud.texts_to(AGEN_ID) == [unsupported, unsupported]


def test_tautkan_links_this_whatsapp_to_a_telegram_account(
    bot: Bot, world: sessionmaker[Session], clock: Clock, tmp_path: Path
) -> None:
    with world.begin() as session:
        badung = catalog.find_satker(session, "5103").id
        session.add(User(name="Putu", role="agen", satker_id=badung, created_at=IMPORTED,
                         telegram_id=510777))  # fmt: skip
    zi = Zibot(world, clock, WITA, tmp_path)
    issued = zi.issue_link_code(Caller("telegram", "510777", True, "510777"))
    phone = "6281244444444"
    run(bot.say(text_body(phone, f"Tautkan {issued.code.lower()}")))
    [reply] = bot.cloud.texts_to(user_id_of(phone))
    assert reply.startswith("Berhasil ditautkan. Akun WhatsApp ini kini milik *Putu*")
    with world() as session:
        user = session.scalars(select(User).where(User.name == "Putu")).one()
        assert sorted((i.channel, i.external_id) for i in user.identities) == [
            ("telegram", "510777"),
            ("whatsapp", user_id_of(phone)),
        ]
    run(bot.say(text_body(phone, "tautkan")))  # and a code for another Telegram account
    code_reply = bot.cloud.texts_to(user_id_of(phone))[-1]
    assert code_reply.startswith("Kode penautan Anda: `") and "*/tautkan " in code_reply


def test_a_file_the_cloud_api_no_longer_has_is_told_plainly(bot: Bot) -> None:
    run(bot.say(text_body(AGEN, "bukti MP-01")))
    run(bot.say(document_body(AGEN, "expired", "x.pdf", "application/pdf")))
    assert bot.cloud.texts_to(AGEN_ID)[-1] == texts.WA_MEDIA_UNKNOWN

"""Kendala end to end: the real ``zibot run`` process against the Bot API stand-in.

A member of KPU Kabupaten Badung reports an obstacle from the satker's group (buttons, replies
to ForceReply prompts, a photo, as on a phone in privacy mode), the ticket is posted to the
province coordination group with the photo after it, and an admin answers with the Tanggapi
button: the answer arrives in the satker's group and privately to the reporter. A ticket nobody
answers is escalated once when ``ZIBOT_CLOCK_FILE`` moves two working days ahead.

One bot process serves the module (per database backend), sweeping every second, with
``ZIBOT_ESCALATION_CHAT`` set. Its clock starts at Friday 27 Nov 2026 07:00 WITA, before the
reminder time, so that nothing is escalated until a test moves it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers.telegram.presenter import TELEGRAM, markup
from models import Kendala, Outbox
from services import texts

from .botapi import Chat, JSONDict, User
from .conftest import BADUNG, FROZEN_NOW, PROVINCE, Deployment, command

ESCALATION_CHAT = -555_001
TUESDAY = "2026-12-01T08:05:00+08:00"  # two working days after Friday 27 Nov
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF kendala: spanduk belum dicetak"
SWEEPS = 3.5  # seconds: a few more sweeps after the escalation


@pytest.fixture(scope="module")
def kendala_bot(deployment: Deployment) -> Deployment:
    """``zibot run`` with a sweep every second and an escalation chat."""
    deployment.start_polling(
        ZIBOT_SWEEP_SECONDS="1",
        ZIBOT_ESCALATION_CHAT=str(ESCALATION_CHAT),
        ZIBOT_LOG_LEVEL="INFO",
    )
    return deployment


@pytest.fixture
def bot(kendala_bot: Deployment) -> Iterator[Deployment]:
    """The running bot, its clock back at the frozen Friday morning afterwards."""
    if not kendala_bot.running:
        kendala_bot.restart_polling()
    yield kendala_bot
    set_clock(kendala_bot, FROZEN_NOW)


def set_clock(bot: Deployment, moment: str) -> None:
    tmp = Path(f"{bot.clock_file}.tmp")
    tmp.write_text(moment + "\n", encoding="utf-8")
    tmp.replace(bot.clock_file)  # atomic: the bot never reads half a date


def buttons(message: JSONDict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def shown(message: JSONDict) -> str:
    """What a person reads (HTML parsed): text, or the caption of a photo."""
    body = message["message"]
    return str(body.get("text") or body.get("caption") or "")


def press(bot: Deployment, chat: Chat, user: User, message: JSONDict, data: str) -> JSONDict:
    """Press a button that edits its own message; the edited message."""
    edits = len(bot.api.edits(chat.id))
    bot.api.press_button(chat, user, message["message_id"], data)
    return bot.wait_for_edit(chat.id, edits)


def press_for_message(
    bot: Deployment, chat: Chat, user: User, message: JSONDict, data: str
) -> JSONDict:
    """Press a button that makes the bot send a new message in the chat; that message."""
    before = len(bot.api.sent(chat.id))
    bot.api.press_button(chat, user, message["message_id"], data)
    return bot.wait_for_message(chat.id, before)


def latest_ticket(bot: Deployment) -> Kendala:
    with bot.db() as session:
        ticket = session.scalars(select(Kendala).order_by(Kendala.id.desc()).limit(1)).one()
        session.expunge(ticket)
        return ticket


def province_group(bot: Deployment, admin: User) -> Chat:
    group = bot.new_group("Koordinasi ZI Bali")
    reply = bot.say(group, admin, f"{command('hubungkan')} provinsi")
    assert reply["text"] == TELEGRAM.fill(texts.LINKED_PROVINCE)
    return group


def test_a_kendala_from_a_satker_group_is_posted_and_answered(bot: Deployment) -> None:
    agen = bot.register("agen", BADUNG, "Ana")
    admin = bot.register("admin", PROVINCE, "Adi")
    group = bot.linked_group(agen, BADUNG, "ZI KPU Badung")
    province = province_group(bot, admin)

    menu = bot.say(group, agen, command("kendala"))
    assert menu["text"] == TELEGRAM.fill(texts.KENDALA_START_ITEM)
    assert "kd:area:MP" in buttons(menu) and "kd:umum" in buttons(menu)
    items = press(bot, group, agen, menu, "kd:area:MP")
    [mp01] = [d for d in buttons(items) if d.startswith("kd:item:") and d.endswith(":MP-01")]
    categories = press(bot, group, agen, menu, mp01)
    assert "kd:cat:sarpras" in buttons(categories)
    prompt = press_for_message(bot, group, agen, menu, "kd:cat:sarpras")
    # In a group the prompt mentions the reporter, so that the selective ForceReply reaches them.
    assert prompt["text"].endswith(texts.KENDALA_ASK_TEXT[1:])
    assert f"tg://user?id={agen.id}" in prompt["text"]
    assert prompt["reply_markup"]["force_reply"] is True
    assert prompt["reply_markup"]["selective"] is True

    # Under privacy mode only replies to the bot reach it: answer the prompts by replying.
    ask = bot.say(group, agen, "Spanduk <ZI> & banner belum dicetak", reply_to=prompt["message_id"])
    assert ask["text"] == texts.KENDALA_ASK_ATTACHMENT
    before = len(bot.api.sent(group.id))
    bot.api.send_photo(group, agen, JPEG, reply_to_message_id=ask["message_id"])
    confirm = bot.wait_for_message(group.id, before)
    assert "Lampiran: foto.jpg" in shown(confirm)
    assert "Spanduk <ZI> & banner belum dicetak" in shown(confirm)
    saved = press(bot, group, agen, confirm, "kd:send")

    ticket = latest_ticket(bot)
    number = ticket.number
    assert saved["text"] == TELEGRAM.fill(texts.KENDALA_SAVED, number=number)
    assert (ticket.category, ticket.description) == (
        "sarpras",
        "Spanduk <ZI> & banner belum dicetak",
    )
    assert ticket.origin_chat_id == str(group.id) and ticket.attachment is not None
    assert (bot.evidence_dir / ticket.attachment).read_bytes() == JPEG

    # The province group gets the ticket, then its photo.
    post = bot.api.wait_for(
        lambda s: s["chat_id"] == province.id and f"Kendala {number}" in (s["text"] or "")
    )
    photo = bot.api.wait_for(lambda s: s["chat_id"] == province.id and s["method"] == "sendPhoto")
    assert photo["content"] == JPEG
    assert shown(photo) == texts.KENDALA_ATTACHMENT_CAPTION.format(number=number)
    assert photo["message_id"] > post["message_id"]  # a second message, after the post
    text = shown(post)
    assert "KPU Kabupaten Badung" in text and "Pelapor: Ana" in text and "Item: MP-01 " in text
    assert "Kategori: Sarana prasarana" in text and "Spanduk <ZI> & banner belum dicetak" in text
    assert buttons(post) == [f"kt:{ticket.id}", f"ks:{ticket.id}"]

    # The admin answers with the Tanggapi button and a reply to its prompt.
    ask_answer = press_for_message(bot, province, admin, post, f"kt:{ticket.id}")
    assert ask_answer["text"].endswith(texts.KENDALA_ASK_ANSWER.format(number=number)[1:])
    assert f"tg://user?id={admin.id}" in ask_answer["text"]
    assert ask_answer["reply_markup"]["force_reply"] is True
    answer = "Sudah kami koordinasikan dengan <Biro Keuangan> & Sekretariat."
    done = bot.say(province, admin, answer, reply_to=ask_answer["message_id"])
    assert done["text"] == texts.KENDALA_ANSWER_SAVED.format(number=number)

    heading = f"Tanggapan provinsi untuk kendala {number}"
    in_group = bot.api.wait_for(lambda s: s["chat_id"] == group.id and heading in shown(s))
    privately = bot.api.wait_for(lambda s: s["chat_id"] == agen.id and heading in shown(s))
    for message in (in_group, privately):
        assert answer in shown(message) and "— Adi" in shown(message)
        assert "&lt;Biro Keuangan&gt;" in message["text"]

    ticket = latest_ticket(bot)
    assert (ticket.status, ticket.answer) == ("ditanggapi", answer)

    def all_sent() -> bool:  # marked right after the Bot API answered
        with bot.db() as session:
            statuses = set(
                session.scalars(
                    select(Outbox.status).where(Outbox.key.like(f"kendala:{ticket.id}:%"))
                )
            )
        return statuses == {"sent"}

    bot.wait_until(all_sent, "mark every message of the ticket sent")
    assert not bot.api.unknown_methods


def report_in_private(bot: Deployment, agen: User, description: str) -> str:
    chat = Chat.private(agen)
    menu = bot.say(chat, agen, "/kendala")
    press(bot, chat, agen, menu, "kd:umum")
    prompt = press_for_message(bot, chat, agen, menu, "kd:cat:sdm")
    ask = bot.say(chat, agen, description, reply_to=prompt["message_id"])
    confirm = press_for_message(bot, chat, agen, ask, "kd:skip")
    saved = press(bot, chat, agen, confirm, "kd:send")
    number = latest_ticket(bot).number
    assert saved["text"] == TELEGRAM.fill(texts.KENDALA_SAVED, number=number)
    return number


def test_an_unanswered_kendala_is_escalated_once(bot: Deployment) -> None:
    agen = bot.register("agen", BADUNG, "Putu")
    admin = bot.register("admin", PROVINCE, "Dewi")
    province = province_group(bot, admin)
    number = report_in_private(bot, agen, "Belum ada SK agen perubahan")
    bot.api.wait_for(
        lambda s: s["chat_id"] == province.id and f"Kendala {number}" in (s["text"] or "")
    )

    def escalations() -> list[JSONDict]:
        return [m for m in bot.api.sent(ESCALATION_CHAT) if number in (m["text"] or "")]

    def reminders() -> list[JSONDict]:
        return [
            m
            for m in bot.api.sent(province.id)
            if (m["text"] or "").startswith(f"⏰ Kendala {number}")
        ]

    time.sleep(1.5)  # sweeps at Friday 07:00 escalate nothing
    assert escalations() == [] and reminders() == []

    set_clock(bot, TUESDAY)
    bot.wait_until(escalations, "send the escalation")
    bot.wait_until(reminders, "remind the province group")
    time.sleep(SWEEPS)  # more sweeps on the same morning add nothing

    [escalation] = escalations()
    assert escalation["text"] == markup(texts.KENDALA_ESCALATION).format(
        number=number,
        satker="KPU Kabupaten Badung",
        days=2,
        description="Belum ada SK agen perubahan",
    )
    [reminder] = reminders()
    assert reminder["text"] == texts.KENDALA_PROVINCE_REMINDER.format(
        number=number, satker="KPU Kabupaten Badung", days=2
    )
    ticket = latest_ticket(bot)
    assert buttons(reminder) == [f"kt:{ticket.id}"]
    assert ticket.escalated_at is not None and ticket.status == "baru"

    def escalation_rows() -> list[Outbox]:
        with bot.db() as session:
            rows = list(
                session.scalars(
                    select(Outbox).where(Outbox.kind == "eskalasi", Outbox.payload.contains(number))
                )
            )
            session.expunge_all()
            return rows

    bot.wait_until(
        lambda: all(r.status == "sent" for r in escalation_rows()), "mark the escalation sent"
    )
    chats = [r.chat_id for r in escalation_rows()]
    assert len(chats) == len(set(chats))  # once per chat
    assert {str(ESCALATION_CHAT), str(province.id)} <= set(chats)
    escalated_anywhere = [
        m for m in bot.api.sent() if f"Eskalasi kendala {number}" in (m["text"] or "")
    ]
    assert escalated_anywhere == [escalation]  # one escalation, only in the escalation chat

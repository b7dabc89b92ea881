"""The evidence pack and Amati, Tiru, Modifikasi end to end: the real ``zibot run`` process
against the Bot API stand-in.

An agen of KPU Kabupaten Badung uploads a file and asks /paketbukti: the ZIP arrives as a
document with the file and both indexes; an agen of Jembrana cannot build Badung's pack. Once
the province accepts the file (set in the database) and Badung's admin says /berbagi ya,
Jembrana's agen sees it under /contoh MP-01 and its button sends the file.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from models import BuktiDukung
from services import texts

from .botapi import Chat, JSONDict, User
from .conftest import BADUNG, Deployment

PDF = b"%PDF-1.4\n% SK Tim Kerja ZI\n%%EOF\n"
JEMBRANA = "5101"


@pytest.fixture(scope="module")
def bot(deployment: Deployment) -> Deployment:
    deployment.start_polling()
    return deployment


def after(bot: Deployment, chat: Chat, message: JSONDict) -> JSONDict:
    """The bot's next message in ``chat`` after ``message``."""
    sent = bot.api.sent(chat.id)
    index = next(i for i, m in enumerate(sent) if m["message_id"] == message["message_id"])
    return bot.wait_for_message(chat.id, index + 1)


def registered(bot: Deployment, role: str, satker: str, name: str) -> User:
    """A person registered with a code from ``zibot invite`` (outside the module's pool)."""
    made = bot.cli("invite", "--satker", satker, "--role", role)
    user = bot.new_user(name)
    reply = bot.say(Chat.private(user), user, f"/daftar {made.stdout.split()[0]}")
    assert "Pendaftaran berhasil" in reply["text"], reply["text"]
    return user


def test_pack_then_shared_example(bot: Deployment) -> None:
    agen = bot.register("agen", BADUNG, "Wayan")
    chat = Chat.private(agen)
    before = len(bot.api.sent(chat.id))
    bot.api.send_document(chat, agen, "SK Tim ZI.pdf", PDF, caption="/bukti MP-01")
    assert "SK Tim ZI.pdf" in (bot.wait_for_message(chat.id, before)["text"] or "")

    building = bot.say(chat, agen, "/paketbukti")
    assert building["text"] == texts.PACK_BUILDING
    document = after(bot, chat, building)
    assert document["method"] == "sendDocument"
    assert document["file_name"] == "bukti-5103-2026.zip"
    with zipfile.ZipFile(io.BytesIO(document["content"])) as archive:
        names = archive.namelist()
        assert names[-2:] == ["index.xlsx", "index.html"]
        assert names[0].endswith("/SK Tim ZI.pdf") and archive.read(names[0]) == PDF

    other = registered(bot, "agen", JEMBRANA, "Komang")
    other_chat = Chat.private(other)
    refused = bot.say(other_chat, other, f"/paketbukti {BADUNG}")
    assert "satker Anda sendiri" in refused["text"], refused["text"]

    closed = bot.say(other_chat, other, "/contoh MP-01")
    assert texts.CONTOH_NONE in closed["text"], closed["text"]

    with bot.db() as session:  # the province accepts it (the review flow is h-review's e2e)
        record = session.scalars(select(BuktiDukung)).one()
        record.review_status = "diterima"
        session.commit()
    admin = registered(bot, "admin", BADUNG, "Admin Badung")
    on = bot.say(Chat.private(admin), admin, "/berbagi ya")
    assert "membagikan" in on["text"], on["text"]

    shown = bot.say(other_chat, other, "/contoh MP-01")
    assert "SK Tim ZI.pdf" in shown["text"], shown["text"]
    [row] = shown["reply_markup"]["inline_keyboard"]
    before = len(bot.api.sent(other_chat.id))
    bot.api.press_button(other_chat, other, shown["message_id"], row[0]["callback_data"])
    example = bot.wait_for_message(other_chat.id, before)
    assert example["method"] == "sendDocument" and example["content"] == PDF

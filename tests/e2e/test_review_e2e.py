"""Evidence review end to end: the real ``zibot run`` process against the Bot API stand-in.

A verifikator registered with a code from ``zibot invite --role verifikator`` reviews what an
agen of KPU Kabupaten Badung uploaded: /verifikasi lists it, "Tolak" asks for the reason, the
uploader (privately) and the satker's group are told the reason; the agen uploads again, the
new file waits again, "Kirim file" sends it back to the verifikator, "Terima" accepts it, and
/progres shows the item verified beside the reported completion.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import BuktiDukung, BuktiReview
from services import texts

from .botapi import Chat, JSONDict, User
from .conftest import BADUNG, PROVINCE, Deployment, command

PDF = b"%PDF-1.4\n% SK Tim Kerja ZI (belum ditandatangani)\n%%EOF\n"
PDF_SIGNED = b"%PDF-1.4\n% SK Tim Kerja ZI (ditandatangani ketua)\n%%EOF\n"


@pytest.fixture(scope="module")
def bot(deployment: Deployment) -> Deployment:
    """``zibot run`` sweeping every second (the outcome notices go out through the outbox)."""
    deployment.start_polling(ZIBOT_SWEEP_SECONDS="1")
    return deployment


def buttons(message: JSONDict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def verifikator(bot: Deployment) -> User:
    """A verifikator of the province, invited with the command line."""
    made = bot.cli("invite", "--satker", PROVINCE, "--role", "verifikator")
    code = made.stdout.split()[0]
    user = bot.new_user("Komang", "Verifikator")
    reply = bot.say(Chat.private(user), user, f"/daftar {code}")
    assert "verifikator provinsi" in reply["text"], reply["text"]
    return user


def upload(bot: Deployment, agen: User, name: str, content: bytes) -> JSONDict:
    chat = Chat.private(agen)
    before = len(bot.api.sent(chat.id))
    bot.api.send_document(chat, agen, name, content, caption="/bukti MP-01")
    reply = bot.wait_for_message(chat.id, before)
    assert name in reply["text"], reply["text"]
    return reply


def queue_entry(bot: Deployment, verif: User) -> JSONDict:
    """/verifikasi in the verifikator's private chat: the one entry listed (after the head)."""
    chat = Chat.private(verif)
    head = bot.say(chat, verif, "/verifikasi")
    assert "Menunggu verifikasi: 1 bukti dukung" in head["text"], head["text"]
    return _next(bot, chat, head)


def _next(bot: Deployment, chat: Chat, after: JSONDict) -> JSONDict:
    sent = bot.api.sent(chat.id)
    index = next(i for i, m in enumerate(sent) if m["message_id"] == after["message_id"])
    return bot.wait_for_message(chat.id, index + 1)


def press(bot: Deployment, chat: Chat, user: User, message: JSONDict, data: str) -> JSONDict:
    """Press a button that makes the bot send a new message in the chat; that message."""
    before = len(bot.api.sent(chat.id))
    bot.api.press_button(chat, user, message["message_id"], data)
    return bot.wait_for_message(chat.id, before)


def told(bot: Deployment, chat: Chat, needle: str) -> JSONDict:
    """The outcome notice that reaches ``chat`` (sent by the engine from the outbox)."""
    return bot.wait_until(
        lambda: next((m for m in bot.api.sent(chat.id) if needle in (m["text"] or "")), None),
        f"tell chat {chat.id} {needle!r}",
    )


def test_reject_with_reason_reupload_accept_and_progres(bot: Deployment) -> None:
    agen = bot.register("agen", BADUNG, "Wayan")
    group = bot.linked_group(agen, BADUNG, "ZI KPU Badung")
    verif = verifikator(bot)
    agen_chat, verif_chat = Chat.private(agen), Chat.private(verif)

    # A verifikator cannot change progress.
    refused = bot.say(verif_chat, verif, "/lapor MP-01 selesai")
    assert refused["text"] == texts.REVIEW_FORBIDDEN_WRITE
    # An agen cannot review.
    refused = bot.say(agen_chat, agen, "/verifikasi")
    assert refused["text"] == texts.REVIEW_FORBIDDEN

    reply = bot.say(agen_chat, agen, "/lapor MP-01 selesai")
    assert "MP-01" in reply["text"]
    upload(bot, agen, "SK Tim ZI.pdf", PDF)
    with bot.db() as session:
        first = session.scalars(select(BuktiDukung).order_by(BuktiDukung.id.desc())).first()
        assert first is not None and first.review_status == "menunggu"
        first_id = first.id

    entry = queue_entry(bot, verif)
    assert "MP-01" in entry["text"] and "SK Tim ZI.pdf" in entry["text"]
    assert "SK Tim Kerja Pembangunan ZI" in entry["text"]  # the expected bukti
    assert "Wayan" in entry["text"]
    assert buttons(entry) == [f"vf:file:{first_id}", f"vf:ok:{first_id}", f"vf:no:{first_id}"]

    # Tolak: the reason is asked, then given.
    prompt = press(bot, verif_chat, verif, entry, f"vf:no:{first_id}")
    assert "Tulis alasan penolakan SK Tim ZI.pdf (MP-01)" in prompt["text"]
    done = bot.say(verif_chat, verif, "Belum ditandatangani ketua & belum bercap")
    assert "ditolak" in done["text"], done["text"]

    # The uploader and the satker's group are told, with the reason.
    for chat in (agen_chat, group):
        notice = told(bot, chat, "Bukti dukung ditolak")
        assert "Belum ditandatangani ketua &amp; belum bercap" in notice["text"]
        assert "/bukti MP-01" in notice["text"]

    # A new upload goes back into the queue; the history is kept.
    upload(bot, agen, "SK Tim ZI ttd.pdf", PDF_SIGNED)
    entry = queue_entry(bot, verif)
    assert "SK Tim ZI ttd.pdf" in entry["text"] and "Unggahan ulang" in entry["text"]
    second_id = int(buttons(entry)[0].rsplit(":", 1)[1])
    assert second_id != first_id

    # "Kirim file" sends the file itself back to the reviewer.
    document = press(bot, verif_chat, verif, entry, f"vf:file:{second_id}")
    assert document["method"] == "sendDocument" and document["content"] == PDF_SIGNED

    # Terima.
    accepted = press(bot, verif_chat, verif, entry, f"vf:ok:{second_id}")
    assert "diterima. Status item: Terverifikasi" in accepted["text"]
    notice = told(bot, agen_chat, "Bukti dukung diterima")
    assert "terverifikasi" in notice["text"]
    told(bot, group, "Bukti dukung diterima")

    with bot.db() as session:
        decisions = session.execute(
            select(BuktiReview.bukti_id, BuktiReview.decision, BuktiReview.reason).order_by(
                BuktiReview.id
            )
        ).all()
    assert [tuple(d) for d in decisions] == [
        (first_id, "ditolak", "Belum ditandatangani ketua & belum bercap"),
        (second_id, "diterima", ""),
    ]

    # /progres shows the verified completion beside the reported one.
    progres = bot.say(group, agen, command("progres"))
    assert "Terverifikasi: <b>4%</b> (1/28)" in progres["text"], progres["text"]
    assert "✔1" in progres["text"]

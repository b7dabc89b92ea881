"""Bad input end to end: the real ``zibot run`` process against the Bot API stand-in.

A modified client presses buttons with forged data (huge ids, unknown prefixes): each press is
answered "Tombol tidak berlaku." and logged in one line, without a traceback or the apology. A
document whose size the update does not state and that Telegram refuses to serve ("file is too
big") gets the Indonesian refusal; a document named with 300 CJK characters is stored.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import BuktiDukung
from services import texts

from .botapi import Chat
from .conftest import Deployment

FORGED = ["ib:99999999999999999999", "rt:99999999999999999999", "kt:1:2", "zz:1"]


@pytest.fixture(scope="module")
def bot(deployment: Deployment) -> Deployment:
    deployment.start_polling(ZIBOT_LOG_LEVEL="INFO")
    return deployment


def test_forged_buttons_are_answered_and_logged_without_a_traceback(bot: Deployment) -> None:
    agen = bot.register("agen", name="Gede")
    chat = Chat.private(agen)
    message = bot.say(chat, agen, "/bantuan")
    sent_before = len(bot.api.sent(chat.id))
    answered_before = len(bot.api.callback_answers)
    for data in FORGED:
        bot.api.press_button(chat, agen, message["message_id"], data, check=False)

    answers = bot.wait_until(
        lambda: (
            len(bot.api.callback_answers) >= answered_before + len(FORGED)
            and bot.api.callback_answers[answered_before:]
        ),
        "answer every forged press",
    )
    assert [(a.get("text"), a.get("show_alert")) for a in answers] == [
        (texts.BUTTON_INVALID, True)
    ] * len(FORGED)
    assert len(bot.api.sent(chat.id)) == sent_before  # no apology
    log = bot.log_text()
    assert "Traceback" not in log and "OverflowError" not in log
    assert texts.ERROR_APOLOGY not in [m["text"] for m in bot.api.sent(chat.id)]
    refused = [line for line in log.splitlines() if "Button refused" in line]
    assert len(refused) == len(FORGED)


def test_a_file_telegram_refuses_to_serve_gets_a_clear_refusal(bot: Deployment) -> None:
    agen = bot.register("agen", name="Ketut")
    chat = Chat.private(agen)
    prompt = bot.say(chat, agen, "/bukti MP-01")
    before = len(bot.api.sent(chat.id))
    big = b"%PDF-1.4\n" + bytes(21 * 1024 * 1024)
    bot.api.send_document(
        chat, agen, "pindaian.pdf", big, reply_to_message_id=prompt["message_id"], state_size=False
    )
    reply = bot.wait_for_message(chat.id, before)
    assert reply["text"] == texts.DOWNLOAD_TOO_BIG
    assert "Traceback" not in bot.log_text()

    # The name in characters was never the problem: 300 CJK characters are stored.
    name = "报" * 300 + ".pdf"
    content = b"%PDF-1.4\n% laporan\n"
    bot.api.send_document(chat, agen, name, content, reply_to_message_id=prompt["message_id"])
    stored = bot.wait_for_message(chat.id, before + 1)
    assert stored["text"].startswith("📎"), stored["text"]
    with bot.db() as session:
        row = session.scalars(
            select(BuktiDukung).where(BuktiDukung.original_name == name[:255])
        ).one()
    path = bot.evidence_dir / row.path
    assert path.read_bytes() == content and len(path.name.encode("utf-8")) <= 200

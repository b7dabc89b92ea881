"""/contoh, its file buttons, /berbagi and the area leaders under the province ranking,
through ``Application.process_update`` over the offline Bot API."""

from __future__ import annotations

import pytest
from offline import (
    NOW,
    BotHarness,
    TgChat,
    TgUser,
    add_user,
    import_sample,
    link_group,
    only_reply,
    sent,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import BuktiDukung
from services import texts

AGEN = TgUser(2001, "Made", "Agen")  # agen, Badung (5103)
AGEN_JEMBRANA = TgUser(2002, "Komang", "Jembrana")  # agen, Jembrana (5101)
ADMIN_JEMBRANA = TgUser(2005, "Admin", "Jembrana")  # admin, Jembrana (5101)
ADMIN = TgUser(2004, "Ayu", "Provinsi")  # admin, KPU Provinsi Bali (51)
BADUNG_GROUP = TgChat.group(-1005103, "ZI KPU Badung")
JEMBRANA_GROUP = TgChat.group(-1005101, "ZI KPU Jembrana")
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")
PDF = b"%PDF-1.4\n% contoh\n"


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> None:
    import_sample(sessions)
    add_user(sessions, AGEN, "agen", "5103")
    add_user(sessions, AGEN_JEMBRANA, "agen", "5101")
    add_user(sessions, ADMIN_JEMBRANA, "admin", "5101")
    add_user(sessions, ADMIN, "admin", "51")
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, JEMBRANA_GROUP, "5101")
    link_group(sessions, PROVINCE_GROUP, None)


def jembrana_accepted_file(tg: BotHarness, sessions: sessionmaker[Session]) -> None:
    prompt = only_reply(tg.send(AGEN_JEMBRANA, JEMBRANA_GROUP, "/bukti MP-01"))
    tg.document(AGEN_JEMBRANA, JEMBRANA_GROUP, "SK <Tim> ZI.pdf", PDF, reply_to=prompt.message)
    with sessions.begin() as session:
        record = session.scalars(select(BuktiDukung)).one()
        record.review_status, record.reviewed_at = "diterima", NOW
        record.target.status = "selesai"


def test_contoh_shows_nothing_until_the_satker_shares_then_sends_the_file(
    tg: BotHarness, people: None, sessions: sessionmaker[Session]
) -> None:
    jembrana_accepted_file(tg, sessions)
    closed = only_reply(tg.send(AGEN, BADUNG_GROUP, "/contoh MP-01"))
    assert texts.CONTOH_NONE in closed.visible
    assert "1 satker lain" in closed.visible
    assert closed.buttons() == []

    refused = only_reply(tg.send(AGEN_JEMBRANA, JEMBRANA_GROUP, "/berbagi ya"))
    assert refused.visible == texts.BERBAGI_ADMIN_ONLY.format(name="KPU Kabupaten Jembrana")
    on = only_reply(tg.send(ADMIN_JEMBRANA, TgChat.private(ADMIN_JEMBRANA), "/berbagi ya"))
    assert "KPU Kabupaten Jembrana membagikan" in on.visible

    shown = only_reply(tg.send(AGEN, BADUNG_GROUP, "/contoh mp-01"))
    assert "KPU Kabupaten Jembrana (5101)" in shown.visible
    assert "SK <Tim> ZI.pdf" in shown.visible  # escaped for HTML, read as typed
    [(label, data)] = shown.buttons()
    assert label == "1. SK <Tim> ZI.pdf" and data.startswith("cx:")
    calls = sent(tg.press(AGEN, shown.message, data))
    [document] = [c for c in calls if c.method == "sendDocument"]
    assert document.files["document"][1] == PDF
    assert document.chat_id == BADUNG_GROUP.id
    assert "Contoh bukti dukung MP-01 dari KPU Kabupaten Jembrana" in document.visible

    only_reply(tg.send(ADMIN_JEMBRANA, TgChat.private(ADMIN_JEMBRANA), "/berbagi tidak"))
    late = tg.press(AGEN, shown.message, data)
    assert not any(c.method == "sendDocument" for c in late)
    [answer] = [c for c in late if c.method == "answerCallbackQuery"]
    assert "tidak lagi dibagikan" in str(answer.params.get("text"))


def test_a_forged_example_button_is_refused(tg: BotHarness, people: None) -> None:
    menu = only_reply(tg.send(AGEN, BADUNG_GROUP, "/contoh MP-01"))
    calls = tg.press(AGEN, menu.message, "cx:x1", forged=True)
    assert not any(c.method == "sendDocument" for c in calls)


def test_the_province_ranking_marks_area_leaders(
    tg: BotHarness, people: None, sessions: sessionmaker[Session]
) -> None:
    before = only_reply(tg.send(ADMIN, PROVINCE_GROUP, "/progres"))
    assert "Teladan per area" not in before.visible
    jembrana_accepted_file(tg, sessions)
    after = only_reply(tg.send(ADMIN, PROVINCE_GROUP, "/progres"))
    assert "Teladan per area" in after.visible
    assert "⭐ MP: KPU Kabupaten Jembrana (1 item)" in after.visible


def test_bantuan_lists_contoh_and_berbagi(tg: BotHarness, people: None) -> None:
    help_text = only_reply(tg.send(AGEN, TgChat.private(AGEN), "/bantuan")).visible
    assert "/contoh KODE" in help_text and "/berbagi" in help_text

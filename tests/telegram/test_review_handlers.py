"""/verifikasi through ``Application.process_update`` over the offline Bot API: the queue with
its three buttons, "Kirim file", "Terima", "Tolak" with the reason asked and given by a reply
(or, in a private chat, the next text), /batal, what the uploader and the group are told, and
who is refused (an agen cannot review, a verifikator cannot /lapor)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from offline import (
    BOT_USERNAME,
    ApiCall,
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

from handlers.telegram.notifier import TelegramNotifier
from models import BuktiDukung
from scheduler.outbox import Dispatcher
from services import texts

WITA = ZoneInfo("Asia/Makassar")
AGEN = TgUser(3101, "Made", "Agen")  # agen, Badung (5103)
ADMIN = TgUser(3106, "Ayu", "Provinsi")  # admin, province (51)
VERIF = TgUser(3107, "Komang", "Verif")  # verifikator, province (51)
BADUNG_GROUP = TgChat.group(-1005103, "ZI KPU Badung")
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")
PDF = b"%PDF-1.4\n% SK tim\n"


def private(user: TgUser) -> TgChat:
    return TgChat.private(user)


def cmd(text: str, chat: TgChat) -> str:
    name, _, rest = text.partition(" ")
    if chat.type == "private":
        return f"/{text}"
    return f"/{name}@{BOT_USERNAME}" + (f" {rest}" if rest else "")


@pytest.fixture
def bot(tg: BotHarness, sessions: sessionmaker[Session]) -> BotHarness:
    import_sample(sessions)
    add_user(sessions, AGEN, "agen", "5103")
    add_user(sessions, ADMIN, "admin", "51")
    add_user(sessions, VERIF, "verifikator", "51")
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, PROVINCE_GROUP, None)
    return tg


def upload(tg: BotHarness, name: str = "sk-tim.pdf", code: str = "MP-01") -> int:
    tg.document(AGEN, private(AGEN), name, PDF, caption=f"/bukti {code}")
    return latest_bukti(tg)


def latest_bukti(tg: BotHarness) -> int:
    sessions = tg.application.bot_data.zibot._sessions
    with sessions() as session:
        found = session.scalar(select(BuktiDukung.id).order_by(BuktiDukung.id.desc()).limit(1))
        assert found is not None
        return int(found)


def deliver(tg: BotHarness, evidence_dir: Path) -> list[ApiCall]:
    zibot = tg.application.bot_data.zibot
    notifier = TelegramNotifier(tg.application.bot, evidence_dir)
    dispatcher = Dispatcher(zibot._sessions, {"telegram": notifier}, zibot.now)
    before = len(tg.api.calls)
    stats = tg.run(dispatcher.drain())
    assert stats.failed == 0, stats
    return sent(tg.api.calls[before:])


def entry_of(calls: list[ApiCall]) -> ApiCall:
    [entry] = [c for c in sent(calls) if c.buttons()]
    return entry


def test_the_queue_shows_each_bukti_with_three_buttons(bot: BotHarness) -> None:
    bukti = upload(bot)
    calls = sent(bot.send(VERIF, private(VERIF), "/verifikasi"))
    assert "Menunggu verifikasi: 1 bukti dukung" in calls[0].visible
    entry = entry_of(calls)
    assert "MP-01" in entry.visible and "sk-tim.pdf" in entry.visible
    assert "Bukti yang diharapkan: SK Tim Kerja Pembangunan ZI" in entry.visible
    assert "Dikirim oleh Made Agen, 27 Nov 2026" in entry.visible
    assert entry.buttons() == [
        (texts.REVIEW_BUTTON_FILE, f"vf:file:{bukti}"),
        (texts.REVIEW_BUTTON_ACCEPT, f"vf:ok:{bukti}"),
        (texts.REVIEW_BUTTON_REJECT, f"vf:no:{bukti}"),
    ]
    # Per satker, in the province group: the same entry; another satker has nothing waiting.
    calls = sent(bot.send(ADMIN, PROVINCE_GROUP, cmd("verifikasi 5103", PROVINCE_GROUP)))
    assert "KPU Kabupaten Badung: 1 bukti dukung" in calls[0].visible
    calls = sent(bot.send(ADMIN, BADUNG_GROUP, cmd("verifikasi", BADUNG_GROUP)))
    assert "KPU Kabupaten Badung: 1 bukti dukung" in calls[0].visible  # the group's satker
    calls = sent(bot.send(ADMIN, BADUNG_GROUP, cmd("verifikasi semua", BADUNG_GROUP)))
    assert "Menunggu verifikasi: 1 bukti dukung" in calls[0].visible
    empty = only_reply(bot.send(ADMIN, private(ADMIN), "/verifikasi 5101"))
    assert "Tidak ada bukti dukung KPU Kabupaten Jembrana" in empty.visible


def test_kirim_file_sends_the_file_again(bot: BotHarness) -> None:
    bukti = upload(bot)
    entry = entry_of(bot.send(VERIF, private(VERIF), "/verifikasi"))
    calls = bot.press(VERIF, entry.message, f"vf:file:{bukti}")
    [document] = [c for c in sent(calls) if c.method == "sendDocument"]
    assert document.chat_id == VERIF.id
    assert [content for _, content, _ in document.files.values()] == [PDF]
    assert "MP-01 — sk-tim.pdf" in document.visible


def test_terima_tells_the_uploader_and_the_group(bot: BotHarness, evidence_dir: Path) -> None:
    bukti = upload(bot)
    bot.send(AGEN, private(AGEN), "/lapor MP-01 selesai")
    entry = entry_of(bot.send(VERIF, private(VERIF), "/verifikasi"))
    calls = bot.press(VERIF, entry.message, f"vf:ok:{bukti}")
    [done] = sent(calls)
    assert "diterima. Status item: Terverifikasi" in done.visible
    assert bot.api.stored(entry.chat_id, entry.message["message_id"]).get("reply_markup") in (
        None,
        {},
        {"inline_keyboard": []},
    )
    told = deliver(bot, evidence_dir)
    assert {c.chat_id for c in told} == {AGEN.id, BADUNG_GROUP.id}
    assert all("Bukti dukung diterima" in c.visible for c in told)
    assert all("sekarang terverifikasi" in c.visible for c in told)
    # Pressed again (a double tap on an old keyboard): refused, the decision stands.
    again = bot.press(VERIF, entry.message, f"vf:ok:{bukti}", stale=True)
    [alert] = [c for c in again if c.method == "answerCallbackQuery"]
    assert "sudah diterima oleh Komang Verif" in alert.params["text"]


def test_tolak_asks_the_reason_in_a_group_by_reply(bot: BotHarness, evidence_dir: Path) -> None:
    bukti = upload(bot)
    entry = entry_of(bot.send(ADMIN, PROVINCE_GROUP, cmd("verifikasi", PROVINCE_GROUP)))
    prompt = only_reply(bot.press(ADMIN, entry.message, f"vf:no:{bukti}"))
    assert "tulis alasan penolakan sk-tim.pdf (MP-01)" in prompt.visible
    assert prompt.reply_markup.get("force_reply") is True
    # A message that replies to nothing is not the reason.
    assert sent(bot.send(ADMIN, PROVINCE_GROUP, "Belum ditandatangani")) == []
    done = only_reply(
        bot.send(ADMIN, PROVINCE_GROUP, "Belum ditandatangani <ketua>", reply_to=prompt.message)
    )
    assert "ditolak. Pengirim dan grup satker diberi tahu" in done.visible
    told = deliver(bot, evidence_dir)
    assert {c.chat_id for c in told} == {AGEN.id, BADUNG_GROUP.id}
    for call in told:
        assert "Bukti dukung ditolak" in call.visible
        assert "Alasan: Belum ditandatangani <ketua>" in call.visible
        assert "/bukti MP-01" in call.visible

    # The agen sends a new file: it waits again, shown as an upload after a rejection.
    second = upload(bot, "sk-tim-ttd.pdf")
    entry = entry_of(bot.send(VERIF, private(VERIF), "/verifikasi"))
    assert f"vf:ok:{second}" in [data for _, data in entry.buttons()]
    assert "Unggahan ulang: 1 bukti sebelumnya ditolak" in entry.visible


def test_tolak_in_private_takes_the_next_text_and_batal_leaves(bot: BotHarness) -> None:
    bukti = upload(bot)
    entry = entry_of(bot.send(VERIF, private(VERIF), "/verifikasi"))
    bot.press(VERIF, entry.message, f"vf:no:{bukti}")
    left = only_reply(bot.send(VERIF, private(VERIF), "/batal"))
    assert left.visible == texts.REVIEW_REASON_CANCELLED
    assert sent(bot.send(VERIF, private(VERIF), "halo")) == []
    bot.press(VERIF, entry.message, f"vf:no:{bukti}")
    done = only_reply(bot.send(VERIF, private(VERIF), "Berkas buram"))
    assert "ditolak" in done.visible
    with bot.application.bot_data.zibot._sessions() as session:
        row = session.get(BuktiDukung, bukti)
        assert row is not None and (row.review_status, row.review_reason) == (
            "ditolak",
            "Berkas buram",
        )


def test_an_agen_cannot_review_and_a_verifikator_cannot_lapor(bot: BotHarness) -> None:
    bukti = upload(bot)
    refused = only_reply(bot.send(AGEN, private(AGEN), "/verifikasi"))
    assert refused.visible == texts.REVIEW_FORBIDDEN
    entry = entry_of(bot.send(VERIF, private(VERIF), "/verifikasi"))
    for step in ("file", "ok", "no"):
        calls = bot.press(AGEN, entry.message, f"vf:{step}:{bukti}")
        [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
        assert alert.params["text"] == texts.REVIEW_FORBIDDEN
        assert sent(calls) == []
    refused = only_reply(bot.send(VERIF, private(VERIF), "/lapor MP-01 selesai"))
    assert refused.visible == texts.REVIEW_FORBIDDEN_WRITE
    refused = only_reply(bot.send(VERIF, private(VERIF), "/lapor"))
    assert refused.visible == texts.REVIEW_FORBIDDEN_WRITE
    with bot.application.bot_data.zibot._sessions() as session:
        row = session.get(BuktiDukung, bukti)
        assert row is not None and row.review_status == "menunggu"


def test_help_and_start_name_the_verifikator(bot: BotHarness) -> None:
    help_text = only_reply(bot.send(VERIF, private(VERIF), "/bantuan")).visible
    assert "/verifikasi" in help_text and "/lapor KODE" not in help_text
    assert "verifikator provinsi" in help_text
    assert "/verifikasi" not in only_reply(bot.send(AGEN, private(AGEN), "/bantuan")).visible
    assert "/verifikasi" in only_reply(bot.send(ADMIN, private(ADMIN), "/bantuan")).visible


def test_the_reason_asked_survives_a_restart(bot: BotHarness) -> None:
    bukti = upload(bot)
    entry = entry_of(bot.send(ADMIN, PROVINCE_GROUP, cmd("verifikasi", PROVINCE_GROUP)))
    prompt = only_reply(bot.press(ADMIN, entry.message, f"vf:no:{bukti}"))
    bot.restart()  # a new process: nothing in PTB's memory
    done = only_reply(bot.send(ADMIN, PROVINCE_GROUP, "Tidak terbaca", reply_to=prompt.message))
    assert "ditolak" in done.visible

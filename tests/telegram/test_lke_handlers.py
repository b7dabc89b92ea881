"""/lke (the self-assessment walk), /progres nilai and /lke hasil through the real application
over an offline Bot API: buttons, the criteria, a reform number prompt with bad input, the
projection in a satker group and the ranking in the province group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from offline import (
    BOT_USERNAME,
    NOW,
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
from models import BuktiDukung, LkeAnswer, RencanaAksi, Satker, Target
from scheduler.outbox import Dispatcher
from services import texts
from services.lke import assessment as lke
from services.lke.walk import area_questions

AGEN = TgUser(2101, "Made", "Agen")
PIMPINAN = TgUser(2103, "Ketua", "Badung")
ADMIN = TgUser(2104, "Ayu", "Provinsi")
BADUNG_GROUP = TgChat.group(-1005103, "ZI KPU Badung")
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> None:
    import_sample(sessions)
    with sessions.begin() as session:
        lke.load_worksheet(session, None, now=NOW, actor="test")
    add_user(sessions, AGEN, "agen", "5103")
    add_user(sessions, PIMPINAN, "pimpinan", "5103")
    add_user(sessions, ADMIN, "admin", "51")
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, PROVINCE_GROUP, None)


def stored(
    sessions: sessionmaker[Session],
) -> dict[str, tuple[str | None, dict[str, float] | None]]:
    with sessions() as session:
        return {
            a.question: (a.choice, json.loads(a.inputs) if a.inputs else None)
            for a in session.scalars(select(LkeAnswer))
        }


def test_lke_walks_an_area_with_buttons_and_shows_the_criteria(
    tg: BotHarness, sessions: sessionmaker[Session], people: None
) -> None:
    menu = only_reply(tg.send(AGEN, BADUNG_GROUP, f"/lke@{BOT_USERNAME}"))
    assert "Penilaian mandiri LKE — KPU Kabupaten Badung</b> (5103), tahun 2026" in menu.text
    assert "dihitung 0" in menu.visible
    assert (menu.buttons()[0][0][:6], menu.buttons()[0][1]) == ("MP (0/", "lk:o:MP")

    calls = tg.press(AGEN, menu.message, "lk:o:MP")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    card = calls[1]
    assert card.text.startswith("<b>MP.P1.a</b> · MP Manajemen Perubahan — pertanyaan 1 dari")
    assert card.buttons() == [
        ("Ya", "lk:a:MP.P1.a:1"), ("Tidak", "lk:a:MP.P1.a:2"),
        (texts.LKE_BUTTON_CRITERIA, "lk:k:MP.P1.a"), (texts.LKE_BUTTON_SKIP, "lk:s:MP.P1.a"),
        (texts.LKE_BUTTON_STOP, "lk:x"),
    ]  # fmt: skip

    # "Kriteria" answers with the criteria text in a new message; the card stays.
    criteria = only_reply(tg.press(AGEN, menu.message, "lk:k:MP.P1.a"))
    assert (
        criteria.visible == "📖 Kriteria MP.P1.a\nYa, jika Tim telah dibentuk di dalam unit kerja."
    )

    # A pimpinan may not answer; nothing is stored.
    [alert] = tg.press(PIMPINAN, menu.message, "lk:a:MP.P1.a:1")
    assert alert.params["text"] == texts.FORBIDDEN_PIMPINAN[:190] and stored(sessions) == {}

    calls = tg.press(AGEN, menu.message, "lk:a:MP.P1.a:1")
    assert calls[0].params["text"] == texts.LAPOR_SAVED
    nxt = calls[1]
    assert nxt.visible.startswith("✓ Tersimpan — MP.P1.a: Ya\n\nMP.P1.b")
    assert [data for _, data in nxt.buttons()][:3] == [
        "lk:a:MP.P1.b:1",
        "lk:a:MP.P1.b:2",
        "lk:a:MP.P1.b:3",
    ]
    assert stored(sessions) == {"MP.P1.a": ("Ya", None)}

    skipped = tg.press(AGEN, menu.message, "lk:s:MP.P1.b")[1]
    assert skipped.visible.startswith("MP.P2.a")

    stop = tg.press(AGEN, menu.message, "lk:x")
    assert stop[1].text == texts.LKE_WALK_STOPPED

    # A forged answer outside the scale is refused.
    [forged] = tg.press(AGEN, menu.message, "lk:a:MP.P1.a:7", forged=True)
    assert forged.params["text"] == texts.BUTTON_INVALID


def test_a_reform_number_prompt_refuses_bad_numbers(
    tg: BotHarness, sessions: sessionmaker[Session], people: None
) -> None:
    calls = tg.send(AGEN, BADUNG_GROUP, f"/lke@{BOT_USERNAME} MP.R1.a")
    card, prompt = sent(calls)
    assert "Jumlah Agen Perubahan" in card.visible and card.buttons()[-1][1] == "lk:x"
    assert prompt.reply_markup["force_reply"] is True and prompt.reply_markup["selective"]
    assert prompt.visible.endswith("ketik angka untuk MP.R1.a a: Jumlah Agen Perubahan")

    bad = only_reply(tg.send(AGEN, BADUNG_GROUP, "sepuluh", reply_to=prompt.message))
    assert bad.visible == texts.LKE_WALK_NUMBER_BAD.format(
        value="sepuluh", input="a", what="Jumlah Agen Perubahan"
    )
    negative = only_reply(tg.send(AGEN, BADUNG_GROUP, "-2", reply_to=prompt.message))
    assert "tidak boleh negatif" in negative.visible
    # Text that is no reply to the prompt is not taken as the number.
    assert tg.send(AGEN, BADUNG_GROUP, "12") == []
    assert stored(sessions) == {}

    # The walk's step lives in the database: a restart of the bot loses nothing.
    tg.restart()
    card2, prompt2 = sent(tg.send(AGEN, BADUNG_GROUP, "10", reply_to=prompt.message))
    assert "a = Jumlah Agen Perubahan → 10" in card2.visible
    assert prompt2.visible.endswith("MP.R1.a b: Jumlah Perubahan yang dibuat")
    assert not sent(tg.send(AGEN, BADUNG_GROUP, "4", reply_to=prompt.message))  # old prompt
    after = sent(tg.send(AGEN, BADUNG_GROUP, "4", reply_to=prompt2.message))
    assert after[0].visible.startswith("✓ Tersimpan — MP.R1.a: a=10, b=4")
    assert stored(sessions) == {"MP.R1.a": (None, {"a": 10.0, "b": 4.0})}

    # /batal ends the walk in the chat.
    assert only_reply(tg.send(AGEN, BADUNG_GROUP, f"/batal@{BOT_USERNAME}")).text == (
        texts.LKE_WALK_STOPPED
    )
    assert only_reply(tg.send(AGEN, BADUNG_GROUP, f"/batal@{BOT_USERNAME}")).text == (
        texts.BATAL_NOTHING
    )


def test_numbers_in_a_private_chat_need_no_reply(
    tg: BotHarness, sessions: sessionmaker[Session], people: None
) -> None:
    chat = TgChat.private(AGEN)
    tg.send(AGEN, chat, "/lke MP.R1.a")
    tg.send(AGEN, chat, "10")
    tg.send(AGEN, chat, "4,5")
    assert stored(sessions) == {"MP.R1.a": (None, {"a": 10.0, "b": 4.5})}


def test_progres_nilai_in_a_satker_group_and_the_province_group(
    tg: BotHarness, sessions: sessionmaker[Session], people: None
) -> None:
    with sessions() as session:
        ws = lke.worksheet_of(lke.latest_version(session))
    menu = only_reply(tg.send(AGEN, BADUNG_GROUP, f"/lke@{BOT_USERNAME} MP"))
    for question in area_questions(ws, "MP")[:2]:
        card = tg.api.stored(BADUNG_GROUP.id, menu.message["message_id"])
        [first] = [d for _, d in _buttons(card) if d.startswith(f"lk:a:{question.code}:1")]
        tg.press(AGEN, menu.message, first)

    text = only_reply(tg.send(PIMPINAN, BADUNG_GROUP, f"/progres@{BOT_USERNAME} nilai")).visible
    assert text.startswith("📈 Proyeksi nilai LKE — KPU Kabupaten Badung (5103), tahun 2026")
    assert "Dijawab 2 dari 110 pertanyaan; 108 yang belum dijawab dihitung 0." in text
    assert "MP Manajemen Perubahan: Pemenuhan " in text
    assert "Minimum WBK: " in text and "Minimum WBBM: " in text
    assert "  ✗ Nilai total: " in text and "(minimum 75,00; kurang " in text
    assert texts.LKE_PROJ_MOVES in text and "(bobot indikator " in text

    ranking = only_reply(tg.send(PIMPINAN, PROVINCE_GROUP, f"/progres@{BOT_USERNAME} NILAI"))
    lines = ranking.visible.splitlines()
    assert lines[0] == "📈 Proyeksi nilai LKE 2026 — semua satker"
    rows = [line for line in lines if line[:1].isdigit()]
    assert len(rows) == 10 and rows[0].startswith("1. KPU Kabupaten Badung — ")
    assert "minimum terlewat: WBK" in rows[0]
    assert texts.LKE_RANK_FOOT in ranking.visible

    # Plain /progres is unchanged.
    plain = only_reply(tg.send(PIMPINAN, BADUNG_GROUP, f"/progres@{BOT_USERNAME}")).visible
    assert plain.startswith("Kemajuan ZI KPU Kabupaten Badung")


def test_lke_hasil_in_chat_for_admins(
    tg: BotHarness, sessions: sessionmaker[Session], people: None
) -> None:
    chat = TgChat.private(ADMIN)
    done = only_reply(tg.send(ADMIN, chat, "/lke hasil 5103 ipak=3.62 ipkp=3,41 capaian=B"))
    assert done.visible.startswith("Hasil KPU Kabupaten Badung tahun 2026 disimpan: ")
    assert "3,62" in done.visible
    refused = only_reply(tg.send(AGEN, TgChat.private(AGEN), "/lke hasil 5103 ipak=3"))
    assert refused.visible == texts.LKE_HASIL_ADMIN_ONLY
    bad = only_reply(tg.send(ADMIN, chat, "/lke hasil 5103 ipak=9"))
    assert "antara 0 dan 4" in bad.visible


def test_bantuan_lists_lke(tg: BotHarness, people: None) -> None:
    text = only_reply(tg.send(AGEN, TgChat.private(AGEN), "/bantuan")).visible
    assert "/lke [area]" in text and "/progres nilai" in text


def _buttons(message: dict[str, object]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def _bukti(sessions: sessionmaker[Session], *items: str) -> list[int]:
    """A bukti dukung waiting for review for each of Badung's items."""
    with sessions.begin() as session:
        rows = []
        for item in items:
            target = session.scalars(
                select(Target).join(RencanaAksi).join(Satker)
                .where(RencanaAksi.code == item, Satker.code == "5103")
            ).one()  # fmt: skip
            row = BuktiDukung(
                target_id=target.id, path=f"x/{item}.pdf", original_name=f"{item}.pdf", size=3,
                sha256="0" * 64, created_at=NOW,
            )  # fmt: skip
            session.add(row)
            rows.append(row)
        session.flush()
        return [r.id for r in rows]


def _deliver(tg: BotHarness, evidence_dir: Path) -> list[ApiCall]:
    zibot = tg.application.bot_data.zibot
    notifier = TelegramNotifier(tg.application.bot, evidence_dir)
    dispatcher = Dispatcher(zibot._sessions, {"telegram": notifier}, zibot.now)
    before = len(tg.api.calls)
    stats = tg.run(dispatcher.drain())
    assert stats.failed == 0, stats
    return sent(tg.api.calls[before:])


def test_lapor_selesai_proposes_the_answers_it_completes_once_verified(
    tg: BotHarness, sessions: sessionmaker[Session], people: None, evidence_dir: Path
) -> None:
    with sessions.begin() as session:
        for item in ("MP-01", "MP-02"):
            lke.link_item(session, item=item, question="MP.P1.a", year=2026, now=NOW, actor="t")

    # MP-02 is still open: nothing to propose yet.
    assert len(sent(tg.send(AGEN, BADUNG_GROUP, f"/lapor@{BOT_USERNAME} MP-01 selesai"))) == 1
    ids = _bukti(sessions, "MP-01", "MP-02")
    # Both selesai, their bukti not verified yet: no proposal, and the reply says it waits.
    done, waiting = sent(tg.send(AGEN, BADUNG_GROUP, f"/lapor@{BOT_USERNAME} MP-02 selesai"))
    assert "Selesai" in done.visible
    assert waiting.visible.splitlines()[1] == (
        "• MP.P1.a → Ya: menunggu verifikasi bukti dukung (2 item: MP-01, MP-02)"
    )
    assert waiting.buttons() == []
    # The province accepts both bukti from its own group: the outcome notice of the last one
    # offers the answer in Badung's group.
    entries = [
        c for c in sent(tg.send(ADMIN, PROVINCE_GROUP, f"/verifikasi@{BOT_USERNAME} 5103"))
        if c.buttons()
    ]  # fmt: skip
    assert len(entries) == 2
    for entry, bukti in zip(entries, ids, strict=True):
        tg.press(ADMIN, entry.message, f"vf:ok:{bukti}")
    told = [c for c in _deliver(tg, evidence_dir) if c.chat_id == BADUNG_GROUP.id]
    assert "Jawaban LKE kini diusulkan: MP.P1.a → Ya" not in told[0].visible
    assert "Jawaban LKE kini diusulkan: MP.P1.a → Ya. Ketik /lke" in told[1].visible
    menu = only_reply(tg.send(AGEN, BADUNG_GROUP, f"/lke@{BOT_USERNAME}"))
    assert "• MP.P1.a → Ya (item MP-01, MP-02)" in menu.visible
    # Reported selesai again: the proposal is offered after /lapor too.
    done, proposal = sent(tg.send(AGEN, BADUNG_GROUP, f"/lapor@{BOT_USERNAME} MP-02 selesai"))
    assert proposal.visible.splitlines()[1] == "• MP.P1.a → Ya (item MP-01, MP-02)"
    assert proposal.buttons() == [("✓ Konfirmasi Ya MP.P1.a", "lk:y:MP.P1.a")]
    assert stored(sessions) == {}  # proposed, not counted

    calls = tg.press(AGEN, proposal.message, "lk:y:MP.P1.a")
    assert calls[1].visible.startswith("✓ Tersimpan — MP.P1.a: Ya")
    assert stored(sessions) == {"MP.P1.a": ("Ya", None)}
    # Nothing is proposed twice.
    assert len(sent(tg.send(AGEN, BADUNG_GROUP, f"/lapor@{BOT_USERNAME} MP-02 selesai"))) == 1

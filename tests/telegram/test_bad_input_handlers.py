"""Bad input through ``Application.process_update`` over the offline Bot API.

Forged button payloads are answered "Tombol tidak berlaku." and logged in one line (no
traceback, no apology); long texts are stored as typed and shown in as many valid messages as
they need; files with very long names are stored; files Telegram will not serve are refused in
Indonesian.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import pytest
from offline import (
    ApiCall,
    BotHarness,
    TgChat,
    TgUser,
    add_user,
    import_sample,
    link_group,
    only_reply,
    sent,
    target_of,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_kendala_handlers import Reporter, deliver, edit_of, tickets, to_chat

from handlers.telegram.notifier import TelegramNotifier
from models import BuktiDukung, Kendala
from services import texts
from services.notify import Attachment

AGEN = TgUser(4001, "Made", "Agen")  # agen, KPU Kabupaten Badung (5103)
ADMIN = TgUser(4006, "Ayu", "Provinsi")  # admin, KPU Provinsi Bali (51)
BADUNG_GROUP = TgChat.group(-1005103, "ZI KPU Badung")
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")
PDF = b"%PDF-1.4\n% bukti\n"
HUGE = "99999999999999999999"
FORGED = [
    f"ib:{HUGE}", f"rt:{HUGE}", f"kt:{HUGE}", f"ks:{HUGE}", f"kd:item:{HUGE}:MP-01", "rt:abc",
    "ib:1:2", "kt:0", "lapor:MP 01", "lapor:MP-01:selesai:lagi", "rl:<b>", "zz:1", "tanpa-prefiks",
]  # fmt: skip


def e(value: object) -> str:
    return html.escape(str(value), quote=False)


def private(user: TgUser) -> TgChat:
    return TgChat.private(user)


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> None:
    import_sample(sessions)
    add_user(sessions, AGEN, "agen", "5103")
    add_user(sessions, ADMIN, "admin", "51")
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, PROVINCE_GROUP, None)


def a_bot_message(tg: BotHarness, user: TgUser = AGEN) -> ApiCall:
    return sent(tg.send(user, private(user), "/bantuan"))[-1]


def answers(calls: list[ApiCall]) -> list[tuple[str, bool]]:
    return [
        (str(c.params.get("text")), bool(c.params.get("show_alert")))
        for c in calls
        if c.method == "answerCallbackQuery"
    ]


# ---------------------------------------------------------------------- buttons


@pytest.mark.parametrize("data", FORGED)
def test_a_forged_button_is_refused_in_one_line_without_a_traceback(
    tg: BotHarness, people: None, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    message = a_bot_message(tg)
    with caplog.at_level(logging.INFO):
        calls = tg.press(AGEN, message.message, data, forged=True)

    assert answers(calls) == [(texts.BUTTON_INVALID, True)]
    assert sent(calls) == []  # no apology, nothing else
    refused = [r for r in caplog.records if r.name == "handlers.telegram.buttons"]
    assert len(refused) == 1 and refused[0].levelno == logging.INFO
    assert refused[0].exc_info is None and repr(data[:80]) in refused[0].getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_forged_item_inside_the_kendala_conversation_is_refused_and_the_rest_goes_on(
    tg: BotHarness, people: None, sessions: sessionmaker[Session]
) -> None:
    reporter = Reporter(tg, AGEN, private(AGEN))
    menu = reporter.start()
    calls = tg.press(AGEN, menu.message, f"kd:item:{HUGE}:MP-01", forged=True)
    assert answers(calls) == [(texts.BUTTON_INVALID, True)] and sent(calls) == []
    with sessions() as session:
        mp01 = target_of(session, "5103", "MP-01").id
    edit_of(reporter.press("kd:area:MP"))
    categories = edit_of(reporter.press(f"kd:item:{mp01}:MP-01"))
    assert categories.text == texts.KENDALA_CHOOSE_CATEGORY.format(item="MP-01")


def test_a_kendala_button_after_its_conversation_says_it_ended(
    tg: BotHarness, people: None
) -> None:
    calls = tg.press(AGEN, a_bot_message(tg).message, "kd:skip", forged=True)
    assert answers(calls) == [(texts.KENDALA_EXPIRED, True)] and sent(calls) == []


# ---------------------------------------------------------------------- texts


def test_a_kendala_of_4096_characters_is_stored_whole_and_posted_in_valid_parts(
    tg: BotHarness, people: None, sessions: sessionmaker[Session], evidence_dir: Path
) -> None:
    description = ('Spanduk <ZI> & "WBK" belum dicetak;\n' * 120)[:4095] + "."
    reporter = Reporter(tg, AGEN, private(AGEN))
    reporter.start()
    reporter.umum()
    reporter.category("sarpras")
    reporter.describe(description)
    confirm = sent(reporter.press("kd:skip", reporter.last))
    assert len(confirm) == 2  # the draft shown in full, in two messages
    assert [d for _, d in confirm[-1].buttons()] == ["kd:send", "kd:cancel"]
    assert confirm[0].buttons() == []
    reporter.last = confirm[-1]
    reporter.send()
    [ticket] = tickets(sessions)
    assert ticket.description == description

    posts = to_chat(deliver(tg, sessions, evidence_dir), PROVINCE_GROUP)
    assert len(posts) == 2
    assert posts[0].buttons() == []
    assert [d for _, d in posts[-1].buttons()] == [f"kt:{ticket.id}", f"ks:{ticket.id}"]
    shown = "\n".join(p.visible for p in posts)
    assert description in shown


def test_a_long_answer_keeps_its_lines_and_reaches_the_reporter_whole(
    tg: BotHarness, people: None, sessions: sessionmaker[Session], evidence_dir: Path
) -> None:
    reporter = Reporter(tg, AGEN, private(AGEN))
    reporter.start()
    reporter.umum()
    reporter.category()
    reporter.describe("Anggaran belum turun")
    reporter.skip()
    reporter.send()
    deliver(tg, sessions, evidence_dir)
    answer = ("Sudah kami teruskan ke <Bagian Keuangan> & PPK.\n  - langkah berikut\n" * 70)[
        :4060
    ].strip()
    command = f"/tanggapi KDL-2026-0001 {answer}"
    assert len(command) <= 4096  # one Telegram message
    reply = only_reply(tg.send(ADMIN, private(ADMIN), command))
    assert reply.text == texts.KENDALA_ANSWER_SAVED.format(number="KDL-2026-0001")
    with sessions() as session:
        assert session.scalars(select(Kendala.answer)).one() == answer

    to_reporter = to_chat(deliver(tg, sessions, evidence_dir), private(AGEN))
    assert len(to_reporter) == 2
    assert answer in "\n".join(p.visible for p in to_reporter)


def test_a_lapor_note_is_stored_as_typed_and_shown_whole(
    tg: BotHarness, people: None, sessions: sessionmaker[Session]
) -> None:
    note = "baris satu\nbaris  dua <b> & " + "<&>" * 1340
    command = f"/lapor MP-01 proses {note}"
    assert len(command) <= 4096  # one Telegram message
    calls = tg.send(AGEN, private(AGEN), command)
    with sessions() as session:
        assert target_of(session, "5103", "MP-01").note == note
    replies = sent(calls)
    assert len(replies) == 2
    assert note in "\n".join(r.visible for r in replies)  # broken at its line break


# ---------------------------------------------------------------------- files


def test_a_document_named_with_300_cjk_characters_is_stored(
    tg: BotHarness, people: None, sessions: sessionmaker[Session], evidence_dir: Path
) -> None:
    name = "报" * 300 + ".pdf"
    prompt = only_reply(tg.send(AGEN, private(AGEN), "/bukti MP-01"))
    reply = only_reply(tg.document(AGEN, private(AGEN), name, PDF, reply_to=prompt.message))
    assert reply.visible.startswith("📎")
    with sessions() as session:
        [row] = session.scalars(select(BuktiDukung)).all()
    assert row.original_name == name[:255]
    stored = evidence_dir / row.path
    assert stored.read_bytes() == PDF
    assert stored.name.endswith(".pdf") and len(stored.name.encode("utf-8")) <= 200


def test_a_file_telegram_will_not_serve_is_refused_in_indonesian(
    tg: BotHarness, people: None, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    tg.errors_expected = True  # the Bot API's refusal of getFile is the point
    prompt = only_reply(tg.send(AGEN, private(AGEN), "/bukti MP-01"))
    big = b"%PDF-1.4\n" + bytes(21 * 1024 * 1024)
    with caplog.at_level(logging.INFO):
        calls = tg.document(
            AGEN, private(AGEN), "scan.pdf", big, reply_to=prompt.message, state_size=False
        )
    assert only_reply(calls).text == e(texts.DOWNLOAD_TOO_BIG)
    assert [(c.method, c.error) for c in tg.api.failures()] == [
        ("getFile", "Bad Request: file is too big")
    ]
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    with sessions() as session:
        assert session.scalars(select(BuktiDukung)).all() == []
    # Still waiting: a smaller file is filed.
    again = only_reply(tg.document(AGEN, private(AGEN), "scan.pdf", PDF, reply_to=prompt.message))
    assert again.visible.startswith("📎")


def test_any_other_refusal_of_a_download_is_a_clear_message(
    tg: BotHarness, people: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tg.errors_expected = True
    monkeypatch.setattr(tg.api, "add_file", lambda file_id, content: None)  # an unknown file_id
    calls = tg.document(AGEN, private(AGEN), "nota.pdf", PDF, caption="/bukti MP-01")
    assert only_reply(calls).text == e(texts.DOWNLOAD_FAILED)
    assert [c.error for c in tg.api.failures()] == ["Bad Request: invalid file_id"]


# ---------------------------------------------------------------------- numbers in commands


def test_huge_numbers_in_commands_are_refused_not_an_overflow(tg: BotHarness, people: None) -> None:
    status = only_reply(tg.send(ADMIN, private(ADMIN), f"/instruksi status {HUGE}"))
    assert status.text == e(texts.INSTRUKSI_BAD_NUMBER.format(value=HUGE))
    number = f"KDL-2026-{HUGE}"
    reopen = only_reply(tg.send(AGEN, private(AGEN), f"/kendala buka {number}"))
    assert reopen.text == e(texts.KENDALA_BAD_NUMBER.format(value=number))


# ---------------------------------------------------------------------- the outbox's sender


def test_a_caption_longer_than_telegram_allows_continues_as_text_under_the_file(
    tg: BotHarness, evidence_dir: Path
) -> None:
    (evidence_dir / "kendala").mkdir(parents=True)
    (evidence_dir / "kendala" / "surat.pdf").write_bytes(PDF)
    caption = "<b>Lampiran</b> " + e("<&> ") * 400  # 1,616 characters once parsed
    notifier = TelegramNotifier(tg.application.bot, evidence_dir)
    buttons = [[("✅ Sudah dibaca", "ib:1")]]
    before = len(tg.api.calls)
    result = tg.run(
        notifier.send(
            str(AGEN.id), caption, buttons, Attachment("kendala/surat.pdf", "application/pdf")
        )
    )
    calls = sent(tg.api.calls[before:])
    assert [c.method for c in calls] == ["sendDocument", "sendMessage"]
    assert calls[0].buttons() == [] and calls[1].buttons() == [("✅ Sudah dibaca", "ib:1")]
    assert result.message_id == calls[1].result["message_id"]
    assert "".join(c.visible for c in calls) == html.unescape(
        caption.replace("<b>", "").replace("</b>", "")
    )


def test_one_registry_routes_every_press_and_authorises_it_once(
    tg: BotHarness, people: None
) -> None:
    from telegram.ext import CallbackQueryHandler

    from services import actions

    outside = [
        h for h in tg.application.handlers[0] if isinstance(h, CallbackQueryHandler)
    ]  # the conversations keep their own kd: steps; every other press goes through one handler
    assert len(outside) == 1 and outside[0].pattern is None
    assert set(actions.KINDS) == set(actions.PREFIXES)
    # Pimpinan and strangers may not press "Sudah selesai": refused before any use case runs.
    stranger = TgUser(4999, "Orang", "Asing")
    calls = tg.press(stranger, a_bot_message(tg).message, "rl:MP-01", forged=True)
    assert answers(calls) == [(texts.NOT_REGISTERED[:190], True)] and sent(calls) == []
    calls = tg.press(AGEN, a_bot_message(tg).message, "ks:1", forged=True)
    assert answers(calls) == [(texts.KENDALA_ADMIN_ONLY, True)] and sent(calls) == []

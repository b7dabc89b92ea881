"""/kendala, the province's answers and /instruksi, through ``Application.process_update``.

The real application runs over the offline Bot API (see ``offline.py``) at the fixed clock,
Friday 27 November 2026 09:00 WITA. The reminder engine is switched off for these tests, so that
nothing is sent behind their back; what the handlers put in the outbox is then sent explicitly
by a ``Dispatcher`` through the bot's ``TelegramNotifier`` (``deliver``), and read as Telegram
would show it.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
    target_of,
)
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.presenter import TELEGRAM
from models import (
    AuditLog,
    ChatLink,
    Conversation,
    Instruksi,
    InstruksiRead,
    Kendala,
    Outbox,
    User,
)
from scheduler.outbox import Dispatcher
from services import kendala, texts
from services.formatting import waktu
from services.zi import Zibot

WITA = ZoneInfo("Asia/Makassar")

AGEN = TgUser(3001, "Made", "Agen")  # agen, KPU Kabupaten Badung (5103)
AGEN2 = TgUser(3002, "Wayan", "Agen")  # another agen of Badung
AGEN_JEMBRANA = TgUser(3003, "Komang", "Jembrana")  # agen, KPU Kabupaten Jembrana (5101)
KETUA = TgUser(3004, "Ketua", "Badung")  # pimpinan (komisioner), Badung
SEKRETARIS = TgUser(3005, "Sekretaris", "B&B")  # pimpinan (sekretariat), Badung
ADMIN = TgUser(3006, "Ayu", "Provinsi")  # admin, KPU Provinsi Bali (51)
STRANGER = TgUser(3009, "Orang", "Asing")  # not registered


def asked(person: TgUser, prompt: str) -> str:
    """A group prompt as sent: it mentions the person it is for."""
    link = f'<a href="tg://user?id={person.id}">{person.first_name}</a>'
    return f"{link}, {prompt[0].lower()}{prompt[1:]}"


BADUNG_GROUP = TgChat.group(-1005103, "ZI KPU Badung")
PROVINCE_GROUP = TgChat.group(-1000051, "Koordinasi ZI Bali")
NEW_GROUP = TgChat.group(-1009999, "Grup baru")

JPEG = b"\xff\xd8\xff\xe0 kendala foto"
PDF = b"%PDF-1.4\n% surat edaran\n"
FIRST = "KDL-2026-0001"


def e(value: object) -> str:
    return html.escape(str(value), quote=False)


def private(user: TgUser) -> TgChat:
    return TgChat.private(user)


def cmd(name: str, chat: TgChat) -> str:
    """A command as people type it: addressed to the bot in groups (privacy mode)."""
    return f"/{name}@{BOT_USERNAME}" if chat.type != "private" else f"/{name}"


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> dict[TgUser, int]:
    """The sample plan, the people, Badung's group and the province group."""
    import_sample(sessions)
    ids = {
        AGEN: add_user(sessions, AGEN, "agen", "5103"),
        AGEN2: add_user(sessions, AGEN2, "agen", "5103"),
        AGEN_JEMBRANA: add_user(sessions, AGEN_JEMBRANA, "agen", "5101"),
        KETUA: add_user(sessions, KETUA, "pimpinan", "5103"),
        SEKRETARIS: add_user(sessions, SEKRETARIS, "pimpinan", "5103"),
        ADMIN: add_user(sessions, ADMIN, "admin", "51"),
    }
    with sessions.begin() as session:
        for user, structure in ((KETUA, "komisioner"), (SEKRETARIS, "sekretariat")):
            session.execute(update(User).where(User.id == ids[user]).values(structure=structure))
    link_group(sessions, BADUNG_GROUP, "5103")
    link_group(sessions, PROVINCE_GROUP, None)
    return ids


class Clock:
    """The use cases' clock, which a test may move (the Bot API's dates stay at ``NOW``)."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(
    tg: BotHarness,
    people: dict[TgUser, int],
    sessions: sessionmaker[Session],
    clock: Clock,
    evidence_dir: Path,
) -> BotHarness:
    """The application with its reminder engine off (``deliver`` sends the outbox instead),
    its use cases on a clock the test can move."""
    tg.application.bot_data.engine = None
    tg.application.bot_data.zibot = Zibot(sessions, clock, WITA, evidence_dir)
    return tg


def deliver(tg: BotHarness, sessions: sessionmaker[Session], evidence_dir: Path) -> list[ApiCall]:
    """Post pending tickets and send the whole outbox through the bot; the calls it made."""
    clock = tg.application.bot_data.zibot.now
    with sessions.begin() as session:
        kendala.post_pending(session, clock(), WITA)
    notifier = TelegramNotifier(tg.application.bot, evidence_dir)
    dispatcher = Dispatcher(sessions, {"telegram": notifier}, clock)
    before = len(tg.api.calls)
    stats = tg.run(dispatcher.drain())
    assert stats.failed == 0 and stats.unreachable == 0, stats
    return tg.api.calls[before:]


def to_chat(calls: list[ApiCall], chat: TgChat) -> list[ApiCall]:
    return [c for c in sent(calls) if c.chat_id == chat.id]


def tickets(sessions: sessionmaker[Session]) -> list[Kendala]:
    with sessions() as session:
        found = list(session.scalars(select(Kendala).order_by(Kendala.id)))
        session.expunge_all()
        return found


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def edit_of(calls: list[ApiCall]) -> ApiCall:
    [edit] = [c for c in calls if c.method == "editMessageText" and c.error is None]
    return edit


def alert_of(calls: list[ApiCall]) -> ApiCall:
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    return answer


def reply_markup(call: ApiCall) -> dict[str, object]:
    return call.reply_markup


def replied_message_id(call: ApiCall) -> int | None:
    value = call.params.get("reply_parameters")
    if isinstance(value, str):
        value = json.loads(value)
    return None if not value else int(value["message_id"])


# ---------------------------------------------------------------------- the conversation


class Reporter:
    """Walks one person through /kendala in one chat."""

    def __init__(self, tg: BotHarness, user: TgUser, chat: TgChat) -> None:
        self.tg, self.user, self.chat = tg, user, chat
        self.menu: ApiCall | None = None
        self.prompt: ApiCall | None = None
        self.last: ApiCall | None = None

    def start(self) -> ApiCall:
        self.menu = only_reply(self.tg.send(self.user, self.chat, cmd("kendala", self.chat)))
        return self.menu

    def press(self, data: str, message: ApiCall | None = None) -> list[ApiCall]:
        target = message or self.menu
        assert target is not None
        return self.tg.press(self.user, target.message, data)

    def umum(self) -> list[ApiCall]:
        return self.press("kd:umum")

    def category(self, key: str = "anggaran") -> ApiCall:
        calls = self.press(f"kd:cat:{key}")
        self.prompt = only_reply(calls)
        return self.prompt

    def describe(self, text: str) -> ApiCall:
        assert self.prompt is not None
        self.last = only_reply(
            self.tg.send(self.user, self.chat, text, reply_to=self.prompt.message)
        )
        return self.last

    def skip(self) -> ApiCall:
        assert self.last is not None
        self.last = only_reply(self.press("kd:skip", self.last))
        return self.last

    def photo(self, content: bytes = JPEG) -> ApiCall:
        assert self.last is not None
        self.last = only_reply(
            self.tg.photo(self.user, self.chat, content, reply_to=self.last.message)
        )
        return self.last

    def send(self) -> ApiCall:
        assert self.last is not None
        return edit_of(self.press("kd:send", self.last))


def test_a_report_in_a_group_with_an_item_and_a_photo_reaches_the_province(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    with sessions() as session:
        target = target_of(session, "5103", "MP-01")
        mp01 = (target.id, target.item.activity)
    reporter = Reporter(bot, AGEN, BADUNG_GROUP)

    menu = reporter.start()
    assert menu.text == TELEGRAM.fill(texts.KENDALA_START_ITEM)
    assert [d for _, d in menu.buttons()] == [
        "kd:area:MP", "kd:area:TL", "kd:area:SDM", "kd:area:AK", "kd:area:PW", "kd:area:PP",
        "kd:umum",
    ]  # fmt: skip
    items = edit_of(reporter.press("kd:area:MP"))
    assert items.text == texts.KENDALA_CHOOSE_ITEM.format(area="MP")
    assert f"kd:item:{mp01[0]}:MP-01" in [d for _, d in items.buttons()]
    categories = edit_of(reporter.press(f"kd:item:{mp01[0]}:MP-01"))
    assert categories.text == texts.KENDALA_CHOOSE_CATEGORY.format(item="MP-01")
    assert [d for _, d in categories.buttons()] == [
        "kd:cat:anggaran", "kd:cat:sarpras", "kd:cat:bukti", "kd:cat:sdm", "kd:cat:koordinasi",
        "kd:cat:lainnya",
    ]  # fmt: skip

    prompt = reporter.category("anggaran")
    # In a group the prompt names the reporter, so that the selective ForceReply reaches them.
    assert prompt.text == asked(AGEN, texts.KENDALA_ASK_TEXT)
    assert prompt.chat_id == BADUNG_GROUP.id
    assert reply_markup(prompt) == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": texts.KENDALA_ASK_TEXT_PLACEHOLDER,
    }
    ask = reporter.describe("Anggaran <b>banner</b> & spanduk belum turun")
    assert ask.text == texts.KENDALA_ASK_ATTACHMENT
    assert ask.buttons() == [(texts.KENDALA_BUTTON_SKIP, "kd:skip")]
    confirm = reporter.photo()
    assert confirm.text == texts.KENDALA_CONFIRM.format(
        item="MP-01",
        category="Anggaran",
        description="Anggaran &lt;b&gt;banner&lt;/b&gt; &amp; spanduk belum turun",
        attachment="foto.jpg",
    )
    assert [d for _, d in confirm.buttons()] == ["kd:send", "kd:cancel"]
    assert tickets(sessions) == []  # nothing is saved before "Kirim"

    saved = reporter.send()

    assert saved.text == TELEGRAM.fill(texts.KENDALA_SAVED, number=FIRST)
    [ticket] = tickets(sessions)
    assert (ticket.number, ticket.target_id, ticket.category) == (FIRST, mp01[0], "anggaran")
    assert ticket.description == "Anggaran <b>banner</b> & spanduk belum turun"
    assert (ticket.origin_chat_id, ticket.reporter_id) == (str(BADUNG_GROUP.id), people[AGEN])
    assert ticket.attachment == "kendala/foto.jpg"
    assert (evidence_dir / "kendala" / "foto.jpg").read_bytes() == JPEG
    with sessions() as session:
        assert (
            session.scalar(select(AuditLog.entity_id).where(AuditLog.action == "kendala")) == FIRST
        )

    calls = deliver(bot, sessions, evidence_dir)
    post, photo = to_chat(calls, PROVINCE_GROUP)
    assert post.method == "sendMessage" and photo.method == "sendPhoto"
    shown = post.visible
    assert f"Kendala {FIRST}" in shown and "KPU Kabupaten Badung" in shown
    assert "Pelapor: Made Agen" in shown and f"Item: MP-01 {mp01[1]}" in shown
    assert "Kategori: Anggaran" in shown
    assert "Anggaran <b>banner</b> & spanduk belum turun" in shown
    assert post.buttons() == [
        (texts.KENDALA_BUTTON_ANSWER, f"kt:{ticket.id}"),
        (texts.KENDALA_BUTTON_CLOSE, f"ks:{ticket.id}"),
    ]
    assert photo.visible == texts.KENDALA_ATTACHMENT_CAPTION.format(number=FIRST)
    assert photo.files["photo"][1] == JPEG
    assert to_chat(calls, BADUNG_GROUP) == []
    assert deliver(bot, sessions, evidence_dir) == []  # posted once


def test_the_group_prompt_is_selective_for_the_reporter(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reporter = Reporter(bot, AGEN, BADUNG_GROUP)
    reporter.start()
    reporter.umum()
    prompt = reporter.category()
    assert reply_markup(prompt)["selective"] is True
    replied = replied_message_id(prompt)
    target = bot.api.stored(BADUNG_GROUP.id, replied) if replied else {}
    mentioned = f"tg://user?id={AGEN.id}" in prompt.text
    assert target.get("from", {}).get("id") == AGEN.id or mentioned


def test_a_report_in_private_about_no_item_without_attachment(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    reporter = Reporter(bot, AGEN, private(AGEN))
    reporter.start()
    categories = edit_of(reporter.umum())
    assert categories.text == texts.KENDALA_CHOOSE_CATEGORY.format(item=texts.KENDALA_GENERAL)
    prompt = reporter.category("koordinasi")
    assert "reply_markup" not in prompt.params  # no ForceReply in a private chat
    reporter.describe("Instruksi dua struktur belum sinkron")
    confirm = reporter.skip()
    assert confirm.text == texts.KENDALA_CONFIRM.format(
        item=texts.KENDALA_GENERAL,
        category="Koordinasi/instruksi",
        description="Instruksi dua struktur belum sinkron",
        attachment=texts.KENDALA_NO_ATTACHMENT,
    )
    assert reporter.send().text == TELEGRAM.fill(texts.KENDALA_SAVED, number=FIRST)
    [ticket] = tickets(sessions)
    assert (ticket.target_id, ticket.attachment, ticket.category) == (None, None, "koordinasi")
    assert ticket.origin_chat_id == str(AGEN.id)
    [post] = to_chat(deliver(bot, sessions, evidence_dir), PROVINCE_GROUP)
    assert f"Item: {texts.KENDALA_GENERAL}" in post.visible


def test_without_a_province_group_the_ticket_waits_until_one_is_linked(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    with sessions.begin() as session:
        session.execute(delete(ChatLink).where(ChatLink.chat_id == str(PROVINCE_GROUP.id)))
    reporter = Reporter(bot, AGEN, private(AGEN))
    reporter.start()
    reporter.umum()
    reporter.category("sdm")
    reporter.describe("Belum ada agen perubahan di bagian umum")
    reporter.skip()

    assert reporter.send().text == TELEGRAM.fill(texts.KENDALA_SAVED_WAITING, number=FIRST)
    assert [t.number for t in tickets(sessions)] == [FIRST]
    assert deliver(bot, sessions, evidence_dir) == []

    linked = only_reply(
        bot.send(ADMIN, PROVINCE_GROUP, cmd("hubungkan", PROVINCE_GROUP) + " provinsi")
    )
    assert linked.text == TELEGRAM.fill(texts.LINKED_PROVINCE)
    [post] = to_chat(deliver(bot, sessions, evidence_dir), PROVINCE_GROUP)
    assert FIRST in post.visible


def test_batal_halfway_saves_nothing_and_ends_the_conversation(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reporter = Reporter(bot, AGEN, BADUNG_GROUP)
    reporter.start()
    reporter.umum()
    prompt = reporter.category()

    assert only_reply(bot.send(AGEN, BADUNG_GROUP, cmd("batal", BADUNG_GROUP))).text == (
        texts.BATAL_DONE
    )
    # A late answer to the prompt is not taken as a description, and nothing is asked.
    assert sent(bot.send(AGEN, BADUNG_GROUP, "Anggaran belum turun", reply_to=prompt.message)) == []
    assert only_reply(bot.send(AGEN, BADUNG_GROUP, cmd("batal", BADUNG_GROUP))).text == (
        texts.BATAL_NOTHING
    )
    assert tickets(sessions) == [] and count(sessions, Outbox) == 0

    # "Batal" on the confirmation drops the draft too.
    reporter = Reporter(bot, AGEN, private(AGEN))
    reporter.start()
    reporter.umum()
    reporter.category()
    reporter.describe("tidak jadi")
    confirm = reporter.skip()
    assert edit_of(reporter.press("kd:cancel", confirm)).text == texts.BATAL_DONE
    assert tickets(sessions) == []


def test_the_wrong_kind_of_message_at_a_step_is_explained_and_the_step_continues(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    chat = private(AGEN)
    reporter = Reporter(bot, AGEN, chat)

    def wrong(expected: str) -> str:
        return texts.KENDALA_WRONG_STEP.format(expected=expected)

    reporter.start()
    assert only_reply(bot.send(AGEN, chat, "halo")).text == wrong(texts.KENDALA_EXPECT_BUTTON)
    reporter.umum()
    # A photo at the category step: explained, not downloaded.
    calls = bot.photo(AGEN, chat, JPEG)
    assert only_reply(calls).text == wrong(texts.KENDALA_EXPECT_BUTTON)
    assert "getFile" not in [c.method for c in calls]
    reporter.category("bukti")
    # A photo at the text step.
    assert only_reply(bot.photo(AGEN, chat, JPEG)).text == wrong(texts.KENDALA_EXPECT_TEXT)
    assert only_reply(bot.document(AGEN, chat, "x.pdf", PDF)).text == wrong(
        texts.KENDALA_EXPECT_TEXT
    )
    reporter.describe("Format bukti dukung SDM-02 tidak jelas")
    # Text, a video and a program at the attachment step.
    assert only_reply(bot.send(AGEN, chat, "sebentar")).text == wrong(texts.KENDALA_EXPECT_FILE)
    assert only_reply(bot.video(AGEN, chat)).text == wrong(texts.KENDALA_EXPECT_FILE)
    refused = only_reply(
        bot.document(AGEN, chat, "setup.exe", b"MZ", mime_type="application/x-msdownload")
    )
    assert "application/x-msdownload" in refused.text
    confirm = only_reply(bot.document(AGEN, chat, "format.pdf", PDF))
    assert "Lampiran: format.pdf" in confirm.visible
    # Text at the confirmation step.
    assert only_reply(bot.send(AGEN, chat, "kirim")).text == wrong(texts.KENDALA_EXPECT_BUTTON)
    assert edit_of(bot.press(AGEN, confirm.message, "kd:send")).text == TELEGRAM.fill(
        texts.KENDALA_SAVED, number=FIRST
    )
    [ticket] = tickets(sessions)
    assert (ticket.category, ticket.attachment) == ("bukti", "kendala/format.pdf")
    assert ticket.description == "Format bukti dukung SDM-02 tidak jelas"
    assert [p.name for p in (evidence_dir / "kendala").iterdir()] == ["format.pdf"]


def test_two_members_reporting_at_once_in_one_group_keep_separate_drafts(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    with sessions() as session:
        mp02 = target_of(session, "5103", "MP-02").id
    made = Reporter(bot, AGEN, BADUNG_GROUP)
    wayan = Reporter(bot, AGEN2, BADUNG_GROUP)
    made.start()
    wayan.start()
    made.umum()
    wayan.press("kd:area:MP")
    wayan.press(f"kd:item:{mp02}:MP-02")
    made.category("anggaran")
    wayan.category("sdm")
    wayan.describe("Belum ada SK tim dari Wayan")
    made.describe("Dana belum cair dari Made")
    made.skip()
    wayan.photo()

    assert wayan.send().text == TELEGRAM.fill(texts.KENDALA_SAVED, number=FIRST)
    assert made.send().text == TELEGRAM.fill(texts.KENDALA_SAVED, number="KDL-2026-0002")
    first, second = tickets(sessions)
    assert (first.reporter_id, first.target_id, first.category) == (people[AGEN2], mp02, "sdm")
    assert first.description == "Belum ada SK tim dari Wayan" and first.attachment is not None
    assert (second.reporter_id, second.target_id, second.category) == (
        people[AGEN],
        None,
        "anggaran",
    )
    assert second.description == "Dana belum cair dari Made" and second.attachment is None


def test_a_pimpinan_may_report(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reporter = Reporter(bot, KETUA, BADUNG_GROUP)
    assert reporter.start().text == TELEGRAM.fill(texts.KENDALA_START_ITEM)
    reporter.umum()
    reporter.category("lainnya")
    reporter.describe("Rapat pimpinan belum terjadwal")
    reporter.skip()
    assert reporter.send().text == TELEGRAM.fill(texts.KENDALA_SAVED, number=FIRST)
    assert [t.reporter_id for t in tickets(sessions)] == [people[KETUA]]


@pytest.mark.parametrize(
    ("user", "chat", "expected"),
    [
        (STRANGER, private(STRANGER), texts.NOT_REGISTERED),
        (ADMIN, PROVINCE_GROUP, texts.WRITE_NOT_IN_PROVINCE_GROUP),
        (AGEN, PROVINCE_GROUP, texts.WRITE_NOT_IN_PROVINCE_GROUP),
        (AGEN, NEW_GROUP, texts.GROUP_NOT_LINKED),
        (
            AGEN_JEMBRANA,
            BADUNG_GROUP,
            texts.FORBIDDEN_OTHER_SATKER.format(name="KPU Kabupaten Badung"),
        ),
    ],
    ids=["unregistered", "admin-in-province-group", "agen-in-province-group", "unlinked",
         "other-satker"],
)  # fmt: skip
def test_kendala_refusals_start_no_conversation(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    user: TgUser,
    chat: TgChat,
    expected: str,
) -> None:
    reply = only_reply(bot.send(user, chat, cmd("kendala", chat)))
    assert reply.text == e(expected)
    assert reply.buttons() == []
    # No conversation: a following message is not answered as a step of one.
    assert sent(bot.send(user, chat, "halo", reply_to=reply.message)) == []
    assert only_reply(bot.send(user, chat, cmd("batal", chat))).text == texts.BATAL_NOTHING
    assert tickets(sessions) == []


# ---------------------------------------------------------------------- the province answers


def posted_ticket(
    bot: BotHarness, sessions: sessionmaker[Session], evidence_dir: Path, text: str = "Dana <x>"
) -> ApiCall:
    """A ticket from Made (Badung), reported in private and posted to the province group."""
    reporter = Reporter(bot, AGEN, private(AGEN))
    reporter.start()
    reporter.umum()
    reporter.category()
    reporter.describe(text)
    reporter.skip()
    reporter.send()
    [post] = to_chat(deliver(bot, sessions, evidence_dir), PROVINCE_GROUP)
    return post


def test_tanggapi_button_asks_an_admin_for_the_answer_and_forwards_it(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    answer_data = post.buttons()[0][1]

    for outsider in (AGEN, KETUA, STRANGER):
        calls = bot.press(outsider, post.message, answer_data)
        alert = alert_of(calls)
        assert alert.params["text"] == texts.KENDALA_ADMIN_ONLY
        assert alert.params["show_alert"] is True
        assert sent(calls) == []

    calls = bot.press(ADMIN, post.message, answer_data)
    prompt = only_reply(calls)
    assert prompt.text == asked(ADMIN, texts.KENDALA_ASK_ANSWER.format(number=FIRST))
    assert prompt.chat_id == PROVINCE_GROUP.id
    assert reply_markup(prompt) == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": FIRST,
    }
    # A non-admin answering the prompt is refused; a reply to another message is ignored.
    refused = only_reply(bot.send(AGEN, PROVINCE_GROUP, "saya saja", reply_to=prompt.message))
    assert refused.text == texts.KENDALA_ADMIN_ONLY
    assert sent(bot.send(ADMIN, PROVINCE_GROUP, "bukan jawaban", reply_to=post.message)) == []
    assert tickets(sessions)[0].status == "baru"

    saved = only_reply(
        bot.send(
            ADMIN, PROVINCE_GROUP, "Sudah <b>kami</b> koordinasikan & cair", reply_to=prompt.message
        )
    )

    assert saved.text == texts.KENDALA_ANSWER_SAVED.format(number=FIRST)
    [ticket] = tickets(sessions)
    assert (ticket.status, ticket.answer) == (
        "ditanggapi",
        "Sudah <b>kami</b> koordinasikan & cair",
    )
    assert ticket.answered_by_id == people[ADMIN]
    # The same prompt cannot be answered twice by accident.
    assert sent(bot.send(ADMIN, PROVINCE_GROUP, "lagi", reply_to=prompt.message)) == []

    calls = deliver(bot, sessions, evidence_dir)
    [to_group] = to_chat(calls, BADUNG_GROUP)
    [to_reporter] = to_chat(calls, private(AGEN))
    for message in (to_group, to_reporter):
        assert f"Tanggapan provinsi untuk kendala {FIRST}" in message.visible
        assert "Sudah <b>kami</b> koordinasikan & cair" in message.visible
        assert "Dana <x>" in message.visible and "— Ayu Provinsi" in message.visible
    assert to_chat(calls, PROVINCE_GROUP) == []


def test_selesai_button_closes_for_admins_only(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    close_data = post.buttons()[1][1]

    refused = alert_of(bot.press(AGEN, post.message, close_data))
    assert refused.params["text"] == texts.KENDALA_ADMIN_ONLY
    assert refused.params["show_alert"] is True
    stranger = alert_of(bot.press(STRANGER, post.message, close_data))
    assert stranger.params["text"] == texts.NOT_REGISTERED[:190]
    assert tickets(sessions)[0].status == "baru"

    done = alert_of(bot.press(ADMIN, post.message, close_data))
    assert done.params["text"] == texts.KENDALA_CLOSED_DONE.format(number=FIRST)
    assert tickets(sessions)[0].status == "selesai"
    again = alert_of(bot.press(ADMIN, post.message, close_data))
    assert again.params["text"] == texts.KENDALA_ALREADY_CLOSED.format(number=FIRST)

    calls = deliver(bot, sessions, evidence_dir)
    [notice] = to_chat(calls, private(AGEN))
    assert notice.text == texts.KENDALA_CLOSED_NOTICE.format(number=FIRST, days=7)
    assert to_chat(calls, BADUNG_GROUP) == []


def test_tanggapi_command(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    posted_ticket(bot, sessions, evidence_dir)
    chat = PROVINCE_GROUP
    command = cmd("tanggapi", chat)

    def answer(user: TgUser, rest: str) -> str:
        return only_reply(bot.send(user, chat, f"{command} {rest}".strip())).text

    assert answer(ADMIN, "") == texts.TANGGAPI_USAGE
    assert answer(ADMIN, FIRST) == texts.TANGGAPI_USAGE
    assert answer(ADMIN, "KDL-2026 Sudah") == e(texts.KENDALA_BAD_NUMBER.format(value="KDL-2026"))
    assert answer(ADMIN, "KDL-2026-0099 Sudah") == texts.KENDALA_UNKNOWN.format(
        number="KDL-2026-0099"
    )
    assert answer(AGEN, f"{FIRST} Sudah") == texts.KENDALA_ADMIN_ONLY
    assert answer(STRANGER, f"{FIRST} Sudah") == e(texts.NOT_REGISTERED)
    assert tickets(sessions)[0].status == "baru"

    assert answer(ADMIN, "kdl-2026-0001 Sudah & <beres>") == texts.KENDALA_ANSWER_SAVED.format(
        number=FIRST
    )
    [ticket] = tickets(sessions)
    assert (ticket.status, ticket.answer) == ("ditanggapi", "Sudah & <beres>")
    [to_reporter] = to_chat(deliver(bot, sessions, evidence_dir), private(AGEN))
    assert "Sudah &amp; &lt;beres&gt;" in to_reporter.text


def test_kendala_daftar_lists_what_the_person_may_see(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    assert only_reply(bot.send(AGEN, private(AGEN), "/kendala daftar")).text == (
        texts.KENDALA_LIST_EMPTY
    )
    posted_ticket(bot, sessions, evidence_dir, "Badung <pertama>")
    jembrana = Reporter(bot, AGEN_JEMBRANA, private(AGEN_JEMBRANA))
    jembrana.start()
    jembrana.umum()
    jembrana.category("sarpras")
    jembrana.describe("Jembrana kedua")
    jembrana.skip()
    jembrana.send()

    mine = only_reply(bot.send(AGEN, private(AGEN), "/kendala daftar"))
    assert mine.text.splitlines() == [
        TELEGRAM.fill(texts.KENDALA_LIST_HEAD, count=1),
        TELEGRAM.fill(
            texts.KENDALA_LIST_LINE,
            number=FIRST,
            satker="KPU Kabupaten Badung",
            category="Anggaran",
            status=texts.KENDALA_STATUS_LABELS["baru"],
            age=0,
            description="Badung <pertama>",  # escaped by the style
        ),
    ]
    in_group = only_reply(bot.send(KETUA, BADUNG_GROUP, cmd("kendala", BADUNG_GROUP) + " daftar"))
    assert in_group.text == mine.text
    everything = only_reply(bot.send(ADMIN, private(ADMIN), "/kendala daftar"))
    lines = everything.text.splitlines()
    assert lines[0] == TELEGRAM.fill(texts.KENDALA_LIST_HEAD, count=2)
    assert FIRST in lines[1] and "KDL-2026-0002" in lines[2] and "Jembrana" in lines[2]
    assert "Jembrana kedua" not in mine.text
    assert only_reply(bot.send(STRANGER, private(STRANGER), "/kendala daftar")).text == e(
        texts.NOT_REGISTERED
    )


def test_kendala_buka_reopens_for_the_reporter(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
    clock: Clock,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    not_closed = only_reply(bot.send(AGEN, private(AGEN), f"/kendala buka {FIRST}"))
    assert not_closed.text == texts.KENDALA_NOT_CLOSED.format(number=FIRST)
    clock.now = NOW + timedelta(hours=1)
    bot.press(ADMIN, post.message, post.buttons()[1][1])
    clock.now = NOW + timedelta(days=2)
    deliver(bot, sessions, evidence_dir)

    other = only_reply(bot.send(AGEN2, private(AGEN2), f"/kendala buka {FIRST}"))
    assert other.text == texts.KENDALA_REOPEN_FORBIDDEN
    assert only_reply(bot.send(AGEN, private(AGEN), "/kendala buka")).text == (
        texts.KENDALA_SUBCOMMAND_UNKNOWN
    )
    assert only_reply(bot.send(AGEN, private(AGEN), "/kendala hapus")).text == (
        texts.KENDALA_SUBCOMMAND_UNKNOWN
    )
    bad = only_reply(bot.send(AGEN, private(AGEN), "/kendala buka 7"))
    assert bad.text == e(texts.KENDALA_BAD_NUMBER.format(value="7"))
    assert tickets(sessions)[0].status == "selesai"

    reopened = only_reply(bot.send(AGEN, private(AGEN), f"/kendala buka {FIRST.lower()}"))
    assert reopened.text == texts.KENDALA_REOPENED.format(number=FIRST)
    assert tickets(sessions)[0].status == "baru"
    [again] = to_chat(deliver(bot, sessions, evidence_dir), PROVINCE_GROUP)
    assert f"Kendala {FIRST}{texts.KENDALA_REOPENED_MARK}" in again.visible
    assert again.buttons() == post.buttons()


# ---------------------------------------------------------------------- instruksi


def user_document(
    bot: BotHarness, user: TgUser, chat: TgChat, name: str, content: bytes
) -> tuple[dict[str, object], list[ApiCall]]:
    """``user`` sends a document; the message (to reply to) and the calls it caused."""
    file_id = f"doc-{bot.api.next_message_id()}"
    bot.api.add_file(file_id, content)
    message: dict[str, object] = {
        "message_id": bot.api.next_message_id(),
        "date": bot.api.date,
        "chat": chat.to_api(user),
        "from": user.to_api(),
        "document": {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": name,
            "mime_type": "application/pdf",
            "file_size": len(content),
        },
    }
    bot.api.remember(message)
    calls = bot.process({"update_id": 90_000 + int(message["message_id"]), "message": message})
    return message, calls


def test_instruksi_is_for_admins_only(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    for user, chat in (
        (AGEN, private(AGEN)),
        (KETUA, private(KETUA)),
        (STRANGER, private(STRANGER)),
        (AGEN, BADUNG_GROUP),
    ):
        for text in ("Segera kumpulkan bukti", "status"):
            reply = only_reply(bot.send(user, chat, f"{cmd('instruksi', chat)} {text}"))
            expected = texts.INSTRUKSI_ADMIN_ONLY
            if user == STRANGER and text == "status":
                expected = e(texts.NOT_REGISTERED)
            assert reply.text == expected
    assert only_reply(bot.send(ADMIN, private(ADMIN), "/instruksi")).text == texts.INSTRUKSI_USAGE
    assert count(sessions, Instruksi) == 0 and count(sessions, Outbox) == 0


def test_instruksi_replying_to_a_document_attaches_it(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    chat = private(ADMIN)
    document, calls = user_document(bot, ADMIN, chat, "Surat Edaran ZI.pdf", PDF)
    assert count(sessions, Instruksi) == 0  # a file on its own is not an instruction

    reply = only_reply(
        bot.send(ADMIN, chat, "/instruksi Mohon <segera> lengkapi & unggah", reply_to=document)
    )

    assert reply.text == texts.INSTRUKSI_SENT.format(number="INS-2026-0001", groups=1, leaders=2)
    stored = evidence_dir / "instruksi" / "Surat Edaran ZI.pdf"
    assert stored.read_bytes() == PDF
    with sessions() as session:
        item = session.scalars(select(Instruksi)).one()
        assert (item.attachment, item.attachment_type) == (
            "instruksi/Surat Edaran ZI.pdf",
            "application/pdf",
        )
        rows = list(session.scalars(select(Outbox).order_by(Outbox.id)))
    chats = {str(BADUNG_GROUP.id), str(KETUA.id), str(SEKRETARIS.id)}
    assert {r.chat_id for r in rows} == chats and len(rows) == 6
    files = [r for r in rows if r.attachment]
    assert {r.chat_id for r in files} == chats
    assert {r.attachment for r in files} == {"instruksi/Surat Edaran ZI.pdf"}

    calls = deliver(bot, sessions, evidence_dir)
    message, upload = to_chat(calls, private(KETUA))
    assert "Mohon <segera> lengkapi & unggah" in message.visible
    assert message.buttons() == [(texts.INSTRUKSI_BUTTON_READ, f"ib:{item.id}")]
    assert upload.method == "sendDocument" and upload.files["document"][1] == PDF
    assert len(to_chat(calls, BADUNG_GROUP)) == 2
    assert to_chat(calls, PROVINCE_GROUP) == [] and to_chat(calls, private(AGEN)) == []


def test_sudah_dibaca_records_once_and_status_lists_who_is_missing(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    assert only_reply(bot.send(ADMIN, private(ADMIN), "/instruksi status")).text == (
        texts.INSTRUKSI_NONE
    )
    only_reply(bot.send(ADMIN, private(ADMIN), "/instruksi Rapat evaluasi ZI hari Senin"))
    calls = deliver(bot, sessions, evidence_dir)
    [to_ketua] = to_chat(calls, private(KETUA))
    [to_group] = to_chat(calls, BADUNG_GROUP)
    data = to_ketua.buttons()[0][1]

    first = alert_of(bot.press(KETUA, to_ketua.message, data))
    assert first.params["text"] == texts.INSTRUKSI_CONFIRMED.format(number="INS-2026-0001")
    assert first.params["show_alert"] is True
    second = alert_of(bot.press(KETUA, to_ketua.message, data, stale=True))
    assert second.params["text"] == texts.INSTRUKSI_ALREADY.format(number="INS-2026-0001")
    member = alert_of(bot.press(AGEN, to_group.message, data))  # an agen, in the group
    assert member.params["text"] == texts.INSTRUKSI_CONFIRMED.format(number="INS-2026-0001")
    stranger = alert_of(bot.press(STRANGER, to_group.message, data))
    assert stranger.params["text"] == texts.NOT_REGISTERED[:190]
    with sessions() as session:
        reads = sorted(session.scalars(select(InstruksiRead.user_id)))
    assert reads == sorted([people[KETUA], people[AGEN]])

    status = only_reply(bot.send(ADMIN, private(ADMIN), "/instruksi status"))
    lines = status.visible.splitlines()
    assert lines[0] == "Status instruksi INS-2026-0001 (27 Nov 2026)"
    assert lines[1] == "Rapat evaluasi ZI hari Senin"
    badung = lines.index("KPU Kabupaten Badung")
    assert lines[badung + 1 : badung + 3] == [
        f"  ✅ Ketua Badung (komisioner) — {waktu(NOW, WITA)}",
        "  ⏳ Sekretaris B&B (sekretariat)",
    ]
    jembrana = lines.index("KPU Kabupaten Jembrana")
    assert lines[jembrana + 1] == texts.INSTRUKSI_STATUS_NONE
    assert lines[-1] == "Sudah: 1 · Belum: 1 · Konfirmasi lain di grup: 1"
    assert "Sekretaris B&amp;B" in status.text  # names are escaped

    by_number = only_reply(
        bot.send(ADMIN, PROVINCE_GROUP, cmd("instruksi", PROVINCE_GROUP) + " status 1")
    )
    assert by_number.text == status.text
    unknown = only_reply(bot.send(ADMIN, private(ADMIN), "/instruksi status 9"))
    assert unknown.text == texts.INSTRUKSI_UNKNOWN.format(number="9")


# ---------------------------------------------------------------------- re-entry, prompts, restarts


def test_the_tanggapi_prompt_is_selective_for_the_admin(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    prompt = only_reply(bot.press(ADMIN, post.message, post.buttons()[0][1]))
    assert reply_markup(prompt)["selective"] is True
    replied = replied_message_id(prompt)
    target = bot.api.stored(PROVINCE_GROUP.id, replied) if replied else {}
    mentioned = f"tg://user?id={ADMIN.id}" in prompt.text
    assert target.get("from", {}).get("id") == ADMIN.id or mentioned


def test_an_answer_to_a_prompt_from_before_a_restart_is_saved(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    prompt = only_reply(bot.press(ADMIN, post.message, post.buttons()[0][1]))
    bot.application.drop_chat_data(PROVINCE_GROUP.id)  # what a restart forgets
    calls = bot.send(ADMIN, PROVINCE_GROUP, "Sudah kami tindak lanjuti", reply_to=prompt.message)
    assert tickets(sessions)[0].status == "ditanggapi"
    assert only_reply(calls).text == texts.KENDALA_ANSWER_SAVED.format(number=FIRST)


def test_kendala_daftar_during_an_open_report_is_answered_and_the_report_goes_on(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reporter = Reporter(bot, AGEN, private(AGEN))
    reporter.start()
    assert only_reply(bot.send(AGEN, private(AGEN), "/kendala daftar")).text == (
        texts.KENDALA_LIST_EMPTY
    )
    reporter.umum()
    reporter.category("lainnya")
    # /kendala again starts over with a fresh menu.
    menu = reporter.start()
    assert menu.text == TELEGRAM.fill(texts.KENDALA_START_ITEM)
    reporter.umum()
    reporter.category("sdm")
    reporter.describe("Dimulai ulang")
    reporter.skip()
    assert reporter.send().text == TELEGRAM.fill(texts.KENDALA_SAVED, number=FIRST)
    [ticket] = tickets(sessions)
    assert (ticket.category, ticket.description) == ("sdm", "Dimulai ulang")


def test_tanggapi_on_a_ticket_that_no_longer_exists_is_answered_in_the_alert(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    with sessions.begin() as session:
        for ticket in session.scalars(select(Kendala)):
            session.delete(ticket)
    for data, forged in ((post.buttons()[0][1], False), ("kt:987654", True)):
        calls = bot.press(ADMIN, post.message, data, forged=forged)
        alert = alert_of(calls)
        assert alert.params["text"] == texts.KENDALA_BUTTON_GONE
        assert alert.params["show_alert"] is True
        assert sent(calls) == []


def test_answering_or_closing_a_ticket_deleted_since_the_prompt_says_so(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    prompt = only_reply(bot.press(ADMIN, post.message, post.buttons()[0][1]))
    with sessions.begin() as session:
        session.execute(delete(Kendala))
    calls = bot.send(ADMIN, PROVINCE_GROUP, "Sudah kami tindak lanjuti", reply_to=prompt.message)
    assert only_reply(calls).text == texts.KENDALA_BUTTON_GONE
    alert = alert_of(bot.press(ADMIN, post.message, post.buttons()[1][1]))
    assert alert.params["text"] == texts.KENDALA_BUTTON_GONE


def test_batal_after_a_photo_leaves_no_file(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int], evidence_dir: Path
) -> None:
    reporter = Reporter(bot, AGEN, private(AGEN))
    reporter.start()
    reporter.umum()
    reporter.category()
    reporter.describe("Foto ruang pelayanan")
    reporter.photo()
    reporter.photo()  # a second photo replaces the first
    assert only_reply(bot.send(AGEN, private(AGEN), "/batal")).text == texts.BATAL_DONE
    assert tickets(sessions) == []
    assert [p for p in evidence_dir.rglob("*") if p.is_file()] == []


def test_a_tanggapi_prompt_survives_a_restart_and_is_answered_once(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    from models import Conversation

    post = posted_ticket(bot, sessions, evidence_dir)
    prompt = only_reply(bot.press(ADMIN, post.message, post.buttons()[0][1]))
    assert count(sessions, Conversation) == 1
    bot.restart()  # a new process: nothing in PTB's memory, the prompt is in the database
    calls = bot.send(ADMIN, PROVINCE_GROUP, "Sudah kami tindak lanjuti", reply_to=prompt.message)
    assert only_reply(calls).text == texts.KENDALA_ANSWER_SAVED.format(number=FIRST)
    assert tickets(sessions)[0].status == "ditanggapi"
    assert count(sessions, Conversation) == 0
    assert sent(bot.send(ADMIN, PROVINCE_GROUP, "lagi", reply_to=prompt.message)) == []


def test_a_message_that_only_looks_like_a_tanggapi_prompt_is_not_one(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    # The bot's own text is no longer read back: a reply to the ticket post itself, or to any
    # message naming the ticket, answers nothing.
    calls = bot.send(ADMIN, PROVINCE_GROUP, "Sudah kami tindak lanjuti", reply_to=post.message)
    assert sent(calls) == [] and tickets(sessions)[0].status == "baru"


def test_a_kendala_report_goes_on_after_a_restart_at_every_step(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int], evidence_dir: Path
) -> None:
    from models import Conversation

    reporter = Reporter(bot, AGEN, BADUNG_GROUP)
    reporter.start()
    bot.restart()  # a new process: PTB's memory is empty, the draft is in the database
    reporter.umum()
    bot.restart()
    reporter.category("sdm")
    bot.restart()
    reporter.describe("Pegawai <baru> belum dilatih")
    bot.restart()
    reporter.photo()
    bot.restart()
    saved = reporter.send()
    assert saved.text == TELEGRAM.fill(texts.KENDALA_SAVED_WAITING, number=FIRST) or (
        saved.text == TELEGRAM.fill(texts.KENDALA_SAVED, number=FIRST)
    )
    [ticket] = tickets(sessions)
    assert (ticket.category, ticket.description) == ("sdm", "Pegawai <baru> belum dilatih")
    assert ticket.attachment is not None and (evidence_dir / ticket.attachment).is_file()
    assert count(sessions, Conversation) == 0


def expire_steps(sessions: sessionmaker[Session]) -> None:
    """Time runs out on every open conversation (the harness clock stands still)."""
    with sessions.begin() as session:
        session.execute(update(Conversation).values(expires_at=NOW - timedelta(minutes=1)))


def test_a_description_after_the_draft_expired_is_told_so(
    bot: BotHarness, sessions: sessionmaker[Session], people: dict[TgUser, int]
) -> None:
    reporter = Reporter(bot, AGEN, private(AGEN))
    reporter.start()
    reporter.umum()
    reporter.category("anggaran")
    expire_steps(sessions)
    assert reporter.describe("Dana belum cair").text == texts.KENDALA_EXPIRED
    assert tickets(sessions) == []
    # The conversation ended: a new /kendala starts afresh.
    assert reporter.start().text == TELEGRAM.fill(texts.KENDALA_START_ITEM)


def test_an_answer_to_an_expired_tanggapi_prompt_is_not_lost_in_silence(
    bot: BotHarness,
    sessions: sessionmaker[Session],
    people: dict[TgUser, int],
    evidence_dir: Path,
) -> None:
    post = posted_ticket(bot, sessions, evidence_dir)
    prompt = only_reply(bot.press(ADMIN, post.message, post.buttons()[0][1]))
    expire_steps(sessions)
    late = only_reply(bot.send(ADMIN, PROVINCE_GROUP, "Sudah", reply_to=prompt.message))
    assert late.text == texts.KENDALA_PROMPT_EXPIRED
    assert tickets(sessions)[0].status == "baru"
    # Someone else replying to that old prompt is still none of the bot's business.
    assert sent(bot.send(AGEN, PROVINCE_GROUP, "hm", reply_to=prompt.message)) == []

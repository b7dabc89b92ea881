"""The Bot API stand-in, driven by a real python-telegram-bot ``Bot`` / ``Application``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberMember,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from .botapi import BotApiStandIn, Chat, User

T = TypeVar("T")

ALICE = User(1001, "Alice", "alice")
BOB = User(1002, "Bob", last_name="Santoso")
GROUP = Chat.group(-100200300, "Satker Denpasar")


@pytest.fixture
def api() -> Iterator[BotApiStandIn]:
    with BotApiStandIn() as stand_in:
        yield stand_in


def with_bot(api: BotApiStandIn, use: Callable[[Bot], Awaitable[T]]) -> T:
    """Run ``use(bot)`` with an initialised PTB ``Bot`` talking to the stand-in."""

    async def main() -> T:
        async with Bot(api.token, base_url=api.base_url, base_file_url=api.file_url) as bot:
            return await use(bot)

    return asyncio.run(main())


def http(api: BotApiStandIn, method: str, body: bytes, content_type: str) -> Any:
    request = urllib.request.Request(
        f"{api.base_url}{api.token}/{method}", data=body, headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


async def noop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A handler callback that does nothing."""


def test_get_me_parses(api: BotApiStandIn) -> None:
    async def use(bot: Bot) -> None:
        me = await bot.get_me()
        assert me.id == 123456
        assert me.is_bot
        assert me.username == "zibot_test_bot"
        assert me.first_name
        assert me.can_join_groups
        assert me.can_read_all_group_messages is False
        assert me.supports_inline_queries is False

    with_bot(api, use)
    assert [name for name, _ in api.calls] == ["getMe", "getMe"]


def test_command_update_then_offset_confirms_it(api: BotApiStandIn) -> None:
    queued = api.send_text(Chat.private(ALICE), ALICE, "/start kode123")
    assert queued["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    async def use(bot: Bot) -> tuple[tuple[Update, ...], tuple[Update, ...]]:
        first = await bot.get_updates(timeout=0)
        again = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
        return first, again

    first, again = with_bot(api, use)
    assert len(first) == 1
    message = first[0].message
    assert message is not None
    assert message.text == "/start kode123"
    assert message.entities[0].type == "bot_command"
    assert message.from_user is not None and message.from_user.is_bot is False
    assert message.from_user.language_code == "id"
    assert message.chat.type == "private" and message.chat.first_name == "Alice"
    assert abs((message.date - dtm.datetime.now(dtm.UTC)).total_seconds()) < 60  # seconds, not ms
    assert CommandHandler("start", noop).check_update(first[0])
    assert again == ()
    assert api.pending_updates() == []


def test_command_with_bot_suffix_and_utf16_offsets(api: BotApiStandIn) -> None:
    update = api.send_text(GROUP, ALICE, "/lapor@zibot_test_bot 3")
    assert update["message"]["entities"][0]["length"] == len("/lapor@zibot_test_bot")
    emoji = api.send_text(Chat.private(ALICE), ALICE, "👋 /help")
    assert emoji["message"]["entities"] == [{"type": "bot_command", "offset": 3, "length": 5}]


def test_privacy_mode_in_groups(api: BotApiStandIn) -> None:
    plain = api.send_text(GROUP, ALICE, "halo semua")
    other_bot = api.send_text(GROUP, ALICE, "/start@other_bot")
    command = api.send_text(GROUP, ALICE, "/lapor@zibot_test_bot")
    bare = api.send_text(GROUP, BOB, "/status")
    mention = api.send_text(GROUP, BOB, "tolong @zibot_test_bot")
    pending = [u["update_id"] for u in api.pending_updates()]
    assert pending == [command["update_id"], bare["update_id"], mention["update_id"]]
    withheld = [u["update_id"] for u in api.withheld_updates()]
    assert withheld == [plain["update_id"], other_bot["update_id"]]

    # A reply to the bot's message reaches it; a reply to a user's message does not.
    bot_message = with_bot(
        api, lambda bot: bot.send_message(GROUP.id, "Balas pesan ini", reply_markup=ForceReply())
    )
    assert "reply_markup" not in api.message(GROUP.id, bot_message.message_id)  # not inline
    answer = api.send_text(GROUP, ALICE, "jawaban", reply_to_message_id=bot_message.message_id)
    chatter = api.send_text(GROUP, BOB, "ok", reply_to_message_id=plain["message"]["message_id"])
    assert answer in api.pending_updates()
    assert chatter in api.withheld_updates()
    assert answer["message"]["reply_to_message"]["from"]["is_bot"] is True

    api.set_chat_admin(GROUP.id, api.bot_id)  # admins see everything
    everything = api.send_text(GROUP, BOB, "sekarang terlihat")
    assert everything in api.pending_updates()


def test_message_ids_are_per_chat_and_shared_with_the_bot(api: BotApiStandIn) -> None:
    first = api.send_text(Chat.private(ALICE), ALICE, "/start")
    api.send_text(Chat.private(BOB), BOB, "/start")

    async def use(bot: Bot) -> int:
        return (await bot.send_message(ALICE.id, "Halo")).message_id

    assert first["message"]["message_id"] == 1
    assert with_bot(api, use) == 2
    assert api.send_text(Chat.private(ALICE), ALICE, "lagi")["message"]["message_id"] == 3


def test_inline_keyboard_button_press_and_edit(api: BotApiStandIn) -> None:
    chat = Chat.private(ALICE)
    api.send_text(chat, ALICE, "/start")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ya", callback_data="ok:1"),
                InlineKeyboardButton("Tidak", callback_data="no:1"),
            ]
        ]
    )

    async def send(bot: Bot) -> int:
        message = await bot.send_message(ALICE.id, "Konfirmasi?", reply_markup=keyboard)
        assert message.reply_markup == keyboard
        assert message.from_user is not None and message.from_user.id == api.bot_id
        return message.message_id

    message_id = with_bot(api, send)
    sent = api.sent(ALICE.id)
    assert len(sent) == 1 and sent[0]["method"] == "sendMessage"
    assert sent[0]["text"] == "Konfirmasi?"
    assert sent[0]["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Ya", "callback_data": "ok:1"}, {"text": "Tidak", "callback_data": "no:1"}]
        ]
    }
    with pytest.raises(AssertionError, match="no button"):
        api.press_button(chat, ALICE, message_id, "maybe")
    api.press_button(chat, ALICE, message_id, "ok:1")

    async def handle(bot: Bot) -> CallbackQuery:
        updates = await bot.get_updates(timeout=0)
        query = updates[-1].callback_query
        assert query is not None
        await query.answer("Tersimpan")
        assert query.message is not None
        await bot.edit_message_text("Terkonfirmasi", ALICE.id, query.message.message_id)
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("Terkonfirmasi", ALICE.id, query.message.message_id)
        return query

    query = with_bot(api, handle)
    assert query.data == "ok:1"
    assert query.from_user.id == ALICE.id
    assert query.chat_instance
    assert query.message is not None and query.message.message_id == message_id
    assert api.callback_answers[0]["text"] == "Tersimpan"
    assert [e["text"] for e in api.edits(ALICE.id)] == ["Terkonfirmasi"]
    edited = api.message(ALICE.id, message_id)
    assert edited["text"] == "Terkonfirmasi"
    assert "reply_markup" not in edited  # an edit without reply_markup drops the keyboard


def test_replies_carry_the_referenced_message(api: BotApiStandIn) -> None:
    question = api.send_text(Chat.private(ALICE), ALICE, "Kapan tenggatnya?")
    question_id = question["message"]["message_id"]

    async def use(bot: Bot) -> None:
        reply = await bot.send_message(ALICE.id, "Jumat", reply_to_message_id=question_id)
        assert reply.reply_to_message is not None
        assert reply.reply_to_message.text == "Kapan tenggatnya?"
        with pytest.raises(BadRequest, match="replied not found"):
            await bot.send_message(ALICE.id, "?", reply_to_message_id=999)

    with_bot(api, use)
    assert api.sent(ALICE.id)[0]["reply_to_message_id"] == question_id


def test_user_document_and_photo_download(api: BotApiStandIn) -> None:
    pdf = b"%PDF-1.4 laporan"
    api.send_document(Chat.private(ALICE), ALICE, "laporan.pdf", pdf, caption="/unggah bukti")
    api.send_photo(Chat.private(ALICE), ALICE, b"\xff\xd8\xff jpeg", caption="foto")

    async def use(bot: Bot) -> tuple[bytes, bytes, str | None, int]:
        document_update, photo_update = await bot.get_updates(timeout=0)
        assert document_update.message is not None and photo_update.message is not None
        document = document_update.message.document
        assert document is not None
        assert document_update.message.caption_entities[0].type == "bot_command"
        document_bytes = await (await document.get_file()).download_as_bytearray()
        photo = photo_update.message.photo
        photo_bytes = await (await photo[-1].get_file()).download_as_bytearray()
        return bytes(document_bytes), bytes(photo_bytes), document.file_name, len(photo)

    document_bytes, photo_bytes, file_name, sizes = with_bot(api, use)
    assert document_bytes == pdf
    assert photo_bytes == b"\xff\xd8\xff jpeg"
    assert file_name == "laporan.pdf"
    assert sizes == 2


def test_bot_uploads_are_recorded(api: BotApiStandIn) -> None:
    workbook = b"PK\x03\x04 xlsx bytes"

    async def use(bot: Bot) -> None:
        message = await bot.send_document(
            ALICE.id, InputFile(workbook, filename="rekap.xlsx"), caption="Rekap mingguan"
        )
        assert message.document is not None and message.document.file_name == "rekap.xlsx"
        await bot.send_photo(
            ALICE.id, b"\x89PNG grafik", caption="<b>Grafik</b>", parse_mode="HTML"
        )
        # A file_id the bot received back can be sent again and fetched.
        again = await bot.send_document(GROUP.id, message.document.file_id)
        assert again.document is not None
        data = await (await again.document.get_file()).download_as_bytearray()
        assert bytes(data) == workbook

    with_bot(api, use)
    document, photo, resent = api.sent()
    assert document["method"] == "sendDocument"
    assert document["content"] == workbook and document["file_name"] == "rekap.xlsx"
    assert document["caption"] == "Rekap mingguan"
    assert photo["method"] == "sendPhoto" and photo["content"] == b"\x89PNG grafik"
    assert photo["caption"] == "<b>Grafik</b>" and photo["parse_mode"] == "HTML"
    assert photo["message"]["caption"] == "Grafik"
    assert resent["chat_id"] == GROUP.id and resent["content"] == workbook


def test_retry_after_then_success(api: BotApiStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, RetryAfter's constructor emits a PTBDeprecationWarning, which
    # filterwarnings=error turns into the exception raised instead of RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", 429, retry_after=3)

    async def use(bot: Bot) -> None:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ALICE.id, "Pengingat")
        assert caught.value.retry_after == dtm.timedelta(seconds=3)
        await bot.send_message(ALICE.id, "Pengingat")

    with_bot(api, use)
    assert [m["text"] for m in api.sent()] == ["Pengingat"]
    assert [(name, status) for name, _, status in api.failures] == [("sendMessage", 429)]
    assert len(api.calls_of("sendMessage")) == 2


def test_other_faults_map_to_ptb_errors(api: BotApiStandIn) -> None:
    api.fail_next("sendMessage", 502)
    api.fail_next("sendDocument", 403)
    api.fail_next("sendPhoto", 400)

    async def use(bot: Bot) -> None:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(ALICE.id, "x")
        assert type(caught.value) is NetworkError  # PTB has no BadGateway class
        assert "Bad Gateway (502)" in caught.value.message
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_document(ALICE.id, InputFile(b"x", filename="a.pdf"))
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_photo(ALICE.id, b"x")

    with_bot(api, use)
    assert api.sent() == []


def test_fault_count(api: BotApiStandIn) -> None:
    api.fail_next("sendMessage", 500, count=2)

    async def use(bot: Bot) -> None:
        for _ in range(2):
            with pytest.raises(NetworkError, match="Internal Server Error"):
                await bot.send_message(ALICE.id, "x")
        await bot.send_message(ALICE.id, "x")

    with_bot(api, use)
    assert len(api.sent()) == 1


def test_long_poll_times_out_when_idle(api: BotApiStandIn) -> None:
    async def use(bot: Bot) -> float:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        return time.monotonic() - started

    elapsed = with_bot(api, use)
    assert 0.9 <= elapsed < 2.5


def test_long_poll_returns_early_on_update(api: BotApiStandIn) -> None:
    timer = threading.Timer(0.2, api.send_text, (Chat.private(ALICE), ALICE, "/start"))

    async def use(bot: Bot) -> tuple[tuple[Update, ...], float]:
        started = time.monotonic()
        timer.start()
        updates = await bot.get_updates(timeout=5)
        return updates, time.monotonic() - started

    updates, elapsed = with_bot(api, use)
    timer.join()
    assert len(updates) == 1
    assert elapsed < 2


def test_second_poller_ends_the_first_with_conflict(api: BotApiStandIn) -> None:
    """Two bot instances polling the same token: the older long poll gets 409 Conflict."""

    async def use(first: Bot) -> None:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        async with Bot(api.token, base_url=api.base_url) as second:
            assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await waiting

    with_bot(api, use)


def test_webhook_blocks_polling(api: BotApiStandIn) -> None:
    api.send_text(Chat.private(ALICE), ALICE, "/start")

    async def use(bot: Bot) -> None:
        await bot.set_webhook("https://example.invalid/hook")
        assert (await bot.get_webhook_info()).pending_update_count == 1
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(timeout=0) == ()

    with_bot(api, use)


def test_formatting_is_checked_like_telegram(api: BotApiStandIn) -> None:
    async def use(bot: Bot) -> None:
        message = await bot.send_message(
            ALICE.id, "<b>Tenggat</b> 5 &lt; 7 &amp; <i>aman</i>", parse_mode=ParseMode.HTML
        )
        assert message.text == "Tenggat 5 < 7 & aman"
        for broken in ("<b>tanpa penutup", "1 < 2", "baris<br>baru", "<b><i>x</b></i>"):
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(ALICE.id, broken, parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match="reserved"):
            await bot.send_message(ALICE.id, "Selesai.", parse_mode=ParseMode.MARKDOWN_V2)
        ok = await bot.send_message(
            ALICE.id, r"*Selesai*\. [tautan](https://a.b/c)", parse_mode=ParseMode.MARKDOWN_V2
        )
        assert ok.text is not None and ok.text.startswith("*Selesai*.")
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message(ALICE.id, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            too_long = InlineKeyboardButton("x", callback_data="d" * 65)
            await bot.send_message(ALICE.id, "x", reply_markup=InlineKeyboardMarkup([[too_long]]))

    with_bot(api, use)
    assert len(api.sent()) == 2


def test_commands_round_trip(api: BotApiStandIn) -> None:
    async def use(bot: Bot) -> None:
        await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("lapor", "Lapor")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "lapor"]
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Start", "Mulai")])
        await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()
        await bot.set_my_description("Bot ZI")
        await bot.send_chat_action(ALICE.id, "typing")

    with_bot(api, use)
    assert api.calls_of("setMyCommands")[0]["commands"][0] == {
        "command": "start",
        "description": "Mulai",
    }


def test_chat_and_members(api: BotApiStandIn) -> None:
    api.send_text(GROUP, ALICE, "/start")
    api.set_chat_admin(GROUP.id, ALICE.id)

    async def use(bot: Bot) -> None:
        chat = await bot.get_chat(GROUP.id)
        assert isinstance(chat, ChatFullInfo) and chat.title == "Satker Denpasar"
        admin = await bot.get_chat_member(GROUP.id, ALICE.id)
        assert isinstance(admin, ChatMemberAdministrator) and admin.user.first_name == "Alice"
        member = await bot.get_chat_member(GROUP.id, BOB.id)
        assert isinstance(member, ChatMemberMember)
        admins = await bot.get_chat_administrators(GROUP.id)
        assert [a.user.id for a in admins] == [ALICE.id]
        private = await bot.get_chat(ALICE.id)
        assert private.type == "private"

    with_bot(api, use)


def test_delete_message(api: BotApiStandIn) -> None:
    async def use(bot: Bot) -> None:
        message = await bot.send_message(ALICE.id, "sementara")
        assert await message.delete()
        with pytest.raises(BadRequest, match="not found"):
            await bot.delete_message(ALICE.id, message.message_id)

    with_bot(api, use)
    assert api.deleted == [(ALICE.id, 1)]


def test_unknown_method_and_wrong_token(api: BotApiStandIn) -> None:
    async def use(bot: Bot) -> None:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTeleport", api_kwargs={"chat_id": ALICE.id})

    with_bot(api, use)
    assert api.unknown_methods == ["sendTeleport"]

    async def wrong() -> None:
        async with Bot("999:wrong", base_url=api.base_url, base_file_url=api.file_url):
            pass

    with pytest.raises(InvalidToken):
        asyncio.run(wrong())
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{api.base_url}999:wrong/getMe", timeout=5)
    assert caught.value.code == 401
    caught.value.close()


def test_json_and_urlencoded_bodies(api: BotApiStandIn) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    body = json.dumps({"chat_id": ALICE.id, "text": "42", "reply_markup": markup}).encode()
    result = http(api, "sendMessage", body, "application/json")
    assert result["ok"] and result["result"]["text"] == "42"
    form = urllib.parse.urlencode(
        {"chat_id": str(BOB.id), "text": "[1, 2]", "reply_markup": json.dumps(markup)}
    ).encode()
    http(api, "sendMessage", form, "application/x-www-form-urlencoded")
    first, second = api.sent()
    assert first["text"] == "42" and first["reply_markup"] == markup
    assert second["chat_id"] == BOB.id and second["text"] == "[1, 2]"
    assert second["reply_markup"] == markup


def test_latency_delays_the_answer_not_the_delivery(api: BotApiStandIn) -> None:
    api.set_latency(0.3)

    async def use(bot: Bot) -> float:
        started = time.monotonic()
        await bot.send_message(ALICE.id, "lambat")
        return time.monotonic() - started

    assert with_bot(api, use) >= 0.3
    assert api.wait_for(lambda m: m["text"] == "lambat", timeout=1)["chat_id"] == ALICE.id


def test_wait_for_reports_what_was_sent(api: BotApiStandIn) -> None:
    with_bot(api, lambda bot: bot.send_message(ALICE.id, "bukan ini"))
    with pytest.raises(AssertionError, match="bukan ini"):
        api.wait_for(lambda m: m["text"] == "itu", timeout=0.1)
    with pytest.raises(AssertionError, match="no message #2"):
        api.wait_for_reply(ALICE.id, timeout=0.1, after=1)


def test_application_end_to_end(api: BotApiStandIn) -> None:
    """A real Application polls the stand-in, answers a command, and confirms the update."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        await message.reply_text(f"Halo {user.first_name}!")

    async def main() -> None:
        app = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            before = len(api.sent(ALICE.id))
            api.send_text(Chat.private(ALICE), ALICE, "/start")
            reply = await asyncio.to_thread(api.wait_for_reply, ALICE.id, 5, before)
            assert reply["text"] == "Halo Alice!"
            await asyncio.to_thread(api.wait_until_confirmed, 5)
            await app.updater.stop()
            await app.stop()

    asyncio.run(main())
    assert api.calls_of("deleteWebhook")


def test_group_migration_and_bot_removal(api: BotApiStandIn) -> None:
    basic = Chat.group(-4001, "Grup lama")
    supergroup = api.migrate_group(basic, ALICE, -1004001)
    api.remove_bot(supergroup, ALICE, "kicked")
    api.send_text(supergroup, ALICE, "/progres")  # the bot is not there: withheld
    api.add_bot(supergroup, ALICE)

    async def use(bot: Bot) -> tuple[Update, ...]:
        updates = await bot.get_updates(timeout=0)
        with pytest.raises(ChatMigrated) as moved:
            await bot.send_message(basic.id, "x")
        assert moved.value.new_chat_id == supergroup.id
        return updates

    updates = with_bot(api, use)
    to_old, from_new, kicked, added = updates
    assert to_old.message is not None and to_old.message.migrate_to_chat_id == supergroup.id
    assert to_old.message.chat.type == "group"
    assert from_new.message is not None and from_new.message.migrate_from_chat_id == basic.id
    assert from_new.message.chat.type == "supergroup"
    assert kicked.my_chat_member is not None
    assert kicked.my_chat_member.new_chat_member.status == "kicked"
    assert kicked.my_chat_member.new_chat_member.user.id == api.bot_id
    assert added.my_chat_member is not None
    assert added.my_chat_member.old_chat_member.status == "kicked"
    assert added.my_chat_member.new_chat_member.status == "member"
    assert len(api.withheld_updates()) == 1

    api.remove_bot(supergroup, ALICE, "left")

    async def refused(bot: Bot) -> None:
        with pytest.raises(Forbidden, match="not a member"):
            await bot.send_message(supergroup.id, "x")

    with_bot(api, refused)

"""Group lifecycle end to end: the real ``zibot run`` process against the Bot API stand-in.

KPU Kabupaten Badung's group is upgraded to a supergroup (Telegram posts the two migration
service messages) and ``/progres`` in the supergroup still answers for Badung. Then the bot is
removed from the supergroup: the province coordination group is told, through the outbox, which
satker's group lost the bot. The bot is added back (it says how to link the group again and
refuses ``/progres`` until then) and ``/hubungkan`` restores the link.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Bot

from handlers.telegram.notifier import TelegramNotifier
from models import AuditLog, ChatLink
from services import texts
from services.notify import Removed
from services.notify import Unreachable as ChatUnreachable

from .botapi import BotApiStandIn, Chat, JSONDict, User
from .conftest import BADUNG, BOT_USERNAME, PROVINCE, Deployment, command, satker_name


@pytest.fixture(scope="module")
def groups_bot(deployment: Deployment) -> Deployment:
    """``zibot run`` sweeping every second (the province notice goes through the outbox)."""
    deployment.start_polling(ZIBOT_SWEEP_SECONDS="1", ZIBOT_LOG_LEVEL="INFO")
    return deployment


@pytest.fixture
def bot(groups_bot: Deployment) -> Deployment:
    if not groups_bot.running:
        groups_bot.restart_polling()
    return groups_bot


def shown(message: JSONDict) -> str:
    return str(message["message"]["text"])


def tried(bot: Deployment, chat_id: int) -> list[JSONDict]:
    """Every sendMessage to the chat, refused ones too."""
    return [p for p in bot.api.calls_of("sendMessage") if str(p.get("chat_id")) == str(chat_id)]


def link(bot: Deployment, chat_id: int) -> tuple[bool, bool] | None:
    """(active, left_at set) of the chat's link, or None."""
    with bot.db() as session:
        row = session.scalar(select(ChatLink).where(ChatLink.chat_id == str(chat_id)))
        return None if row is None else (row.active, row.left_at is not None)


def test_migration_removal_and_relinking(bot: Deployment) -> None:
    badung = satker_name(BADUNG)
    agen = bot.register("agen", BADUNG, "Wayan")
    admin = bot.register("admin", PROVINCE, "Dewi")
    province = bot.new_group("Koordinasi ZI Bali")
    reply = bot.say(province, admin, f"{command('hubungkan')} provinsi")
    assert "koordinasi provinsi" in shown(reply)
    group = bot.linked_group(agen, BADUNG, "ZI Badung")
    assert badung in shown(bot.say(group, agen, command("progres")))

    # 1. The group becomes a supergroup: both service messages arrive, the link follows.
    supergroup = bot.api.migrate_group(group, agen, -(1_000_000_000_000 + abs(group.id)))
    bot.wait_until(lambda: link(bot, supergroup.id) == (True, False), "follow the migration")
    assert link(bot, group.id) is None
    answer = shown(bot.say(supergroup, agen, command("progres")))
    assert badung in answer and "belum terhubung" not in answer

    # 2. The bot is removed from the supergroup: the province group hears which satker.
    before, in_group = len(bot.api.sent(province.id)), len(tried(bot, supergroup.id))
    bot.api.remove_bot(supergroup, agen, "kicked")
    notice = bot.wait_for_message(province.id, before)
    assert badung in shown(notice) and f"/hubungkan {BADUNG}" in shown(notice)
    assert link(bot, supergroup.id) == (False, True)
    assert len(tried(bot, supergroup.id)) == in_group  # nothing was even tried in the group

    # 3. Added back: it says how to relink, and refuses /progres until then.
    before = len(bot.api.sent(supergroup.id))
    bot.api.add_bot(supergroup, agen)
    welcome = bot.wait_for_message(supergroup.id, before)
    assert shown(welcome) == texts.GROUP_BOT_RETURNED.format(name=badung, argument=BADUNG)
    assert shown(bot.say(supergroup, agen, command("progres"))) == (
        texts.GROUP_LINK_INACTIVE.format(name=badung, argument=BADUNG)
    )

    # 4. /hubungkan restores the link; /progres answers for Badung again.
    reply = bot.say(supergroup, agen, f"{command('hubungkan')} {BADUNG}")
    assert f"({BADUNG})" in shown(reply)
    assert link(bot, supergroup.id) == (True, False)
    assert badung in shown(bot.say(supergroup, agen, command("progres")))
    with bot.db() as session:
        actions = list(
            session.scalars(
                select(AuditLog.action)
                .where(AuditLog.entity == "chat_link", AuditLog.entity_id == str(supergroup.id))
                .order_by(AuditLog.id)
            )
        )
    assert actions == ["pindah_grup", "bot_keluar", "hubungkan"]


def test_telegram_notifier_tells_a_removed_bot_from_a_blocked_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot down for more than a day never gets the ``my_chat_member`` update: the refused send
    is the only sign, and the outbox treats it the same way (``Removed``)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    owner = User(1001, "Pemilik")
    kicked, left = Chat.group(-4101, "Satu"), Chat.group(-4102, "Dua")

    async def scenario(api: BotApiStandIn) -> None:
        async with Bot(api.token, base_url=api.base_url) as bot:
            notifier = TelegramNotifier(bot, tmp_path)
            api.remove_bot(kicked, owner, "kicked")
            api.remove_bot(left, owner, "left")
            for chat in (kicked, left):
                with pytest.raises(Removed):
                    await notifier.send(str(chat.id), "x", [])
            api.fail_next("sendMessage", 403)  # "bot was blocked by the user"
            with pytest.raises(ChatUnreachable) as blocked:
                await notifier.send("1001", "x", [])
            assert type(blocked.value) is ChatUnreachable

    with BotApiStandIn(bot_username=BOT_USERNAME) as api:
        asyncio.run(scenario(api))

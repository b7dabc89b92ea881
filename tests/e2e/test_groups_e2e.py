"""Group lifecycle end to end: the real ``zibot run`` process against the Bot API stand-in.

KPU Kabupaten Badung's group is upgraded to a supergroup (Telegram posts the two migration
service messages) and ``/progres`` in the supergroup still answers for Badung. Then the bot is
removed from the supergroup: the province coordination group is told, through the outbox, which
satker's group lost the bot. The bot is added back (it says how to link the group again and
refuses ``/progres`` until then) and ``/hubungkan`` restores the link.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditLog, ChatLink
from services import texts

from .botapi import JSONDict
from .conftest import BADUNG, PROVINCE, Deployment, command, satker_name


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

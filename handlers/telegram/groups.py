"""Group lifecycle: a group upgraded to a supergroup, the bot removed from or added to a group."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType, ParseMode

from handlers import views
from handlers.telegram.commands import run
from handlers.telegram.common import CHANNEL
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import TELEGRAM

log = logging.getLogger(__name__)
_IN = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def migrated(update: Update, context: ZiContext) -> None:
    """``migrate_to_chat_id`` (in the old group) or ``migrate_from_chat_id`` (in the new
    supergroup): the group's link and everything waiting for it move to the new id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    if await run(context.zi.follow_migration, CHANNEL, str(old), str(new)):
        log.info("Group %s became supergroup %s: its link moved", old, new)


def _is_in(member: ChatMember) -> bool:
    if member.status == ChatMember.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in _IN


async def membership(update: Update, context: ZiContext) -> None:
    """``my_chat_member`` in a group: the bot was removed (the link goes inactive and the
    province group is told) or added (the group is told how to link it; nothing is relinked)."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    was_in, is_in = _is_in(change.old_chat_member), _is_in(change.new_chat_member)
    chat_id = str(change.chat.id)
    if was_in and not is_in:
        status = change.new_chat_member.status
        removal = await run(context.zi.bot_removed, CHANNEL, chat_id, status)
        if removal is not None:
            log.info("The bot was removed (%s) from group %s", status, chat_id)
        return
    if is_in and not was_in:
        scope = await run(context.zi.bot_added, CHANNEL, chat_id)
        if scope is not None and scope.active:
            return  # linked and active already: nothing to say
        text = views.group_returned(TELEGRAM, scope)
        await context.bot.send_message(change.chat.id, text, parse_mode=ParseMode.HTML)

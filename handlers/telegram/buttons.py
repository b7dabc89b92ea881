"""Button presses: decode the payload once (``services.actions``), refuse what is malformed.

Every ``CallbackQueryHandler`` gets its payload through ``pressed``; a press that no handler
takes ends in ``unknown_button``, registered last. A refused press is answered
"Tombol tidak berlaku." and logged in one line, never with a traceback.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update

from handlers.telegram.context import ZiContext
from services import actions, texts
from services.actions import Action, BadAction

log = logging.getLogger(__name__)


def pattern(prefix: str) -> str:
    """The ``CallbackQueryHandler`` pattern for a prefix: everything under it, malformed
    payloads too, so that its handler refuses them through ``pressed``."""
    return rf"^{prefix}:"


async def refuse(query: CallbackQuery, reason: str) -> None:
    """Answer a press the bot does not offer, and note it (forged, or from an old keyboard)."""
    user = query.from_user.id if query.from_user else None
    log.info("Button refused (%s): data=%r user=%s", reason, (query.data or "")[:80], user)
    await query.answer(texts.BUTTON_INVALID, show_alert=True)


async def pressed(update: Update, *prefixes: str) -> tuple[CallbackQuery, Action] | None:
    """The query and its decoded payload; None (answered and logged) when it is malformed."""
    query = update.callback_query
    assert query is not None
    try:
        return query, actions.decode(query.data, *prefixes)
    except BadAction as exc:
        await refuse(query, exc.reason)
        return None


async def unknown_button(update: Update, context: ZiContext) -> None:
    """The last handler: a press nothing else took. A /kendala button outside its
    conversation (timed out, or the bot restarted) says so; anything else is invalid."""
    query = update.callback_query
    assert query is not None
    try:
        action = actions.decode(query.data)
    except BadAction as exc:
        await refuse(query, exc.reason)
        return
    if action.prefix == actions.KENDALA:
        await query.answer(texts.KENDALA_EXPIRED, show_alert=True)
        return
    await refuse(query, "no handler took it")

"""The per-user flood throttle, first in line for every update (policy: services.throttle)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from handlers.telegram.common import reply
from handlers.telegram.context import ZiContext
from services import texts
from services.throttle import Verdict

log = logging.getLogger(__name__)


async def throttle(update: Update, context: ZiContext) -> None:
    """Let the update through, or drop it: with one polite notice per episode, then silently.

    A pressed button is always answered (quietly when dropped), so the client stops spinning.
    """
    policy = context.bot_data.throttle
    user = update.effective_user
    if policy is None or user is None:
        return
    verdict = policy.hit(user.id)
    if verdict is Verdict.PASS:
        return
    try:
        if update.callback_query is not None:
            notice = texts.FLOOD_NOTICE if verdict is Verdict.NOTICE else None
            await update.callback_query.answer(notice)
        elif verdict is Verdict.NOTICE:
            await reply(update, texts.FLOOD_NOTICE)
    except TelegramError as exc:  # the notice is a courtesy: the update is dropped regardless
        log.warning("Could not tell user %s to slow down: %s", user.id, exc)
    raise ApplicationHandlerStop

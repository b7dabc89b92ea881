"""The per-user flood throttle, first in line for every update (policy: services.throttle).

Updates are counted when they *arrive* (the update processor calls ``ThrottleGate.arrive`` in
arrival order), not when their turn comes: a flooded group is answered at the group's flood
pace, and counting at that pace would let every flood through, one answer every few seconds.
The handler then acts on the verdict in the chat's turn, so the notice keeps the chat's order.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, filters

from handlers.telegram.common import reply
from handlers.telegram.context import ZiContext
from services import texts
from services.throttle import Throttle, Verdict

log = logging.getLogger(__name__)


def counted(update: object) -> bool:
    """Whether an update is something a person typed or pressed: service messages (a group
    upgraded, members joining) and the bot's own membership changes are never throttled, so a
    flood never hides that the bot was removed from a group."""
    if not isinstance(update, Update) or update.effective_user is None:
        return False
    if update.my_chat_member is not None or update.chat_member is not None:
        return False
    return not filters.StatusUpdate.ALL.check_update(update)


class ThrottleGate:
    """The throttle policy and the verdicts of the updates that arrived but wait their turn."""

    def __init__(self, policy: Throttle) -> None:
        self.policy = policy
        self._pending: dict[int, Verdict] = {}  # id(update) -> verdict, while it waits

    def arrive(self, update: object) -> None:
        """Count an update as it comes in (called in arrival order)."""
        if counted(update):
            assert isinstance(update, Update) and update.effective_user is not None
            self._pending[id(update)] = self.policy.hit(update.effective_user.id)

    def leave(self, update: object) -> None:
        """Forget an update once processed (or dropped before the throttle saw it)."""
        self._pending.pop(id(update), None)

    def verdict(self, update: Update, user_id: int) -> Verdict:
        """The verdict taken at arrival; counted now if the update skipped ``arrive``."""
        found = self._pending.pop(id(update), None)
        return found if found is not None else self.policy.hit(user_id)

    def waiting(self) -> int:
        """Updates counted but not processed yet."""
        return len(self._pending)


async def throttle(update: Update, context: ZiContext) -> None:
    """Let the update through, or drop it: with one polite notice per episode, then silently.

    A pressed button is always answered (quietly when dropped), so the client stops spinning.
    """
    gate = context.bot_data.throttle
    user = update.effective_user
    if gate is None or user is None or not counted(update):
        return
    verdict = gate.verdict(update, user.id)
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
